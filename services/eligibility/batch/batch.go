// Package batch is the offline `openmtm eligibility` command of
// ../shared/formats.md: it reads members.csv, rx_claims.csv and optionally
// diagnoses.csv, evaluates every member on an as-of date under the CMS
// maxima of a contract year (or a plan's Part D rules file) and writes one
// JSON line per member, in members.csv order, without a server.
//
// It evaluates with the service's own code (domain.NewFactsBuilder,
// domain.Evaluate) and reads with the service's own readers (intake), so
// that a file gives the same answer offline and online. What is its own is
// the streaming: memory grows with members, not claims. Each member keeps a
// facts builder of a few words; claim and diagnosis rows are folded into
// them as they are read and then dropped.
//
// Reversals are the one thing a row-at-a-time fold cannot do: a reversal
// cancels the paid claim with the same claim_id wherever it stands in the
// file, and a builder cannot take back a claim it has counted. So the
// claims file is read twice: first a quick scan that splits records itself
// and collects the hashes of reversed claim ids (memory grows with
// reversals only), then the full read that builds claims and skips the
// cancelled ones. The scan costs a tenth of the full read; a single pass
// would have to remember every claim that a later reversal might cancel.
//
// Files are cut into chunks of whole records and parsed on every core;
// results are still written in input order. A file with a bad row is
// re-read in one piece so that the error names the first problem exactly as
// the service's import would: file, line, column and what is wrong.
package batch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
)

// Config says what to evaluate.
type Config struct {
	// ContractYear selects the CMS rules (--contract-year).
	ContractYear int
	// AsOf is the day the windows end on, inclusive (--as-of).
	AsOf civil.Date
	// Members, Claims and Diagnoses are the paths of the formats.md files
	// (--members, --claims, --diagnoses); Diagnoses may be blank. Claims
	// must be a regular file: it is read twice.
	Members, Claims, Diagnoses string
	// Rules is the path of a plan's Part D rules file (--rules), parsed by
	// domain.ParseRuleSet; blank means the CMS maxima of ContractYear.
	Rules string
	// Reference is the clinical reference data; nil means the embedded one.
	Reference *reference.Reference
	// Today bounds birth dates as the service does; zero means today.
	Today civil.Date
	// Workers is how many goroutines parse and evaluate; 0 means GOMAXPROCS.
	Workers int
	// Progress is how often a progress line goes to standard error; 0
	// means every 2 seconds, negative means never (phase summaries still go).
	Progress time.Duration
	// ParseOnly reads and parses the three files as a run would, and
	// evaluates and writes nothing: the floor a run is measured against.
	ParseOnly bool

	// chunkBytes is the size files are cut at; 0 means defaultChunkBytes.
	// Tests make it tiny so that small files cross many chunk boundaries.
	chunkBytes int
}

func (cfg Config) splitting() splitting {
	return splitting{workers: cfg.Workers, size: cmp.Or(cfg.chunkBytes, defaultChunkBytes)}
}

