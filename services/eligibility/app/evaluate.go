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

// EvaluateMember evaluates one member under the rules of contractYear (the
// as-of date's year when 0) as of asOf, records the determination and
// enrolls the member when eligible.
func (a *App) EvaluateMember(ctx context.Context, planID, memberID string, contractYear int, asOf civil.Date) (domain.RecordedDetermination, error) {
	if asOf > a.Today() {
		return domain.RecordedDetermination{}, errs.Invalid(errs.Field("as_of", "must not be after today"))
	}
	if contractYear == 0 {
		contractYear = asOf.Year()
	}
	rules, err := a.rulesFor(ctx, planID, contractYear)
	if err != nil {
		return domain.RecordedDetermination{}, err
	}
	longest := max(rules.DiseaseWindowDays, rules.DrugWindowDays, rules.CostWindowDays)
	m, claims, dx, err := a.repo.MemberData(ctx, planID, memberID, asOf.AddDays(1-longest), asOf)
	if err != nil {
		return domain.RecordedDetermination{}, err
	}
	fb := domain.NewFactsBuilder(a.ref, rules, asOf, true)
	for _, c := range claims {
		fb.AddClaim(c)
	}
	for _, d := range dx {
		fb.AddDiagnosis(d)
	}
	d := domain.Evaluate(m, fb.Facts(), rules, asOf)
	// The opt-out program enrolls an eligible member on the day they were
	// found eligible.
	return a.repo.RecordDetermination(ctx, d, a.now(), func(e *domain.Enrollment, id string) {
		e.Apply(d, id, asOf)
	})
}

// rulesFor returns the rules a plan evaluates contractYear under: the CMS
// maxima of the year. (A plan's own rule sets take over once uploaded.)
func (a *App) rulesFor(_ context.Context, _ string, contractYear int) (domain.Rules, error) {
	return domain.CMSMaxima(a.ref, contractYear)
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
