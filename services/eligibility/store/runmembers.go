package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// runMembersWhere is the condition on members m that selects those run r
// evaluates: all of the plan's, or when incremental those whose data
// changed since their last determination and those without a record of the
// contract year yet (a new year's run must evaluate everyone once).
func runMembersWhere(r domain.EvaluationRun) (string, []any) {
	if !r.Incremental {
		return `m.plan_id = ?`, []any{r.PlanID}
	}
	return `m.plan_id = ? AND (
		EXISTS (SELECT 1 FROM changed_members c WHERE c.plan_id = m.plan_id AND c.member_id = m.member_id)
		OR NOT EXISTS (SELECT 1 FROM enrollments e
			WHERE e.plan_id = m.plan_id AND e.member_id = m.member_id AND e.program_year = ?))`,
		[]any{r.PlanID, r.ContractYear}
}

// RunMembers reads the next batch of run r: up to limit members after
// r.LastMemberID in member id order, with their paid claims and diagnoses
// dated from since to r.AsOf, as far as evaluation reads them. Three
// queries serve the whole batch.
func (s *Store) RunMembers(ctx context.Context, r domain.EvaluationRun, since civil.Date, limit int) ([]app.MemberRecords, error) {
	out, err := s.runMemberRows(ctx, r, limit)
	if err != nil || len(out) == 0 {
		return out, err
	}
	index := make(map[string]int, len(out))
	for i, mr := range out {
		index[mr.Member.MemberID] = i
	}
	// A full run's batch is every member of an id range; an incremental
	// one may be scattered.
	members, margs := batchWhere(r.LastMemberID, r.Incremental, out)
	if err := s.runClaims(ctx, r.PlanID, members, margs, since, r.AsOf, out, index); err != nil {
		return nil, err
	}
	if err := s.runDiagnoses(ctx, r.PlanID, members, margs, since, r.AsOf, out, index); err != nil {
		return nil, err
	}
	return out, nil
}

// runMemberRows reads the next members of a batch: the fields evaluation
// reads (ids, birth date, coverage, flags). Names, MBI and contact details
// are left out: a run has no use for them, and PHI not read cannot leak.
func (s *Store) runMemberRows(ctx context.Context, r domain.EvaluationRun, limit int) ([]app.MemberRecords, error) {
	where, args := runMembersWhere(r)
	rows, err := s.db.Query(ctx, `SELECT member_id, birth_date, coverage_start, coverage_end, ltc, dmp_at_risk, hospice
		FROM members m WHERE `+where+` AND m.member_id > ? ORDER BY m.member_id LIMIT ?`,
		append(args, r.LastMemberID, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read run members: %w", err)
	}
	defer rows.Close()
	out := make([]app.MemberRecords, 0, limit)
	var (
		birth, start sql.RawBytes
		end          sql.NullString
		dates        rowReader
	)
	for rows.Next() {
		m := domain.Member{PlanID: r.PlanID}
		if err := rows.Scan(&m.MemberID, &birth, &start, &end, &m.LTC, &m.DMPAtRisk, &m.Hospice); err != nil {
			return nil, fmt.Errorf("read run members: %w", err)
		}
		if m.BirthDate, err = dates.date(birth); err == nil {
			m.CoverageStart, err = dates.date(start)
		}
		if err == nil && end.Valid {
			var d civil.Date
			d, err = civil.Parse(end.String)
			m.CoverageEnd = &d
		}
		if err != nil {
			return nil, fmt.Errorf("read run member %s: %w", m.MemberID, err)
		}
		out = append(out, app.MemberRecords{Member: m})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read run members: %w", err)
	}
	return out, nil
}

// runClaims reads the batch's paid claims: the fields evaluation reads
// (not the NDC, quantity, days supply or NPIs). This is most of a run's
// reading, a few dozen rows per member, and the SQLite driver's cost is
// per column, so a row comes as two: the member id, and "claim_id
// fill_date total_cost generic_name" joined by spaces (ids, dates and
// amounts hold none; the name, which may, comes last). What repeats across
// rows (member ids, names, dates) is reused, not allocated again. Rows come
// in the claims_by_member index's order, so that nothing is sorted; the
// order within a member does not matter to evaluation, which sorts its
// evidence.
func (s *Store) runClaims(ctx context.Context, planID, members string, margs []any, since, asOf civil.Date,
	out []app.MemberRecords, index map[string]int) error {
	args := append(append([]any{planID}, margs...), since.String(), asOf.String())
	rows, err := s.db.Query(ctx, `SELECT member_id, claim_id || ' ' || fill_date || ' ' || total_cost || ' ' || generic_name
		FROM claims WHERE plan_id = ? AND `+members+` AND NOT reversed AND fill_date >= ? AND fill_date <= ?
		ORDER BY member_id, fill_date`, args...)
	if err != nil {
		return fmt.Errorf("read run claims: %w", err)
	}
	defer rows.Close()
	var (
		member, fields sql.RawBytes
		r              rowReader
		// One array holds the batch's claims, each member's a slice of it.
		all   = make([]domain.Claim, 0, 40*len(out))
		spans = make([][2]int, len(out))
	)
	for rows.Next() {
		if err := rows.Scan(&member, &fields); err != nil {
			return fmt.Errorf("read run claims: %w", err)
		}
		i, ok := r.member(member, index)
		if !ok {
			continue // a claim of no member of the batch
		}
		c, err := r.claim(fields)
		if err != nil {
			return fmt.Errorf("read run claims: %w", err)
		}
		c.PlanID, c.MemberID = planID, out[i].Member.MemberID
		if spans[i][1] == 0 {
			spans[i][0] = len(all)
		}
		all = append(all, c)
		spans[i][1] = len(all)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read run claims: %w", err)
	}
	for i, sp := range spans {
		if sp[1] > 0 {
			out[i].Claims = all[sp[0]:sp[1]:sp[1]]
		}
	}
	return nil
}

func (s *Store) runDiagnoses(ctx context.Context, planID, members string, margs []any, since, asOf civil.Date,
	out []app.MemberRecords, index map[string]int) error {
	args := append(append([]any{planID}, margs...), since.String(), asOf.String())
	rows, err := s.db.Query(ctx, `SELECT member_id, icd10, service_date FROM diagnoses
		WHERE plan_id = ? AND `+members+` AND service_date >= ? AND service_date <= ?
		ORDER BY member_id`, args...)
	if err != nil {
		return fmt.Errorf("read run diagnoses: %w", err)
	}
	defer rows.Close()
	var (
		member, code, on sql.RawBytes
		r                rowReader
	)
	for rows.Next() {
		if err := rows.Scan(&member, &code, &on); err != nil {
			return fmt.Errorf("read run diagnoses: %w", err)
		}
		i, ok := r.member(member, index)
		if !ok {
			continue
		}
		d := domain.Diagnosis{PlanID: planID, MemberID: out[i].Member.MemberID, ICD10: r.intern(code)}
		if d.ServiceDate, err = r.date(on); err != nil {
			return fmt.Errorf("read run diagnoses: %w", err)
		}
		out[i].Diagnoses = append(out[i].Diagnoses, d)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read run diagnoses: %w", err)
	}
	return nil
}
