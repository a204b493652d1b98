// Package batch is the offline `openmtm screen` command (services/README.md;
// formats.md has none): it reads members.csv, rx_claims.csv and optionally
// diagnoses.csv, screens every member for drug therapy problems on an
// as-of date with the targeting service's own code (package screening,
// fed the PDCs of package adherence over the same claims), and writes one
// JSON line per finding, in members.csv order and, per member, in the
// screener's order.
//
// It reads with the eligibility batch's machinery (chunked parallel
// parsing through the service's readers, the compact member table, the
// quick first read for reversals) and keeps per member only what the
// rules can use: the claims whose supply reaches into the rules' look-back
// (or that a PDC of the measurement year counts), 16 bytes each, and the
// few diagnoses whose codes a rule looks for. A claim keeps no id: its
// row's byte offset stands in for it, and the ids of the claims that
// findings name are read back from the file block by block as the
// findings are written. Memory grows with members and the claims of their
// look-back, not with the rows read.
package batch

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
	"github.com/openmtm/openmtm/services/targeting/adherence"
	"github.com/openmtm/openmtm/services/targeting/screening"
)

// planID is the plan the records belong to: the files carry none.
const planID = "batch"

// Config says what to screen.
type Config struct {
	// AsOf is the day screened (--as-of): the rules' windows end on it and
	// rows dated after it are ignored.
	AsOf civil.Date
	// Year is the measurement year of the PDCs the adherence rule judges
	// (--measurement-year); 0 means AsOf's year. PDCs are measured to
	// AsOf when it falls in the year.
	Year int
	// Members, Claims and Diagnoses are the paths of the formats.md files
	// (--members, --claims, --diagnoses); Diagnoses may be blank. Claims
	// must be a regular file: it is read for reversals, then for claims,
	// then for the ids of the claims findings name.
	Members, Claims, Diagnoses string
	// Rules is the path of a plan's screening configuration (--config, a
	// screening.Config in YAML: rules switched off, thresholds); blank
	// means the shipped rules.
	Rules string
	// Reference is the clinical reference data; nil means the embedded one.
	Reference *reference.Reference
	// Today bounds birth dates as the service does; zero means today.
	Today civil.Date
	// Workers is how many goroutines read and screen; 0 means GOMAXPROCS.
	Workers int
	// Progress is how often a progress line goes to standard error; 0
	// means every 2 seconds, negative means never (phase summaries still go).
	Progress time.Duration
	// ParseOnly reads and parses the files as a run would and screens
	// nothing: the floor a run is measured against.
	ParseOnly bool

	// chunkBytes is the size files are cut at; tests make it tiny.
	chunkBytes int
}

// files are the inputs of a run.
type files struct{ members, claims, diagnoses elig.File }

// run is one resolved configuration.
type run struct {
	cfg   Config
	in    files
	rules *screening.RuleSet
	// earliest is the first day the rules look at: claims whose supply
	// ends before it and diagnoses dated before it change nothing.
	earliest civil.Date
	// pdc is set when the adherence rule runs, so PDCs are needed.
	pdc    bool
	spec   adherence.Spec
	period adherence.Period
	// y0 and yLast bound the fills and diagnoses the PDCs read: the
	// measurement year up to the as-of date.
	y0, yLast civil.Date
	split     elig.Splitting
	prog      *elig.Progress
	names     *dict[nameInfo]
	codes     *dict[bool]
}

// Run screens the members of cfg's files and writes the findings to
// stdout as JSON Lines, progress and a summary to stderr. Nothing is
// written to stdout until every file has been read, so a run that fails
// on bad input writes nothing there.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	start := time.Now()
	r, err := resolve(cfg)
	if err != nil {
		return err
	}
	r.prog = elig.NewProgress(stderr, "screen", cfg.Progress)
	defer r.prog.Close()
	if cfg.ParseOnly {
		rows, err := elig.ParseOnly(ctx, r.split, r.prog, elig.MembersParser(r.in.members, r.cfg.Today),
			elig.ClaimsParser(r.in.claims, r.cfg.Reference.NDC), elig.DiagnosesParser(r.in.diagnoses))
		if err != nil {
			return err
		}
		r.prog.Say("parsed %s rows, screened nothing (--parse-only); %.1f s", elig.Group(rows), time.Since(start).Seconds())
		return nil
	}
	members, rev, err := elig.LoadMembersAndReversals(ctx, r.in.members, r.in.claims, r.cfg.Today, r.split, r.prog)
	if err != nil {
		return err
	}

	st := newState(members.Len())
	r.prog.Begin("claims", r.in.claims.Size())
	n, err := r.addClaims(ctx, members, rev, st)
	if err != nil {
		return err
	}
	r.prog.End(fmt.Sprintf("%s claims kept (in the %d-day look-back, or in a PDC); %s paid claims cancelled by reversals; %s of those claims of members not in %s",
		elig.Group(n.kept), r.rules.Lookback(), elig.Group(n.cancelled), elig.Group(n.unknown), r.in.members.Name()))
	if r.in.diagnoses.Name() != "" {
		r.prog.Begin("diagnoses", r.in.diagnoses.Size())
		n, err := r.addDiagnoses(ctx, members, st)
		if err != nil {
			return err
		}
		r.prog.End(fmt.Sprintf("%s diagnoses kept (codes a rule looks for, in the look-back), %s ESRD diagnoses in the measurement year; %s of members not in %s",
			elig.Group(n.kept), elig.Group(n.esrd), elig.Group(n.unknown), r.in.members.Name()))
	}

	r.prog.Begin("screening", 0)
	t, err := r.write(ctx, stdout, members, st)
	if err != nil {
		return err
	}
	r.prog.End(fmt.Sprintf("%s findings, %s claim ids read back", elig.Group(t.findings), elig.Group(t.ids)))
	summary := ""
	for _, id := range screening.RuleIDs() {
		if c := t.byRule[id]; c > 0 {
			summary += fmt.Sprintf(", %s %s", id, elig.Group(c))
		}
	}
	r.prog.Say("%s members as of %s under rules %s: %s findings for %s members%s; %.1f s", elig.Group(int64(members.Len())),
		r.cfg.AsOf, r.rules.Version(), elig.Group(t.findings), elig.Group(t.members), summary, time.Since(start).Seconds())
	return nil
}