// Run evaluates the members of cfg's files and writes the results to
// stdout as JSON Lines in members.csv order, progress and a summary to
// stderr. Nothing is written to stdout until every file has been read, so
// a run that fails on bad input writes nothing there.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	start := time.Now()
	cfg, ins, err := cfg.resolve()
	if err != nil {
		return err
	}
	rules, err := cfg.rules()
	if err != nil {
		return err
	}
	prog := newProgress(stderr, cfg.Progress)
	defer prog.close()
	if cfg.ParseOnly {
		return parseOnly(ctx, cfg, ins, prog, start)
	}
	members, reversals, err := LoadMembersAndReversals(ctx, File{ins.members}, File{ins.claims}, cfg.Today,
		Splitting{Workers: cfg.Workers, ChunkBytes: cfg.chunkBytes}, &Progress{p: prog})
	if err != nil {
		return err
	}
	pop, rev := members.pop, reversals.rev
	base := domain.NewFactsBuilder(cfg.Reference, rules, cfg.AsOf, false)
	pop.builders = make([]domain.FactsBuilder, len(pop.members))
	for i := range pop.builders {
		pop.builders[i] = base.Fresh()
	}

	var n counts
	prog.begin("claims", ins.claims.size)
	if err := pop.addClaims(ctx, ins.claims, cfg.Reference, rev, cfg.splitting(), &n, prog); err != nil {
		return err
	}
	prog.end(fmt.Sprintf("%s reversals, %s paid claims they cancel, %s claims of members not in %s",
		group(n.reversals.Load()), group(n.cancelled.Load()), group(n.claimsUnknown.Load()), ins.members.name))
	if ins.diagnoses.name != "" {
		prog.begin("diagnoses", ins.diagnoses.size)
		if err := pop.addDiagnoses(ctx, ins.diagnoses, cfg.splitting(), &n, prog); err != nil {
			return err
		}
		prog.end(fmt.Sprintf("%s of members not in %s", group(n.diagnosesUnknown.Load()), ins.members.name))
	}

	prog.begin("evaluation", 0)
	t, err := pop.write(ctx, stdout, rules, cfg.AsOf, cfg.Workers)
	prog.rows.Store(int64(len(pop.members)))
	if err != nil {
		return err
	}
	prog.end("")
	eligible := t[domain.ReasonCriteria] + t[domain.ReasonDMP] + t[domain.ReasonBoth]
	prog.say("%s members under %s as of %s: %s eligible (01 criteria %s, 02 DMP only %s, 03 both %s); %s rows of claims, %s of diagnoses; %.1f s",
		group(int64(len(pop.members))), rules.Name, cfg.AsOf, group(eligible), group(t[domain.ReasonCriteria]),
		group(t[domain.ReasonDMP]), group(t[domain.ReasonBoth]), group(n.claims.Load()), group(n.diagnoses.Load()),
		time.Since(start).Seconds())
	return nil
}

// inputs are the files of a run.
type inputs struct{ members, claims, diagnoses input }

// input is one CSV file: name is the path as given, used in messages.
type input struct {
	name string
	size int64
}

func (in input) open() (*os.File, error) {
	f, err := os.Open(in.name)
	if err != nil {
		return nil, fmt.Errorf("open %w", err) // "open members.csv: no such file or directory"
	}
	return f, nil
}

// firstProblem turns the failure of a chunked read into the error of the
// file read in one piece by read: the first problem in file order, with
// its true line. Errors that are not about the file's content (the run was
// cancelled, a read failed) are returned as they are.
func (in input) firstProblem(ctx context.Context, chunkErr error, read func(io.Reader) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var rejected *intake.Rejected
	if !errors.As(chunkErr, &rejected) {
		return fmt.Errorf("%s: %w", in.name, chunkErr)
	}
	f, err := in.open()
	if err != nil {
		return err
	}
	defer f.Close()
	if err := read(f); err != nil {
		return err
	}
	// Not expected: a chunk failed where the whole file reads fine.
	return fmt.Errorf("%s: a chunk of the file failed to parse, the whole file did not: %w", in.name, chunkErr)
}

// resolve applies the defaults and checks cfg, reporting every problem.
func (cfg Config) resolve() (Config, inputs, error) {
	var v errs.Violations
	if cfg.ContractYear <= 0 {
		v.Add("contract_year", "is required")
	}
	if cfg.AsOf == 0 {
		v.Add("as_of", "is required")
	}
	var ins inputs
	ins.members = stat(&v, "members", cfg.Members, true, false)
	ins.claims = stat(&v, "claims", cfg.Claims, true, true)
	ins.diagnoses = stat(&v, "diagnoses", cfg.Diagnoses, false, false)
	if err := v.Err(); err != nil {
		return cfg, ins, Describe("invalid settings", err)
	}
	if cfg.Reference == nil {
		ref, err := reference.Default()
		if err != nil {
			return cfg, ins, err
		}
		cfg.Reference = ref
	}
	if cfg.Today == 0 {
		cfg.Today = civil.Today()
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Progress == 0 {
		cfg.Progress = 2 * time.Second
	}
	return cfg, ins, nil
}

// stat checks one input file. regular asks for a regular file, one that
// can be read twice.
func stat(v *errs.Violations, field, path string, required, regular bool) input {
	if path == "" {
		if required {
			v.Add(field, "is required")
		}
		return input{}
	}
	info, err := os.Stat(path)
	switch {
	case err != nil:
		v.Add(field, err.Error())
	case info.IsDir():
		v.Add(field, path+" is a folder, not a CSV file")
	case regular && !info.Mode().IsRegular():
		v.Add(field, path+" must be a regular file: reversals are found in a first read, claims in a second")
	default:
		return input{name: path, size: info.Size()}
	}
	return input{}
}
