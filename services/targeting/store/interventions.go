package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/publish"
)

const interventionColumns = `plan_id, member_id, kind, period, due_on, state, completed_on`

// AddInterventions stores the interventions not stored yet (an enrollment
// applied twice adds nothing) and publishes intervention.identified for
// each new one, in the caller's transaction.
func (s *Store) AddInterventions(ctx context.Context, is []domain.Intervention, now time.Time) (int, error) {
	added := 0
	for _, i := range is {
		res, err := s.q.Exec(ctx, `INSERT INTO interventions (`+interventionColumns+`, created_at)
			VALUES (?, ?, ?, ?, ?, ?, NULL, ?) ON CONFLICT (plan_id, member_id, kind, period) DO NOTHING`,
			i.PlanID, i.MemberID, string(i.Kind), i.Period, i.DueOn.String(), string(i.State), now.UnixMicro())
		if err != nil {
			return added, fmt.Errorf("add intervention: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		added++
		m, err := s.member(ctx, i.PlanID, i.MemberID)
		if err != nil {
			return added, err
		}
		env, err := publish.InterventionIdentified(i, m)
		if err != nil {
			return added, err
		}
		if err := bus.Enqueue(ctx, s.tx, env); err != nil {
			return added, err
		}
	}
	return added, nil
}

// member reads the matching fields targeting keeps of a member (zero when
// it has not heard of the member yet).
func (s *Store) member(ctx context.Context, planID, memberID string) (domain.SeenMember, error) {
	m := domain.SeenMember{PlanID: planID, MemberID: memberID}
	err := s.q.QueryRow(ctx, `SELECT language, postal_code FROM members WHERE plan_id = ? AND member_id = ?`,
		planID, memberID).Scan(&m.Language, &m.PostalCode)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("read member: %w", err)
	}
	return m, nil
}

// CancelOpen cancels a member's open interventions of a program year.
func (s *Store) CancelOpen(ctx context.Context, planID, memberID string, year int) (int64, error) {
	res, err := s.q.Exec(ctx, `UPDATE interventions SET state = ?
		WHERE plan_id = ? AND member_id = ? AND state = ? AND (period = ? OR period LIKE ?)`,
		string(domain.Cancelled), planID, memberID, string(domain.Open), fmt.Sprint(year), fmt.Sprintf("%dQ%%", year))
	if err != nil {
		return 0, fmt.Errorf("cancel interventions: %w", err)
	}
	return res.RowsAffected()
}

// UpdateIntervention lets update change one intervention and stores it.
func (s *Store) UpdateIntervention(ctx context.Context, planID, memberID string, kind domain.InterventionKind, period string,
	update func(*domain.Intervention) error) (domain.Intervention, error) {
	var i domain.Intervention
	err := s.inTx(ctx, func(s *Store) error {
		var err error
		i, err = scanIntervention(s.q.QueryRow(ctx, `SELECT `+interventionColumns+` FROM interventions
			WHERE plan_id = ? AND member_id = ? AND kind = ? AND period = ?`, planID, memberID, string(kind), period))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFound("no %s is due for plans/%s/members/%s in %s", kind, planID, memberID, period)
		}
		if err != nil {
			return err
		}
		if err := update(&i); err != nil {
			return err
		}
		var done sql.NullString
		if i.CompletedOn != nil {
			done = sql.NullString{String: i.CompletedOn.String(), Valid: true}
		}
		_, err = s.q.Exec(ctx, `UPDATE interventions SET state = ?, completed_on = ?
			WHERE plan_id = ? AND member_id = ? AND kind = ? AND period = ?`,
			string(i.State), done, planID, memberID, string(kind), period)
		if err != nil {
			return fmt.Errorf("update intervention: %w", err)
		}
		return nil
	})
	return i, err
}

// ListInterventions returns up to limit of a plan's interventions in state,
// soonest due first, after the one keyed after (due_on|member|kind|period).
func (s *Store) ListInterventions(ctx context.Context, planID string, state domain.InterventionState, after []string, limit int) ([]domain.Intervention, error) {
	q := `SELECT ` + interventionColumns + ` FROM interventions WHERE plan_id = ? AND state = ?`
	args := []any{planID, string(state)}
	if len(after) == 4 {
		q += ` AND (due_on, member_id, kind, period) > (?, ?, ?, ?)`
		args = append(args, after[0], after[1], after[2], after[3])
	}
	rows, err := s.q.Query(ctx, q+` ORDER BY due_on, member_id, kind, period LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list interventions: %w", err)
	}
	defer rows.Close()
	var out []domain.Intervention
	for rows.Next() {
		i, err := scanIntervention(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

func scanIntervention(row interface{ Scan(...any) error }) (domain.Intervention, error) {
	var (
		i                domain.Intervention
		kind, state, due string
		done             sql.NullString
	)
	if err := row.Scan(&i.PlanID, &i.MemberID, &kind, &i.Period, &due, &state, &done); err != nil {
		return i, err
	}
	i.Kind, i.State = domain.InterventionKind(kind), domain.InterventionState(state)
	var err error
	if i.DueOn, err = civil.Parse(due); err != nil {
		return i, fmt.Errorf("read intervention due_on: %w", err)
	}
	if done.Valid {
		d, err := civil.Parse(done.String)
		if err != nil {
			return i, fmt.Errorf("read intervention completed_on: %w", err)
		}
		i.CompletedOn = &d
	}
	return i, nil
}