// resolve applies the defaults and checks cfg, reporting every problem.
func resolve(cfg Config) (*run, error) {
	var v errs.Violations
	r := &run{cfg: cfg}
	if cfg.AsOf == 0 {
		v.Add("as_of", "is required")
	} else if cfg.Year == 0 {
		r.cfg.Year = cfg.AsOf.Year()
	} else if y := cfg.AsOf.Year(); cfg.Year > y || cfg.Year < y-maxYearsBack {
		v.Addf("measurement_year", "must be the as-of date's year or one of the %d years before it", maxYearsBack)
	}
	r.in.members = elig.CheckFile(&v, "members", cfg.Members, true, false)
	r.in.claims = elig.CheckFile(&v, "claims", cfg.Claims, true, true)
	r.in.diagnoses = elig.CheckFile(&v, "diagnoses", cfg.Diagnoses, false, false)
	if err := v.Err(); err != nil {
		return nil, elig.Describe("invalid settings", err)
	}
	rules, err := loadRules(cfg.Reference, cfg.Rules)
	if err != nil {
		return nil, err
	}
	if r.cfg.Reference == nil {
		if r.cfg.Reference, err = reference.Default(); err != nil {
			return nil, err
		}
	}
	r.rules = rules
	r.earliest = cfg.AsOf.AddDays(-(rules.Lookback() - 1))
	r.pdc = rules.Enabled(screening.RuleAdherencePDC)
	r.spec = adherence.DefaultSpec()
	r.period = adherence.Period{Year: r.cfg.Year, AsOf: cfg.AsOf}
	r.y0, r.yLast = civil.YearStart(r.cfg.Year), min(cfg.AsOf, civil.YearEnd(r.cfg.Year))
	if r.cfg.Today == 0 {
		r.cfg.Today = civil.Today()
	}
	if r.cfg.Workers <= 0 {
		r.cfg.Workers = runtime.GOMAXPROCS(0)
	}
	r.split = elig.Splitting{Workers: r.cfg.Workers, ChunkBytes: cfg.chunkBytes}
	r.names = newNames(r.cfg.Reference.Drugs, adherence.NewClassifier(r.cfg.Reference.Drugs))
	r.codes = newCodes(rules.DiagnosisPrefixes())
	return r, nil
}

// maxYearsBack bounds how far the measurement year may lie before the
// as-of date: a kept claim's date is a 16-bit count of days before it.
const maxYearsBack = 100

// maxConfigBytes bounds a screening configuration read: plans switch a
// few rules and thresholds, in a few kilobytes.
const maxConfigBytes = 1 << 20

// loadRules returns the shipped rules over the drug reference ref (nil:
// the embedded one), with the plan's configuration at path applied when
// there is one.
func loadRules(ref *reference.Reference, path string) (*screening.RuleSet, error) {
	var (
		rules *screening.RuleSet
		err   error
	)
	if ref == nil {
		rules, err = screening.Load()
	} else {
		rules, err = screening.Parse(screening.ShippedRules(), ref.Drugs)
	}
	if err != nil {
		return nil, fmt.Errorf("shipped screening rules: %w", elig.Describe("invalid rules", err))
	}
	if path == "" {
		return rules, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	if len(src) > maxConfigBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a screening configuration", path, maxConfigBytes)
	}
	c, err := screening.ParseConfig(src)
	if err == nil {
		rules, err = rules.WithConfig(c)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, elig.Describe("invalid config", err))
	}
	return rules, nil
}
