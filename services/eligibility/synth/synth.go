// Package synth writes a synthetic Medicare Part D population in the
// formats.md files (members.csv, rx_claims.csv, diagnoses.csv) for
// benchmarks and demos: the ages, chronic diseases and drug use of a
// Medicare population, refills with gaps, early refills and stops,
// reversals, and a few DMP at-risk, hospice, long-term-care and ESRD
// members. The same Config gives the same bytes on every run, however many
// cores generate it, because each member's random stream is derived from
// (seed, member number) alone.
//
// The data is fake on purpose: names are built from words like "Test" and
// "Sample", phones are in the 555-0100–0199 range reserved for fiction.
// MBIs and NPIs have a valid format and check digit so that they pass
// validation, and may therefore coincide with real identifiers.
package synth

import (
	"context"
	"fmt"
	"runtime"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
)

// Config says what to generate.
type Config struct {
	// Members is how many members to write (0: headers only).
	Members int
	// Seed selects the population; the same seed gives the same files.
	Seed int64
	// AsOf is the last day of the claims, which span the 365 days ending
	// on it; the zero Date means DefaultAsOf.
	AsOf civil.Date
	// PlanID is unused in the files (they carry no plan column); reserved.
	PlanID string
}

// DefaultAsOf is the as-of date of a Config that names none: 2025-12-31,
// the end of the last contract year with a confirmed cost threshold.
var DefaultAsOf = civil.YearEnd(2025)

// Stats counts what Generate wrote. Claims counts every rx_claims.csv row,
// reversal rows included; Reversals counts those alone. Header rows are not
// counted.
type Stats struct {
	Members, Claims, Diagnoses, Reversals int64
}

// The files Generate writes into its folder.
const (
	MembersFile   = "members.csv"
	ClaimsFile    = "rx_claims.csv"
	DiagnosesFile = "diagnoses.csv"
)

// Generate writes members.csv, rx_claims.csv and diagnoses.csv into dir
// (created if missing), identical bytes for the same Config, and reports
// the rows written. Drugs come from ref. progress, when not nil, is called
// from one goroutine after each block of members is written, with the
// number written so far.
//
// The files appear only when complete: they are written under temporary
// names and renamed at the end, so a cancelled or failed run leaves no
// half-written file that looks whole.
func Generate(ctx context.Context, cfg Config, ref *reference.Reference, dir string, progress func(membersDone int)) (Stats, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return Stats{}, err
	}
	cat, err := newCatalog(ref)
	if err != nil {
		return Stats{}, fmt.Errorf("synth: %w", err)
	}
	out, err := createOutputs(dir)
	if err != nil {
		return Stats{}, fmt.Errorf("synth: %w", err)
	}
	defer out.abort()
	st, err := run(ctx, cfg, cat, newShared(cfg.Seed), out, runtime.GOMAXPROCS(0), progress)
	if err != nil {
		return st, fmt.Errorf("synth: %w", err)
	}
	if err := out.commit(); err != nil {
		return st, fmt.Errorf("synth: %w", err)
	}
	return st, nil
}

// resolve applies defaults and checks cfg.
func (cfg Config) resolve() (Config, error) {
	if cfg.AsOf == 0 {
		cfg.AsOf = DefaultAsOf
	}
	var v errs.Violations
	if cfg.Members < 0 {
		v.Add("members", "must not be negative")
	}
	// Part D began in 2006; members born up to 105 years before the as-of
	// date must still have birth dates from 1900 on.
	if y := cfg.AsOf.Year(); y < 2006 || y > 9000 {
		v.Add("as_of", "must be a date from 2006-01-01 on")
	}
	return cfg, v.Err()
}
