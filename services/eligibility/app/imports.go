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
// transaction: when read fails, nothing of the file is stored. An import
// of claims, diagnoses or inpatient stays that changes rows also marks the
// members whose records changed and publishes records.changed for them,
// in that transaction.
type Importer interface {
	ImportMembers(ctx context.Context, read func(put func(domain.Member) error) error, now time.Time) (ImportCounts, error)
	ImportClaims(ctx context.Context, planID string, read func(put func(domain.Claim) error) error) (ImportCounts, error)
	ImportDiagnoses(ctx context.Context, planID string, read func(put func(domain.Diagnosis) error) error) (ImportCounts, error)
	ImportInpatientStays(ctx context.Context, planID string, read func(put func(domain.InpatientStay) error) error) (ImportCounts, error)
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
	return importRecords(ctx, planID, a.repo.ImportClaims, func(fn func(int64, domain.Claim) error) (intake.Summary, error) {
		return intake.Claims(r, planID, a.ndc, opts, fn)
	})
}

// ImportDiagnoses imports diagnoses.csv from r.
func (a *App) ImportDiagnoses(ctx context.Context, planID string, r io.Reader, opts intake.Options) (ImportResult, error) {
	return importRecords(ctx, planID, a.repo.ImportDiagnoses, func(fn func(int64, domain.Diagnosis) error) (intake.Summary, error) {
		return intake.Diagnoses(r, planID, opts, fn)
	})
}

// ImportInpatientStays imports inpatient_stays.csv from r.
func (a *App) ImportInpatientStays(ctx context.Context, planID string, r io.Reader, opts intake.Options) (ImportResult, error) {
	return importRecords(ctx, planID, a.repo.ImportInpatientStays, func(fn func(int64, domain.InpatientStay) error) (intake.Summary, error) {
		return intake.InpatientStays(r, planID, opts, fn)
	})
}

// importRecords imports one file of a plan's records: read parses it,
// handing each good row to the repository's transaction.
func importRecords[T any](ctx context.Context, planID string,
	store func(ctx context.Context, planID string, read func(put func(T) error) error) (ImportCounts, error),
	read func(fn func(int64, T) error) (intake.Summary, error)) (ImportResult, error) {
	var sum intake.Summary
	counts, err := store(ctx, planID, func(put func(T) error) (err error) {
		sum, err = read(func(_ int64, v T) error { return put(v) })
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
