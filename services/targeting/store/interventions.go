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

const interventionColumns = `plan_id, member_id, kind, period, due_on, state, completed_on, priority, finding_rule`

// AddInterventions stores the interventions of one member not stored yet
// (an enrollment applied twice adds nothing) and publishes
// intervention.identified for each new one with o, in the caller's
// transaction.
func (s *Store) AddInterventions(ctx context.Context, is []domain.Intervention, o domain.Outreach, now time.Time) (int, error) {
	added := 0
	for _, i := range is {
		rule := ""
		if i.Kind == domain.FindingFollowUp && len(i.Findings) > 0 {
			rule = i.Findings[0]
		}
		res, err := s.q.Exec(ctx, `INSERT INTO interventions (`+interventionColumns+`, created_at)
			VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?) ON CONFLICT (plan_id, member_id, kind, period) DO NOTHING`,
			i.PlanID, i.MemberID, string(i.Kind), i.Period, i.DueOn.String(), string(i.State), o.Priority, rule, now.UnixMicro())
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
		env, err := publish.InterventionIdentified(i, m, o)
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

// CancelOpen cancels a member's open interventions of a program year,
// follow-ups of findings included.
func (s *Store) CancelOpen(ctx context.Context, planID, memberID string, year int) (int64, error) {
	res, err := s.q.Exec(ctx, `UPDATE interventions SET state = ?
		WHERE plan_id = ? AND member_id = ? AND state = ? AND (period = ? OR period LIKE ? OR kind = ?)`,
		string(domain.Cancelled), planID, memberID, string(domain.Open), fmt.Sprint(year), fmt.Sprintf("%dQ%%", year),
		string(domain.FindingFollowUp))
	if err != nil {
		return 0, fmt.Errorf("cancel interventions: %w", err)
	}
	return res.RowsAffected()
}

// CancelFollowUps cancels the open follow-ups of a member's findings that
// are gone.
func (s *Store) CancelFollowUps(ctx context.Context, planID, memberID string, findingIDs []string) error {
	for _, id := range findingIDs {
		_, err := s.q.Exec(ctx, `UPDATE interventions SET state = ?
			WHERE plan_id = ? AND member_id = ? AND kind = ? AND period = ? AND state = ?`,
			string(domain.Cancelled), planID, memberID, string(domain.FindingFollowUp), id, string(domain.Open))
		if err != nil {
			return fmt.Errorf("cancel follow-up: %w", err)
		}
	}
	return nil
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

// ListInterventions returns a page of a plan's worklist: highest priority
// first, then soonest due, then by member, kind and period.
func (s *Store) ListInterventions(ctx context.Context, w domain.Worklist) ([]domain.Intervention, error) {
	q := `SELECT i.plan_id, i.member_id, i.kind, i.period, i.due_on, i.state, i.completed_on, i.priority, i.finding_rule
		FROM interventions i WHERE i.plan_id = ? AND i.state = ?`
	args := []any{w.PlanID, string(w.State)}
	if w.Finding != "" {
		q += ` AND EXISTS (SELECT 1 FROM findings f WHERE f.plan_id = i.plan_id AND f.member_id = i.member_id AND f.rule_id = ?)`
		args = append(args, w.Finding)
	}
	if w.Measure != "" {
		q += ` AND EXISTS (SELECT 1 FROM measure_results m JOIN profiles p ON p.plan_id = m.plan_id AND p.member_id = m.member_id
			WHERE m.plan_id = i.plan_id AND m.member_id = i.member_id AND m.measure = ? AND m.adherent = FALSE AND m.year = p.year)`
		args = append(args, w.Measure)
	}
	if w.Language != "" {
		q += ` AND EXISTS (SELECT 1 FROM members mb WHERE mb.plan_id = i.plan_id AND mb.member_id = i.member_id AND mb.language = ?)`
		args = append(args, w.Language)
	}
	if k := w.After; k != nil {
		q += ` AND (i.priority < ? OR (i.priority = ? AND (i.due_on, i.member_id, i.kind, i.period) > (?, ?, ?, ?)))`
		args = append(args, k.Priority, k.Priority, k.DueOn.String(), k.MemberID, string(k.Kind), k.Period)
	}
	q += ` ORDER BY i.priority DESC, i.due_on, i.member_id, i.kind, i.period LIMIT ?`
	rows, err := s.q.Query(ctx, q, append(args, w.Limit)...)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list interventions: %w", err)
	}
	return out, s.addFindingRules(ctx, w.PlanID, out)
}

// addFindingRules fills the open findings' rule ids into the member
// reviews of is, with one query.
func (s *Store) addFindingRules(ctx context.Context, planID string, is []domain.Intervention) error {
	var members []any
	seen := map[string]bool{}
	for _, i := range is {
		if i.Kind != domain.FindingFollowUp && !seen[i.MemberID] {
			seen[i.MemberID] = true
			members = append(members, i.MemberID)
		}
	}
	if len(members) == 0 {
		return nil
	}
	rows, err := s.q.Query(ctx, `SELECT DISTINCT member_id, rule_id FROM findings
		WHERE plan_id = ? AND member_id IN (`+placeholders(len(members))+`) ORDER BY member_id, rule_id`,
		append([]any{planID}, members...)...)
	if err != nil {
		return fmt.Errorf("finding rules: %w", err)
	}
	defer rows.Close()
	rules := map[string][]string{}
	for rows.Next() {
		var m, r string
		if err := rows.Scan(&m, &r); err != nil {
			return fmt.Errorf("finding rules: %w", err)
		}
		rules[m] = append(rules[m], r)
	}
	for k := range is {
		if is[k].Kind != domain.FindingFollowUp {
			is[k].Findings = rules[is[k].MemberID]
		}
	}
	return rows.Err()
}

func scanIntervention(row interface{ Scan(...any) error }) (domain.Intervention, error) {
	var (
		i                      domain.Intervention
		kind, state, due, rule string
		done                   sql.NullString
	)
	if err := row.Scan(&i.PlanID, &i.MemberID, &kind, &i.Period, &due, &state, &done, &i.Priority, &rule); err != nil {
		return i, err
	}
	if rule != "" {
		i.Findings = []string{rule}
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
