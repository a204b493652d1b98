package domain

import (
	"strings"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// MaxScheduleGapDays is the longest a plan's schedule may leave between two
// runs: CMS requires targeting at least quarterly (domain.md 1.5), and the
// longest calendar quarter (July to September) has 92 days.
const MaxScheduleGapDays = 92

// EvaluationSchedule is when the service evaluates a plan's members on its
// own: one per plan. A zero Cron means no scheduled runs.
type EvaluationSchedule struct {
	PlanID      string
	Cron        Cron
	Incremental bool
	// LastRunAt is the fire time of the last scheduled run started, zero
	// when none was; LastRunID names that run.
	LastRunAt time.Time
	LastRunID string
	// UpdatedAt is when the plan last set the schedule: fire times before
	// it are not made up for.
	UpdatedAt time.Time
}

// NewEvaluationSchedule validates a plan's schedule set at now: cron must be
// a five-field expression (blank for none) that fires at least every
// MaxScheduleGapDays days.
func NewEvaluationSchedule(planID, cron string, incremental bool, now time.Time) (EvaluationSchedule, error) {
	s := EvaluationSchedule{PlanID: planID, Incremental: incremental, UpdatedAt: now.UTC().Truncate(time.Microsecond)}
	if strings.TrimSpace(cron) == "" {
		return s, nil
	}
	c, err := ParseCron(cron)
	if err != nil {
		return s, errs.Invalid(errs.Field("cron", err.Error()))
	}
	// Eight years cover the leap-year cycle and every weekday a date falls on.
	if gap := c.LongestGapDays(now, 8); gap > MaxScheduleGapDays {
		return s, errs.Invalid(errs.Field("cron", "must fire at least every 92 days: CMS requires targeting at least quarterly"))
	}
	s.Cron = c
	return s, nil
}

// Due returns the fire time of the run the schedule calls for at now, if
// one is due: the latest fire time at or before now, when no scheduled run
// was started for it and the schedule was set before it. Fire times missed
// while no worker ran are not made up one by one: the latest stands for
// them all.
func (s EvaluationSchedule) Due(now time.Time) (time.Time, bool) {
	fire := s.Cron.Prev(now)
	if fire.IsZero() || !fire.After(s.LastRunAt) || !fire.After(s.UpdatedAt) {
		return time.Time{}, false
	}
	return fire, true
}

// NextRunAt is the next fire time the schedule will start a run for (in
// the past when one is overdue), or zero when it has no cron.
func (s EvaluationSchedule) NextRunAt() time.Time {
	after := s.UpdatedAt
	if s.LastRunAt.After(after) {
		after = s.LastRunAt
	}
	return s.Cron.Next(after)
}

// Run returns the run the schedule starts for fire time fire: as of the
// fire date, under the rules of that date's contract year.
func (s EvaluationSchedule) Run(id string, fire, now time.Time) EvaluationRun {
	asOf := civil.Of(fire.UTC())
	r := NewEvaluationRun(s.PlanID, id, asOf.Year(), asOf, s.Incremental, now)
	r.Scheduled = true
	return r
}
