package app

import (
	"context"
	"strings"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/targeting/domain"
)

// Interventions is the part of the repository the review due dates need.
type Interventions interface {
	AddInterventions(ctx context.Context, is []domain.Intervention, now time.Time) (int, error)
	CancelOpen(ctx context.Context, planID, memberID string, year int) (int64, error)
	UpdateIntervention(ctx context.Context, planID, memberID string, kind domain.InterventionKind, period string,
		update func(*domain.Intervention) error) (domain.Intervention, error)
	ListInterventions(ctx context.Context, planID string, state domain.InterventionState, after []string, limit int) ([]domain.Intervention, error)
}

// Enrolled records what a newly enrolled member is owed for the rest of the
// program year (member.enrolled).
func (a *App) Enrolled(ctx context.Context, planID, memberID string, year int, enrolledOn civil.Date) error {
	is, err := domain.DueFor(planID, memberID, year, enrolledOn, a.cmrDays)
	if err != nil {
		return err
	}
	_, err = a.repo.AddInterventions(ctx, is, a.now())
	return err
}

// OptedOut cancels what a member who left the program was owed that year
// (member.opted_out).
func (a *App) OptedOut(ctx context.Context, planID, memberID string, year int) error {
	_, err := a.repo.CancelOpen(ctx, planID, memberID, year)
	return err
}

// RecordReview marks the CMR or TMR a review done on day on counts for as
// completed (documentation reports this by event once it exists).
func (a *App) RecordReview(ctx context.Context, planID, memberID string, kind domain.InterventionKind, on civil.Date) (domain.Intervention, error) {
	return a.repo.UpdateIntervention(ctx, planID, memberID, kind, domain.PeriodOf(kind, on),
		func(i *domain.Intervention) error { return i.Complete(on) })
}

// GetIntervention reads one intervention by id (member-KIND-period).
func (a *App) GetIntervention(ctx context.Context, planID, id string) (domain.Intervention, error) {
	cut := strings.LastIndex(id, "-")
	kindCut := strings.LastIndex(id[:max(cut, 0)], "-")
	if cut < 0 || kindCut < 0 {
		return domain.Intervention{}, errs.NotFound("plans/%s/interventions/%s not found", planID, id)
	}
	kind := domain.InterventionKind(id[kindCut+1 : cut])
	return a.repo.UpdateIntervention(ctx, planID, id[:kindCut], kind, id[cut+1:],
		func(*domain.Intervention) error { return nil })
}

// ListInterventions returns one page of a plan's worklist in state, soonest
// due first, and the key to continue after.
func (a *App) ListInterventions(ctx context.Context, planID string, state domain.InterventionState, page paging.Page) ([]domain.Intervention, string, error) {
	var after []string
	if page.After != "" {
		after = strings.Split(page.After, "\x1f")
	}
	is, err := a.repo.ListInterventions(ctx, planID, state, after, page.Size+1)
	if err != nil || len(is) <= page.Size {
		return is, "", err
	}
	is = is[:page.Size]
	l := is[len(is)-1]
	return is, l.DueOn.String() + "\x1f" + l.MemberID + "\x1f" + string(l.Kind) + "\x1f" + l.Period, nil
}
