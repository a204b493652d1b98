package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/targeting/domain"
)

// Interventions is the part of the repository the due reviews need.
type Interventions interface {
	AddInterventions(ctx context.Context, is []domain.Intervention, o domain.Outreach, now time.Time) (int, error)
	CancelOpen(ctx context.Context, planID, memberID string, year int) (int64, error)
	CancelFollowUps(ctx context.Context, planID, memberID string, findingIDs []string) error
	UpdateIntervention(ctx context.Context, planID, memberID string, kind domain.InterventionKind, period string,
		update func(*domain.Intervention) error) (domain.Intervention, error)
	ListInterventions(ctx context.Context, w domain.Worklist) ([]domain.Intervention, error)
}

// Enrolled records what a newly enrolled member is owed for the rest of the
// program year (member.enrolled): the member is assessed, and a CMR and
// quarterly TMRs come due, announced with what the assessment found.
func (a *App) Enrolled(ctx context.Context, planID, memberID string, year int, enrolledOn civil.Date) error {
	return a.atomically(ctx, func(a *App) error { return a.enrolled(ctx, planID, memberID, year, enrolledOn) })
}

func (a *App) enrolled(ctx context.Context, planID, memberID string, year int, enrolledOn civil.Date) error {
	st, err := a.repo.GetSettings(ctx, planID)
	if err != nil {
		return err
	}
	is, err := domain.DueFor(planID, memberID, year, enrolledOn, st.CMRDays())
	if err != nil {
		return err
	}
	if err := a.repo.Enroll(ctx, planID, memberID, year); err != nil {
		return err
	}
	// Assessed as of today, within the program year; the CMR about to be
	// stored counts in the priority.
	asOf := min(max(a.Today(), enrolledOn), civil.YearEnd(year))
	o := domain.Outreach{}
	_, err = a.assessInto(ctx, planID, []string{memberID}, asOf, st, map[string]civil.Date{memberID: is[0].DueOn},
		func(as domain.Assessed) { o = outreach(as) })
	if err != nil {
		return err
	}
	_, err = a.repo.AddInterventions(ctx, is, o, a.now())
	return err
}

// OptedOut cancels what a member who left the program was owed that year
// (member.opted_out) and stops assessing the member.
func (a *App) OptedOut(ctx context.Context, planID, memberID string, year int) error {
	return a.atomically(ctx, func(a *App) error {
		if _, err := a.repo.CancelOpen(ctx, planID, memberID, year); err != nil {
			return err
		}
		return a.repo.Deactivate(ctx, planID, memberID, year)
	})
}

// RecordReview marks the CMR or TMR a review done on day on counts for as
// completed (documentation reports this by event once it exists), and
// rescores the member: a done CMR no longer adds urgency.
func (a *App) RecordReview(ctx context.Context, planID, memberID string, kind domain.InterventionKind, on civil.Date) (domain.Intervention, error) {
	var out domain.Intervention
	err := a.repo.Atomically(ctx, func(r Repository) error {
		var err error
		out, err = r.UpdateIntervention(ctx, planID, memberID, kind, domain.PeriodOf(kind, on),
			func(i *domain.Intervention) error { return i.Complete(on) })
		if err != nil || kind != domain.CMR {
			return err
		}
		p, err := r.GetProfile(ctx, planID, memberID)
		if errs.KindOf(err) == errs.KindNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		st, err := r.GetSettings(ctx, planID)
		if err != nil {
			return err
		}
		p.Inputs.CMRDueIn = nil
		return r.SetPriority(ctx, planID, memberID, domain.Score(p.Inputs, st.Weights))
	})
	return out, err
}

// GetIntervention reads one intervention by id (member-KIND-period).
func (a *App) GetIntervention(ctx context.Context, planID, id string) (domain.Intervention, error) {
	for _, kind := range []domain.InterventionKind{domain.CMR, domain.TMR, domain.FindingFollowUp} {
		if member, period, ok := strings.Cut(id, "-"+string(kind)+"-"); ok && member != "" && period != "" {
			return a.repo.UpdateIntervention(ctx, planID, member, kind, period,
				func(*domain.Intervention) error { return nil })
		}
	}
	return domain.Intervention{}, errs.NotFound("plans/%s/interventions/%s not found", planID, id)
}

// ListInterventions returns one page of a plan's worklist (w without its
// After and Limit), highest priority first, and the token of the next page.
func (a *App) ListInterventions(ctx context.Context, w domain.Worklist, page paging.Page) ([]domain.Intervention, string, error) {
	if page.After != "" {
		k, err := parseWorklistKey(page.After)
		if err != nil {
			return nil, "", err
		}
		w.After = &k
	}
	w.Limit = page.Size + 1
	is, err := a.repo.ListInterventions(ctx, w)
	if err != nil || len(is) <= page.Size {
		return is, "", err
	}
	is = is[:page.Size]
	k := is[len(is)-1].Key()
	return is, strings.Join([]string{strconv.FormatFloat(k.Priority, 'g', -1, 64), k.DueOn.String(), k.MemberID,
		string(k.Kind), k.Period}, "\x1f"), nil
}

func parseWorklistKey(s string) (domain.WorklistKey, error) {
	bad := errs.Invalid(errs.Field("page_token", "is not a token from a previous page"))
	parts := strings.Split(s, "\x1f")
	if len(parts) != 5 {
		return domain.WorklistKey{}, bad
	}
	p, err := strconv.ParseFloat(parts[0], 64)
	if err != nil {
		return domain.WorklistKey{}, bad
	}
	due, err := civil.Parse(parts[1])
	if err != nil {
		return domain.WorklistKey{}, bad
	}
	return domain.WorklistKey{Priority: p, DueOn: due, MemberID: parts[2], Kind: domain.InterventionKind(parts[3]), Period: parts[4]}, nil
}
