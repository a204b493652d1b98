package app

import (
	"context"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
)

// Records is the part of the repository that reads a member's claims and
// diagnoses back.
type Records interface {
	ListClaims(ctx context.Context, planID, memberID string, after ClaimKey, limit int) ([]domain.Claim, error)
	ListDiagnoses(ctx context.Context, planID, memberID string, after DiagnosisKey, limit int) ([]domain.Diagnosis, error)
}

// ClaimKey is where a page of claims (newest first) continues.
type ClaimKey struct{ FillDate, ClaimID string }

// DiagnosisKey is where a page of diagnoses (newest first) continues.
type DiagnosisKey struct{ ServiceDate, ICD10 string }

// ListClaims returns one page of a member's claims, newest fill first, and
// the key to continue after ("" on the last page).
func (a *App) ListClaims(ctx context.Context, planID, memberID string, page paging.Page) ([]domain.Claim, string, error) {
	var after ClaimKey
	if page.After != "" {
		date, id, ok := strings.Cut(page.After, "|")
		if !ok {
			return nil, "", errs.Invalid(errs.Field("page_token", "is not a token from a previous page"))
		}
		after = ClaimKey{date, id}
	}
	if _, err := a.repo.GetMember(ctx, planID, memberID); err != nil {
		return nil, "", err
	}
	cs, err := a.repo.ListClaims(ctx, planID, memberID, after, page.Size+1)
	if err != nil || len(cs) <= page.Size {
		return cs, "", err
	}
	cs = cs[:page.Size]
	last := cs[len(cs)-1]
	return cs, last.FillDate.String() + "|" + last.ClaimID, nil
}

// ListDiagnoses returns one page of a member's diagnoses, newest first, and
// the key to continue after.
func (a *App) ListDiagnoses(ctx context.Context, planID, memberID string, page paging.Page) ([]domain.Diagnosis, string, error) {
	var after DiagnosisKey
	if page.After != "" {
		date, code, ok := strings.Cut(page.After, "|")
		if !ok {
			return nil, "", errs.Invalid(errs.Field("page_token", "is not a token from a previous page"))
		}
		after = DiagnosisKey{date, code}
	}
	if _, err := a.repo.GetMember(ctx, planID, memberID); err != nil {
		return nil, "", err
	}
	ds, err := a.repo.ListDiagnoses(ctx, planID, memberID, after, page.Size+1)
	if err != nil || len(ds) <= page.Size {
		return ds, "", err
	}
	ds = ds[:page.Size]
	last := ds[len(ds)-1]
	return ds, last.ServiceDate.String() + "|" + last.ICD10, nil
}
