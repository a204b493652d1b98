package app

import (
	"context"
	"io"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

// ImportResult is what an import read and what it changed.
type ImportResult struct {
	Read      int64
	Stored    int64
	Unchanged int64
	Skipped   int64
	Reversed  int64
	Errors    []intake.RowError
}

// ImportCounts is what the repository changed in one import.
type ImportCounts struct {
	// Stored rows were new or differed from what was stored.
	Stored int64
	// Reversed counts claims a reversal row cancelled.
	Reversed int64
	// ChangedMembers is how many members' data changed.
	ChangedMembers int
}

// Importer is the part of the repository that imports files, each in one
// transaction: when read fails, nothing of the file is stored.
type Importer interface {
	ImportMembers(ctx context.Context, read func(put func(domain.Member) error) error, now time.Time) (ImportCounts, error)
	ImportClaims(ctx context.Context, planID string, read func(put func(domain.Claim) error) error) (ImportCounts, error)
	ImportDiagnoses(ctx context.Context, planID string, read func(put func(domain.Diagnosis) error) error) (ImportCounts, error)
}

// ImportMembers imports members.csv from r.
func (a *App) ImportMembers(ctx context.Context, planID string, r io.Reader, opts intake.Options) (ImportResult, error) {
	var sum intake.Summary
	counts, err := a.repo.ImportMembers(ctx, func(put func(domain.Member) error) (err error) {
		sum, err = intake.Members(r, planID, a.Today(), opts, func(_ int64, m domain.Member) error { return put(m) })
		return err
	}, a.now())
	return result(sum, counts, err)
}

// ImportClaims imports rx_claims.csv from r.
func (a *App) ImportClaims(ctx context.Context, planID string, r io.Reader, opts intake.Options) (ImportResult, error) {
	var sum intake.Summary
	counts, err := a.repo.ImportClaims(ctx, planID, func(put func(domain.Claim) error) (err error) {
		sum, err = intake.Claims(r, planID, a.ndc, opts, func(_ int64, c domain.Claim) error { return put(c) })
		return err
	})
	return result(sum, counts, err)
}

// ImportDiagnoses imports diagnoses.csv from r.
func (a *App) ImportDiagnoses(ctx context.Context, planID string, r io.Reader, opts intake.Options) (ImportResult, error) {
	var sum intake.Summary
	counts, err := a.repo.ImportDiagnoses(ctx, planID, func(put func(domain.Diagnosis) error) (err error) {
		sum, err = intake.Diagnoses(r, planID, opts, func(_ int64, d domain.Diagnosis) error { return put(d) })
		return err
	})
	return result(sum, counts, err)
}

func result(sum intake.Summary, counts ImportCounts, err error) (ImportResult, error) {
	if err != nil {
		return ImportResult{}, intake.AsInvalid(err)
	}
	return ImportResult{
		Read:      sum.Rows,
		Stored:    counts.Stored,
		Unchanged: sum.Rows - sum.Skipped - counts.Stored,
		Skipped:   sum.Skipped,
		Reversed:  counts.Reversed,
		Errors:    sum.Errors,
	}, nil
}
