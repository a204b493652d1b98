package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/targeting/domain"
)

// Enroll starts, or restarts for a new program year, the profile of an
// enrolled member: targeting assesses active profiles.
func (s *Store) Enroll(ctx context.Context, planID, memberID string, year int) error {
	_, err := s.q.Exec(ctx, `INSERT INTO profiles (plan_id, member_id, year, active, assessed_on, priority, inputs, terms)
		VALUES (?, ?, ?, TRUE, NULL, 0, '{}', '[]')
		ON CONFLICT (plan_id, member_id) DO UPDATE SET year = excluded.year, active = TRUE
		WHERE profiles.year <= excluded.year`, planID, memberID, year)
	if err != nil {
		return fmt.Errorf("enroll profile: %w", err)
	}
	return nil
}

// Deactivate stops assessing a member who left the program in year.
func (s *Store) Deactivate(ctx context.Context, planID, memberID string, year int) error {
	_, err := s.q.Exec(ctx, `UPDATE profiles SET active = FALSE WHERE plan_id = ? AND member_id = ? AND year = ?`,
		planID, memberID, year)
	if err != nil {
		return fmt.Errorf("deactivate profile: %w", err)
	}
	return nil
}

// ActiveMembers returns, of ids, the members with an active profile and
// their program year, in member order; with no ids, up to limit active
// members after the member after, for a plan-wide run.
func (s *Store) ActiveMembers(ctx context.Context, planID string, ids []string, after string, limit int) ([]domain.Enrollee, error) {
	q := `SELECT member_id, year FROM profiles WHERE plan_id = ? AND active = TRUE`
	args := []any{planID}
	if len(ids) > 0 {
		q += ` AND member_id IN (` + placeholders(len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	} else {
		q += ` AND member_id > ?`
		args = append(args, after)
	}
	q += ` ORDER BY member_id`
	if len(ids) == 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.q.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("active members: %w", err)
	}
	defer rows.Close()
	var out []domain.Enrollee
	for rows.Next() {
		var e domain.Enrollee
		if err := rows.Scan(&e.MemberID, &e.Year); err != nil {
			return nil, fmt.Errorf("active members: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func placeholders(n int) string {
	b := make([]byte, 0, 2*n)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

// OpenCMRDue returns the due dates of the open CMRs of year of the members
// ids, by member.
func (s *Store) OpenCMRDue(ctx context.Context, planID string, ids []string, year int) (map[string]civil.Date, error) {
	out := map[string]civil.Date{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{planID, string(domain.CMR), fmt.Sprint(year), string(domain.Open)}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := s.q.Query(ctx, `SELECT member_id, due_on FROM interventions
		WHERE plan_id = ? AND kind = ? AND period = ? AND state = ? AND member_id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("open CMRs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, due string
		if err := rows.Scan(&id, &due); err != nil {
			return nil, fmt.Errorf("open CMRs: %w", err)
		}
		if out[id], err = civil.Parse(due); err != nil {
			return nil, fmt.Errorf("open CMR due_on: %w", err)
		}
	}
	return out, rows.Err()
}

// SaveAssessment stores a member's assessment: the profile, the year's
// measure results (replacing the last ones), the findings (kept ones keep
// when they were first found; those no longer found are deleted), and the
// priority onto the member's interventions. It returns the findings
// that are new and those that are gone.
func (s *Store) SaveAssessment(ctx context.Context, a domain.Assessed) (added, gone []domain.Finding, err error) {
	p := a.Profile
	inputs, err := json.Marshal(p.Inputs)
	if err != nil {
		return nil, nil, fmt.Errorf("encode priority inputs: %w", err)
	}
	terms, err := json.Marshal(p.Priority.Terms)
	if err != nil {
		return nil, nil, fmt.Errorf("encode priority terms: %w", err)
	}
	_, err = s.q.Exec(ctx, `UPDATE profiles SET assessed_on = ?, priority = ?, inputs = ?, terms = ?
		WHERE plan_id = ? AND member_id = ?`,
		p.AssessedOn.String(), p.Priority.Score, string(inputs), string(terms), p.PlanID, p.MemberID)
	if err != nil {
		return nil, nil, fmt.Errorf("save profile: %w", err)
	}
	if err := s.saveMeasures(ctx, p, a.Measures); err != nil {
		return nil, nil, err
	}
	if added, gone, err = s.saveFindings(ctx, p, a.Findings); err != nil {
		return nil, nil, err
	}
	if err := s.copyPriority(ctx, p.PlanID, p.MemberID, p.Priority.Score); err != nil {
		return nil, nil, err
	}
	return added, gone, nil
}

func (s *Store) saveMeasures(ctx context.Context, p domain.Profile, ms []domain.MeasureResult) error {
	_, err := s.q.Exec(ctx, `DELETE FROM measure_results WHERE plan_id = ? AND member_id = ? AND year = ?`,
		p.PlanID, p.MemberID, p.AssessedOn.Year())
	if err != nil {
		return fmt.Errorf("replace measure results: %w", err)
	}
	for _, m := range ms {
		body, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("encode measure result: %w", err)
		}
		_, err = s.q.Exec(ctx, `INSERT INTO measure_results (plan_id, member_id, year, measure, adherent, body)
			VALUES (?, ?, ?, ?, ?, ?)`, p.PlanID, p.MemberID, m.Year, m.Measure, m.Adherent, string(body))
		if err != nil {
			return fmt.Errorf("save measure result: %w", err)
		}
	}
	return nil
}

func (s *Store) saveFindings(ctx context.Context, p domain.Profile, fs []domain.Finding) (added, gone []domain.Finding, err error) {
	known, err := s.findingKeys(ctx, p.PlanID, p.MemberID)
	if err != nil {
		return nil, nil, err
	}
	foundAt := make(map[string]time.Time, len(known))
	for _, f := range known {
		foundAt[f.Key] = f.FoundAt
	}
	now := map[string]bool{}
	for _, f := range fs {
		now[f.Key] = true
		if at, ok := foundAt[f.Key]; ok {
			f.FoundAt = at
		} else {
			added = append(added, f)
		}
		body, err := json.Marshal(f.Finding)
		if err != nil {
			return nil, nil, fmt.Errorf("encode finding: %w", err)
		}
		_, err = s.q.Exec(ctx, `INSERT INTO findings (plan_id, member_id, finding_key, id, rule_id, rule_set_version, severity, body, found_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (plan_id, member_id, finding_key) DO UPDATE SET rule_set_version = excluded.rule_set_version,
				severity = excluded.severity, body = excluded.body`,
			p.PlanID, p.MemberID, f.Key, f.ID, f.RuleID, f.RuleSetVersion, int(f.Severity), string(body), f.FoundAt.UnixMicro())
		if err != nil {
			return nil, nil, fmt.Errorf("save finding: %w", err)
		}
	}
	for _, f := range known {
		if now[f.Key] {
			continue
		}
		gone = append(gone, f)
		_, err := s.q.Exec(ctx, `DELETE FROM findings WHERE plan_id = ? AND member_id = ? AND finding_key = ?`,
			p.PlanID, p.MemberID, f.Key)
		if err != nil {
			return nil, nil, fmt.Errorf("delete finding: %w", err)
		}
	}
	return added, gone, nil
}

// findingKeys returns the key, id and first-found time of a member's
// stored findings: what an assessment compares against, without decoding
// their bodies.
func (s *Store) findingKeys(ctx context.Context, planID, memberID string) ([]domain.Finding, error) {
	rows, err := s.q.Query(ctx, `SELECT finding_key, id, found_at FROM findings WHERE plan_id = ? AND member_id = ?`,
		planID, memberID)
	if err != nil {
		return nil, fmt.Errorf("read finding keys: %w", err)
	}
	defer rows.Close()
	var out []domain.Finding
	for rows.Next() {
		f := domain.Finding{PlanID: planID, MemberID: memberID}
		var at int64
		if err := rows.Scan(&f.Key, &f.ID, &at); err != nil {
			return nil, fmt.Errorf("read finding keys: %w", err)
		}
		f.FoundAt = time.UnixMicro(at).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// ListFindings returns a member's findings, most severe first, then by key.
func (s *Store) ListFindings(ctx context.Context, planID, memberID string) ([]domain.Finding, error) {
	rows, err := s.q.Query(ctx, `SELECT id, body, found_at FROM findings WHERE plan_id = ? AND member_id = ?
		ORDER BY severity DESC, finding_key`, planID, memberID)
	if err != nil {
		return nil, fmt.Errorf("list findings: %w", err)
	}
	defer rows.Close()
	var out []domain.Finding
	for rows.Next() {
		f := domain.Finding{PlanID: planID, MemberID: memberID}
		var body string
		var at int64
		if err := rows.Scan(&f.ID, &body, &at); err != nil {
			return nil, fmt.Errorf("list findings: %w", err)
		}
		if err := json.Unmarshal([]byte(body), &f.Finding); err != nil {
			return nil, fmt.Errorf("decode finding: %w", err)
		}
		f.FoundAt = time.UnixMicro(at).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// ListMeasureResults returns a member's measure results of year, in
// measure order.
func (s *Store) ListMeasureResults(ctx context.Context, planID, memberID string, year int) ([]domain.MeasureResult, error) {
	rows, err := s.q.Query(ctx, `SELECT body FROM measure_results WHERE plan_id = ? AND member_id = ? AND year = ?
		ORDER BY measure`, planID, memberID, year)
	if err != nil {
		return nil, fmt.Errorf("list measure results: %w", err)
	}
	defer rows.Close()
	var out []domain.MeasureResult
	for rows.Next() {
		var body string
		var m domain.MeasureResult
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("list measure results: %w", err)
		}
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			return nil, fmt.Errorf("decode measure result: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// GetProfile reads a member's profile; NotFound when the member was never
// enrolled.
func (s *Store) GetProfile(ctx context.Context, planID, memberID string) (domain.Profile, error) {
	p := domain.Profile{PlanID: planID, MemberID: memberID}
	var assessed sql.NullString
	var inputs, terms string
	err := s.q.QueryRow(ctx, `SELECT year, active, assessed_on, priority, inputs, terms FROM profiles
		WHERE plan_id = ? AND member_id = ?`, planID, memberID).
		Scan(&p.Year, &p.Active, &assessed, &p.Priority.Score, &inputs, &terms)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.NotFound("plans/%s/members/%s is not enrolled in the MTM program", planID, memberID)
	}
	if err != nil {
		return p, fmt.Errorf("read profile: %w", err)
	}
	if assessed.Valid {
		if p.AssessedOn, err = civil.Parse(assessed.String); err != nil {
			return p, fmt.Errorf("read profile assessed_on: %w", err)
		}
	}
	if err := json.Unmarshal([]byte(inputs), &p.Inputs); err != nil {
		return p, fmt.Errorf("decode priority inputs: %w", err)
	}
	if err := json.Unmarshal([]byte(terms), &p.Priority.Terms); err != nil {
		return p, fmt.Errorf("decode priority terms: %w", err)
	}
	return p, nil
}

// SetPriority replaces a member's priority (after a review changed the CMR
// term) and copies it onto the member's interventions.
func (s *Store) SetPriority(ctx context.Context, planID, memberID string, pr domain.Priority) error {
	terms, err := json.Marshal(pr.Terms)
	if err != nil {
		return fmt.Errorf("encode priority terms: %w", err)
	}
	if _, err := s.q.Exec(ctx, `UPDATE profiles SET priority = ?, terms = ? WHERE plan_id = ? AND member_id = ?`,
		pr.Score, string(terms), planID, memberID); err != nil {
		return fmt.Errorf("save priority: %w", err)
	}
	return s.copyPriority(ctx, planID, memberID, pr.Score)
}

// copyPriority puts a member's priority on all its interventions. Keyed by
// the primary key's prefix alone: with the state in the condition SQLite
// may walk a plan's whole worklist index instead.
func (s *Store) copyPriority(ctx context.Context, planID, memberID string, score float64) error {
	_, err := s.q.Exec(ctx, `UPDATE interventions SET priority = ? WHERE plan_id = ? AND member_id = ?`, score, planID, memberID)
	if err != nil {
		return fmt.Errorf("save intervention priority: %w", err)
	}
	return nil
}

// settingsBody is the stored form of a plan's settings.
type settingsBody struct {
	CMROfferDays    int                `json:"cmr_offer_days,omitempty"`
	FindingDueDays  int                `json:"finding_due_days,omitempty"`
	Weights         map[string]float64 `json:"priority_weights,omitempty"`
	ScreeningConfig string             `json:"screening_config,omitempty"`
}

// GetSettings reads a plan's settings; a plan that set none gets the zero
// settings (the defaults) at version 0.
func (s *Store) GetSettings(ctx context.Context, planID string) (domain.Settings, error) {
	st := domain.Settings{PlanID: planID}
	var body string
	var at int64
	err := s.q.QueryRow(ctx, `SELECT body, version, updated_at FROM settings WHERE plan_id = ?`, planID).
		Scan(&body, &st.Version, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read settings: %w", err)
	}
	var b settingsBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return st, fmt.Errorf("decode settings: %w", err)
	}
	st.CMROfferDays, st.FindingDueDays, st.Weights, st.ScreeningConfig = b.CMROfferDays, b.FindingDueDays, b.Weights, b.ScreeningConfig
	st.UpdatedAt = time.UnixMicro(at).UTC()
	return st, nil
}

// PutSettings stores a plan's settings as the next version and returns them.
func (s *Store) PutSettings(ctx context.Context, st domain.Settings, now time.Time) (domain.Settings, error) {
	body, err := json.Marshal(settingsBody{st.CMROfferDays, st.FindingDueDays, st.Weights, st.ScreeningConfig})
	if err != nil {
		return st, fmt.Errorf("encode settings: %w", err)
	}
	err = s.q.QueryRow(ctx, `INSERT INTO settings (plan_id, body, version, updated_at) VALUES (?, ?, 1, ?)
		ON CONFLICT (plan_id) DO UPDATE SET body = excluded.body, version = settings.version + 1, updated_at = excluded.updated_at
		RETURNING version`, st.PlanID, string(body), now.UnixMicro()).Scan(&st.Version)
	if err != nil {
		return st, fmt.Errorf("save settings: %w", err)
	}
	st.UpdatedAt = now.UTC().Truncate(time.Microsecond)
	return st, nil
}
