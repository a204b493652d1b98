// Package batch is the offline `openmtm adherence` command of
// ../shared/formats.md: it reads members.csv, rx_claims.csv and optionally
// diagnoses.csv and inpatient_stays.csv, computes the three PQA PDC
// measures of every member for a measurement year with the targeting
// service's own code (package adherence), and writes one JSON line per
// member and measure in the denominator, in members.csv order and, per
// member, in the order diabetes, rasa, statins.
//
// It reads with the eligibility batch's machinery (chunked parallel
// parsing through the service's readers, the compact member table, the
// quick first read for reversals) and keeps per member only what the
// measures need: the fills of the year in a measure's value set, 16 bytes
// each, its inpatient stays and three flags. Memory grows with members
// (and their few fills a year per measure), not with the rows read.
package batch

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
	"github.com/openmtm/openmtm/services/targeting/adherence"
)

// planID is the plan the records belong to: the files carry none.
const planID = "batch"

// Config says what to compute.
type Config struct {
	// Year is the measurement year (--measurement-year).
	Year int
	// AsOf is the last day of data (--as-of): rows after it are ignored
	// and the treatment period ends on it at the latest. Zero means the
	// end of the year.
	AsOf civil.Date
	// Members, Claims, Diagnoses and Stays are the paths of the files
	// (--members, --claims, --diagnoses, --inpatient-stays); Diagnoses and
	// Stays may be blank. Claims must be a regular file: it is read twice.
	Members, Claims, Diagnoses, Stays string
	// Reference is the clinical reference data; nil means the embedded one.
	Reference *reference.Reference
	// Spec is the measure specification; nil means adherence.DefaultSpec.
	Spec *adherence.Spec
	// Today bounds birth dates as the service does; zero means today.
	Today civil.Date
	// Workers is how many goroutines read and compute; 0 means GOMAXPROCS.
	Workers int
	// Progress is how often a progress line goes to standard error; 0
	// means every 2 seconds, negative means never (phase summaries still go).
	Progress time.Duration
	// ParseOnly reads and parses the files as a run would and computes
	// nothing: the floor a run is measured against.
	ParseOnly bool

	// chunkBytes is the size files are cut at; tests make it tiny.
	chunkBytes int
}

// files are the inputs of a run.
type files struct{ members, claims, diagnoses, stays elig.File }

// run is one resolved configuration.
type run struct {
	cfg      Config
	in       files
	spec     adherence.Spec
	period   adherence.Period
	y0, last civil.Date // the year's first day and the as-of date, clamped into the year
	split    elig.Splitting
	prog     *elig.Progress
	classify *adherence.Classifier
}

// Run computes the measures of cfg's files and writes the results to
// stdout as JSON Lines, progress and a summary to stderr. Nothing is
// written to stdout until every file has been read, so a run that fails on
// bad input writes nothing there.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	start := time.Now()
	r, err := resolve(cfg)
	if err != nil {
		return err
	}
	r.prog = elig.NewProgress(stderr, "adherence", cfg.Progress)
	defer r.prog.Close()
	if cfg.ParseOnly {
		return r.parseOnly(ctx, start)
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
	r.prog.End(fmt.Sprintf("%s fills kept (in the year, in a measure or excluding from one); %s paid claims cancelled by reversals; %s of those fills of members not in %s",
		elig.Group(n.kept), elig.Group(n.cancelled), elig.Group(n.unknown), r.in.members.Name()))
	if r.in.diagnoses.Name() != "" {
		r.prog.Begin("diagnoses", r.in.diagnoses.Size())
		esrd, err := r.addDiagnoses(ctx, members, st)
		if err != nil {
			return err
		}
		r.prog.End(elig.Group(esrd) + " ESRD diagnoses in the year")
	}
	if r.in.stays.Name() != "" {
		r.prog.Begin("inpatient stays", r.in.stays.Size())
		kept, unknown, err := r.addStays(ctx, members, st)
		if err != nil {
			return err
		}
		r.prog.End(fmt.Sprintf("%s stays in the year, %s of members not in %s", elig.Group(kept), elig.Group(unknown), r.in.members.Name()))
	}

	r.prog.Begin("measures", 0)
	rates, lines, err := r.write(ctx, stdout, members, st)
	if err != nil {
		return err
	}
	r.prog.End(elig.Group(lines) + " lines")
	summary := ""
	for _, rt := range rates.List() {
		summary += fmt.Sprintf("; %s %s of %s adherent (%.1f%%)", rt.Measure, elig.Group(rt.Numerator), elig.Group(rt.Denominator), 100*rt.Value())
	}
	r.prog.Say("%s members, measurement year %d as of %s%s; %.1f s", elig.Group(int64(members.Len())), cfg.Year,
		r.last, summary, time.Since(start).Seconds())
	return nil
}

// resolve applies the defaults and checks cfg, reporting every problem.
func resolve(cfg Config) (*run, error) {
	var v errs.Violations
	r := &run{cfg: cfg}
	if cfg.Year < 1971 || cfg.Year > 9998 {
		v.Add("measurement_year", "is required: a year such as 2025")
	} else if cfg.AsOf != 0 && cfg.AsOf < civil.YearStart(cfg.Year) {
		v.Add("as_of", "must not be before the measurement year")
	}
	r.in.members = elig.CheckFile(&v, "members", cfg.Members, true, false)
	r.in.claims = elig.CheckFile(&v, "claims", cfg.Claims, true, true)
	r.in.diagnoses = elig.CheckFile(&v, "diagnoses", cfg.Diagnoses, false, false)
	r.in.stays = elig.CheckFile(&v, "inpatient_stays", cfg.Stays, false, false)
	if err := v.Err(); err != nil {
		return nil, elig.Describe("invalid settings", err)
	}
	if r.cfg.Reference == nil {
		ref, err := reference.Default()
		if err != nil {
			return nil, err
		}
		r.cfg.Reference = ref
	}
	r.spec = adherence.DefaultSpec()
	if cfg.Spec != nil {
		r.spec = *cfg.Spec
	}
	if _, err := adherence.NewEvaluator(r.spec); err != nil {
		return nil, err
	}
	if r.cfg.Today == 0 {
		r.cfg.Today = civil.Today()
	}
	r.period = adherence.Period{Year: cfg.Year, AsOf: cfg.AsOf}
	r.y0 = civil.YearStart(cfg.Year)
	r.last = civil.YearEnd(cfg.Year)
	if cfg.AsOf != 0 && cfg.AsOf < r.last {
		r.last = cfg.AsOf
	}
	if r.cfg.Workers <= 0 {
		r.cfg.Workers = runtime.GOMAXPROCS(0)
	}
	r.split = elig.Splitting{Workers: r.cfg.Workers, ChunkBytes: cfg.chunkBytes}
	r.classify = adherence.NewClassifier(r.cfg.Reference.Drugs)
	return r, nil
}
