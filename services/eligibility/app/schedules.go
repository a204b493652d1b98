package app

import (
	"context"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// Schedules is the part of the repository plans' evaluation schedules need.
type Schedules interface {
	// GetSchedule reads a plan's schedule: one without a cron when the plan
	// never set one.
	GetSchedule(ctx context.Context, planID string) (domain.EvaluationSchedule, error)
	PutSchedule(ctx context.Context, s domain.EvaluationSchedule) error
	// ListSchedules returns every plan's schedule that has a cron.
	ListSchedules(ctx context.Context) ([]domain.EvaluationSchedule, error)
	// StartScheduledRun creates r and records it as s's run of fire time
	// fire, in one transaction, unless s changed since it was read (another
	// replica started the run, or the plan set a new schedule): false then.
	StartScheduledRun(ctx context.Context, s domain.EvaluationSchedule, fire time.Time, r domain.EvaluationRun) (bool, error)
}

// GetEvaluationSchedule reads a plan's evaluation schedule.
func (a *App) GetEvaluationSchedule(ctx context.Context, planID string) (domain.EvaluationSchedule, error) {
	return a.repo.GetSchedule(ctx, planID)
}

// UpdateEvaluationSchedule sets when a plan's members are evaluated on
// their own: cron, a five-field expression in UTC (blank for never), and
// whether those runs are incremental. Fire times before now are not made
// up for.
func (a *App) UpdateEvaluationSchedule(ctx context.Context, planID, cron string, incremental bool) (domain.EvaluationSchedule, error) {
	s, err := domain.NewEvaluationSchedule(planID, cron, incremental, a.now())
	if err != nil {
		return domain.EvaluationSchedule{}, err
	}
	old, err := a.repo.GetSchedule(ctx, planID)
	if err != nil {
		return domain.EvaluationSchedule{}, err
	}
	s.LastRunAt, s.LastRunID = old.LastRunAt, old.LastRunID
	if err := a.repo.PutSchedule(ctx, s); err != nil {
		return domain.EvaluationSchedule{}, err
	}
	// The worker may have been waiting for the old schedule's fire time.
	a.runs.notify()
	return s, nil
}
