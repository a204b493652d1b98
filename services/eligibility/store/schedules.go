package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/store"
)

const scheduleColumns = `plan_id, cron, incremental, last_run_at, last_run_id, updated_at`

// GetSchedule reads a plan's evaluation schedule; a plan that never set one
// has one without a cron.
func (s *Store) GetSchedule(ctx context.Context, planID string) (domain.EvaluationSchedule, error) {
	sc, err := scanSchedule(s.db.QueryRow(ctx, `SELECT `+scheduleColumns+` FROM evaluation_schedules
		WHERE plan_id = ?`, planID))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.EvaluationSchedule{PlanID: planID}, nil
	}
	return sc, err
}

// PutSchedule creates or replaces a plan's schedule.
func (s *Store) PutSchedule(ctx context.Context, sc domain.EvaluationSchedule) error {
	_, err := s.db.Exec(ctx, `INSERT INTO evaluation_schedules (`+scheduleColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (plan_id) DO UPDATE SET cron = excluded.cron, incremental = excluded.incremental,
			last_run_at = excluded.last_run_at, last_run_id = excluded.last_run_id, updated_at = excluded.updated_at`,
		sc.PlanID, sc.Cron.String(), sc.Incremental, micros(sc.LastRunAt), sc.LastRunID, micros(sc.UpdatedAt))
	if err != nil {
		return fmt.Errorf("put evaluation schedule: %w", err)
	}
	return nil
}

// ListSchedules returns every plan's schedule that has a cron, by plan.
func (s *Store) ListSchedules(ctx context.Context) ([]domain.EvaluationSchedule, error) {
	return collect(ctx, s.db, "list evaluation schedules", scanSchedule, `SELECT `+scheduleColumns+` FROM evaluation_schedules
		WHERE cron <> '' ORDER BY plan_id`)
}

// StartScheduledRun creates r as the run of sc's fire time fire, moving the
// schedule's last run on in the same transaction, only if the schedule row
// is still as sc read it: of several workers that saw the same fire time
// due, one starts the run and the others get false.
func (s *Store) StartScheduledRun(ctx context.Context, sc domain.EvaluationSchedule, fire time.Time, r domain.EvaluationRun) (bool, error) {
	started := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE evaluation_schedules SET last_run_at = ?, last_run_id = ?
			WHERE plan_id = ? AND last_run_at = ? AND updated_at = ?`,
			micros(fire), r.ID, sc.PlanID, micros(sc.LastRunAt), micros(sc.UpdatedAt))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		started = true
		return createRun(ctx, tx, r)
	})
	if err != nil {
		return false, fmt.Errorf("start scheduled run of plan %s: %w", sc.PlanID, err)
	}
	return started, nil
}

func scanSchedule(row scanner) (domain.EvaluationSchedule, error) {
	var (
		sc               domain.EvaluationSchedule
		cron             string
		lastRun, updated int64
	)
	if err := row.Scan(&sc.PlanID, &cron, &sc.Incremental, &lastRun, &sc.LastRunID, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return sc, err
		}
		return sc, fmt.Errorf("read evaluation schedule: %w", err)
	}
	if cron != "" {
		c, err := domain.ParseCron(cron)
		if err != nil {
			return sc, fmt.Errorf("read evaluation schedule of plan %s: %w", sc.PlanID, err)
		}
		sc.Cron = c
	}
	sc.LastRunAt, sc.UpdatedAt = fromMicros(lastRun), fromMicros(updated)
	return sc, nil
}
