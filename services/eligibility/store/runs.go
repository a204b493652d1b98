package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store"
)

const runColumns = `plan_id, id, contract_year, as_of, incremental, scheduled, state, members_total,
	members_done, members_eligible, last_member_id, error, worker, lease_until, created_at, ended_at`

// CreateRun stores a new run.
func (s *Store) CreateRun(ctx context.Context, r domain.EvaluationRun) error {
	if err := createRun(ctx, s.db, r); err != nil {
		return fmt.Errorf("create evaluation run: %w", err)
	}
	return nil
}

func createRun(ctx context.Context, q store.Querier, r domain.EvaluationRun) error {
	_, err := q.Exec(ctx, `INSERT INTO evaluation_runs (`+runColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.PlanID, r.ID, r.ContractYear, r.AsOf.String(), r.Incremental, r.Scheduled, string(r.State),
		r.MembersTotal, r.MembersDone, r.MembersEligible, r.LastMemberID, r.Error, r.Worker,
		micros(r.LeaseUntil), micros(r.CreatedAt), micros(r.EndedAt))
	return err
}

// GetRun reads one run.
func (s *Store) GetRun(ctx context.Context, planID, id string) (domain.EvaluationRun, error) {
	return getRun(ctx, s.db, planID, id)
}

func getRun(ctx context.Context, q store.Querier, planID, id string) (domain.EvaluationRun, error) {
	r, err := scanRun(q.QueryRow(ctx, `SELECT `+runColumns+` FROM evaluation_runs WHERE plan_id = ? AND id = ?`, planID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.NotFound("plans/%s/evaluationRuns/%s not found", planID, id)
	}
	return r, err
}

// ClaimRun hands worker the oldest claimable run: PENDING, or RUNNING with
// a lease passed at now. The UPDATE repeats the condition, so of several
// workers claiming one run only one changes the row; the others look again.
func (s *Store) ClaimRun(ctx context.Context, worker string, now, leaseUntil time.Time) (domain.EvaluationRun, bool, error) {
	const claimable = `(state = 'PENDING' OR (state = 'RUNNING' AND lease_until < ?))`
	for range 10 {
		var planID, id string
		err := s.db.QueryRow(ctx, `SELECT plan_id, id FROM evaluation_runs WHERE `+claimable+`
			ORDER BY created_at, id LIMIT 1`, micros(now)).Scan(&planID, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.EvaluationRun{}, false, nil
		}
		if err != nil {
			return domain.EvaluationRun{}, false, fmt.Errorf("find a run to claim: %w", err)
		}
		var (
			r       domain.EvaluationRun
			claimed bool
		)
		err = s.db.InTx(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE evaluation_runs SET state = 'RUNNING', worker = ?, lease_until = ?
				WHERE plan_id = ? AND id = ? AND `+claimable, worker, micros(leaseUntil), planID, id, micros(now))
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // another worker was first
			}
			claimed = true
			if r, err = getRun(ctx, tx, planID, id); err != nil || r.MembersDone > 0 {
				return err
			}
			// Nothing done yet: count what the run will evaluate.
			where, args := runMembersWhere(r)
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM members m WHERE `+where, args...).Scan(&r.MembersTotal); err != nil {
				return fmt.Errorf("count members: %w", err)
			}
			_, err = tx.Exec(ctx, `UPDATE evaluation_runs SET members_total = ? WHERE plan_id = ? AND id = ?`,
				r.MembersTotal, planID, id)
			return err
		})
		if err != nil {
			return domain.EvaluationRun{}, false, fmt.Errorf("claim run %s: %w", id, err)
		}
		if claimed {
			return r, true, nil
		}
	}
	// Other workers kept winning; there is work, and they are doing it.
	return domain.EvaluationRun{}, false, nil
}

// SaveRun stores r's state, progress and lease while r.Worker holds it.
func (s *Store) SaveRun(ctx context.Context, r domain.EvaluationRun) error {
	if err := saveRun(ctx, s.db, r); err != nil {
		return fmt.Errorf("save run %s: %w", r.ID, err)
	}
	return nil
}

// saveRun updates the run only when r.Worker still holds it, RUNNING: a
// worker whose lease passed and was taken over must write nothing more.
func saveRun(ctx context.Context, q store.Querier, r domain.EvaluationRun) error {
	res, err := q.Exec(ctx, `UPDATE evaluation_runs SET state = ?, members_total = ?, members_done = ?,
		members_eligible = ?, last_member_id = ?, error = ?, lease_until = ?, ended_at = ?
		WHERE plan_id = ? AND id = ? AND worker = ? AND state = 'RUNNING'`,
		string(r.State), r.MembersTotal, r.MembersDone, r.MembersEligible, r.LastMemberID, r.Error,
		micros(r.LeaseUntil), micros(r.EndedAt), r.PlanID, r.ID, r.Worker)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return app.ErrRunLost
	}
	return nil
}

// RecordRunBatch records each determination of a batch as
// RecordDetermination does (history, enrollment, events, changed mark
// cleared) and the run's progress, in ONE transaction: a worker killed
// mid-batch leaves neither, so its successor evaluates the batch again
// and every member has exactly one determination from the run.
func (s *Store) RecordRunBatch(ctx context.Context, r domain.EvaluationRun, ds []domain.Determination, now time.Time,
	apply func(e *domain.Enrollment, d domain.Determination, id string)) error {
	wrote := false
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// First, so that a worker that lost the run stops before writing,
		// and PostgreSQL holds the run's row lock for the batch.
		if err := saveRun(ctx, tx, r); err != nil {
			return err
		}
		var err error
		_, wrote, err = recordDeterminations(ctx, tx, ds, now, func(i int, e *domain.Enrollment, id string) { apply(e, ds[i], id) })
		return err
	})
	if err != nil {
		return fmt.Errorf("record run %s batch: %w", r.ID, err)
	}
	if wrote {
		s.notify()
	}
	return nil
}

func scanRun(row scanner) (domain.EvaluationRun, error) {
	var (
		r                          domain.EvaluationRun
		asOf, state                string
		lease, created, endedMicro int64
	)
	err := row.Scan(&r.PlanID, &r.ID, &r.ContractYear, &asOf, &r.Incremental, &r.Scheduled, &state,
		&r.MembersTotal, &r.MembersDone, &r.MembersEligible, &r.LastMemberID, &r.Error, &r.Worker,
		&lease, &created, &endedMicro)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, err
		}
		return r, fmt.Errorf("read evaluation run: %w", err)
	}
	if err := r.AsOf.UnmarshalText([]byte(asOf)); err != nil {
		return r, fmt.Errorf("read evaluation run as_of: %w", err)
	}
	r.State = domain.RunState(state)
	r.LeaseUntil, r.CreatedAt, r.EndedAt = fromMicros(lease), fromMicros(created), fromMicros(endedMicro)
	return r, nil
}

// micros stores a time as unix microseconds, the zero time as 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
