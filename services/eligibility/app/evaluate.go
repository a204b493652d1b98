package app

import (
	"context"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
)

// Evaluator is the part of the repository evaluation needs.
type Evaluator interface {
	MemberData(ctx context.Context, planID, memberID string, since, asOf civil.Date) (domain.Member, []domain.Claim, []domain.Diagnosis, error)
	RecordDetermination(ctx context.Context, d domain.Determination, now time.Time,
		apply func(e *domain.Enrollment, id string)) (domain.RecordedDetermination, error)
	GetDetermination(ctx context.Context, planID, memberID, id string) (domain.RecordedDetermination, error)
	ListDeterminations(ctx context.Context, planID, memberID, before string, limit int) ([]domain.RecordedDetermination, error)
}

// EvaluateMember evaluates one member under the plan's rules of
// contractYear (the as-of date's year when 0) as of asOf, records the
// determination and enrolls the member when eligible.
func (a *App) EvaluateMember(ctx context.Context, planID, memberID string, contractYear int, asOf civil.Date) (domain.RecordedDetermination, error) {
	return a.EvaluateMemberUnder(ctx, planID, memberID, RuleSetRef{}, contractYear, asOf)
}

// EvaluateMemberUnder is EvaluateMember under the rules ref names (see
// rulesOf).
func (a *App) EvaluateMemberUnder(ctx context.Context, planID, memberID string, ref RuleSetRef, contractYear int, asOf civil.Date) (domain.RecordedDetermination, error) {
	if asOf > a.Today() {
		return domain.RecordedDetermination{}, errs.Invalid(errs.Field("as_of", "must not be after today"))
	}
	if contractYear == 0 {
		contractYear = asOf.Year()
	}
	rules, err := a.rulesOf(ctx, planID, ref, contractYear)
	if err != nil {
		return domain.RecordedDetermination{}, err
	}
	m, claims, dx, err := a.repo.MemberData(ctx, planID, memberID, dataSince(rules, asOf), asOf)
	if err != nil {
		return domain.RecordedDetermination{}, err
	}
	d := evaluate(domain.NewFactsBuilder(a.ref, rules, asOf, true), MemberRecords{Member: m, Claims: claims, Diagnoses: dx}, rules, asOf)
	return a.repo.RecordDetermination(ctx, d, a.now(), func(e *domain.Enrollment, id string) {
		enroll(e, d, id)
	})
}

// GetDetermination reads one determination.
func (a *App) GetDetermination(ctx context.Context, planID, memberID, id string) (domain.RecordedDetermination, error) {
	return a.repo.GetDetermination(ctx, planID, memberID, id)
}

// ListDeterminations returns one page of a member's determinations, newest
// first, and the key to continue after ("" on the last page).
func (a *App) ListDeterminations(ctx context.Context, planID, memberID string, page paging.Page) ([]domain.RecordedDetermination, string, error) {
	ds, err := a.repo.ListDeterminations(ctx, planID, memberID, page.After, page.Size+1)
	if err != nil || len(ds) <= page.Size {
		return ds, "", err
	}
	ds = ds[:page.Size]
	return ds, ds[len(ds)-1].ID, nil
}
