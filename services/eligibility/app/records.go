package app

import (
	"context"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
)

// Records is the part of the repository that reads a member's claims,
// diagnoses and inpatient stays back.
type Records interface {
	ListClaims(ctx context.Context, planID, memberID string, after ClaimKey, limit int) ([]domain.Claim, error)
	ListDiagnoses(ctx context.Context, planID, memberID string, after DiagnosisKey, limit int) ([]domain.Diagnosis, error)
	ListInpatientStays(ctx context.Context, planID, memberID string, after StayKey, limit int) ([]domain.InpatientStay, error)
	RecordReader
}

// ClaimKey is where a page of claims (newest first) continues.
type ClaimKey struct{ FillDate, ClaimID string }

// DiagnosisKey is where a page of diagnoses (newest first) continues.
type DiagnosisKey struct{ ServiceDate, ICD10 string }

// StayKey is where a page of inpatient stays (newest first) continues.
type StayKey struct{ AdmitDate, DischargeDate string }

// ListClaims returns one page of a member's claims, newest fill first, and
// the key to continue after ("" on the last page).
func (a *App) ListClaims(ctx context.Context, planID, memberID string, page paging.Page) ([]domain.Claim, string, error) {
	return listMemberPage(ctx, a, planID, memberID, page, func(after [2]string, limit int) ([]domain.Claim, error) {
		return a.repo.ListClaims(ctx, planID, memberID, ClaimKey{after[0], after[1]}, limit)
	}, func(c domain.Claim) [2]string { return [2]string{c.FillDate.String(), c.ClaimID} })
}

// ListDiagnoses returns one page of a member's diagnoses, newest first, and
// the key to continue after.
func (a *App) ListDiagnoses(ctx context.Context, planID, memberID string, page paging.Page) ([]domain.Diagnosis, string, error) {
	return listMemberPage(ctx, a, planID, memberID, page, func(after [2]string, limit int) ([]domain.Diagnosis, error) {
		return a.repo.ListDiagnoses(ctx, planID, memberID, DiagnosisKey{after[0], after[1]}, limit)
	}, func(d domain.Diagnosis) [2]string { return [2]string{d.ServiceDate.String(), d.ICD10} })
}

// ListInpatientStays returns one page of a member's inpatient stays, newest
// admission first, and the key to continue after.
func (a *App) ListInpatientStays(ctx context.Context, planID, memberID string, page paging.Page) ([]domain.InpatientStay, string, error) {
	return listMemberPage(ctx, a, planID, memberID, page, func(after [2]string, limit int) ([]domain.InpatientStay, error) {
		return a.repo.ListInpatientStays(ctx, planID, memberID, StayKey{after[0], after[1]}, limit)
	}, func(s domain.InpatientStay) [2]string { return [2]string{s.Admit.String(), s.Discharge.String()} })
}

// listMemberPage is the paging every list of a member's records shares:
// the member must exist; list reads up to limit records after a two-part
// key (blank for the first page), key gives a record's, and the page token
// is the last record's key joined by "|".
func listMemberPage[T any](ctx context.Context, a *App, planID, memberID string, page paging.Page,
	list func(after [2]string, limit int) ([]T, error), key func(T) [2]string) ([]T, string, error) {
	var after [2]string
	if page.After != "" {
		first, second, ok := strings.Cut(page.After, "|")
		if !ok {
			return nil, "", errs.Invalid(errs.Field("page_token", "is not a token from a previous page"))
		}
		after = [2]string{first, second}
	}
	if _, err := a.repo.GetMember(ctx, planID, memberID); err != nil {
		return nil, "", err
	}
	out, err := list(after, page.Size+1)
	if err != nil || len(out) <= page.Size {
		return out, "", err
	}
	out = out[:page.Size]
	last := key(out[len(out)-1])
	return out, last[0] + "|" + last[1], nil
}
