package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

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
// dated from since to r.AsOf. Three queries serve the whole batch.
func (s *Store) RunMembers(ctx context.Context, r domain.EvaluationRun, since civil.Date, limit int) ([]app.MemberRecords, error) {
	where, args := runMembersWhere(r)
	rows, err := s.db.Query(ctx, `SELECT `+memberColumns+` FROM members m WHERE `+where+`
		AND m.member_id > ? ORDER BY m.member_id LIMIT ?`, append(args, r.LastMemberID, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read run members: %w", err)
	}
	var out []app.MemberRecords
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, app.MemberRecords{Member: m})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	index := make(map[string]int, len(out))
	for i, mr := range out {
		index[mr.Member.MemberID] = i
	}
	// A full run's batch is every member of an id range: read the range,
	// which the (plan_id, member_id, ...) indexes serve in one scan. An
	// incremental batch may be scattered: name its members.
	members, margs := `member_id > ? AND member_id <= ?`, []any{r.LastMemberID, out[len(out)-1].Member.MemberID}
	if r.Incremental {
		members = `member_id IN (?` + strings.Repeat(", ?", len(out)-1) + `)`
		margs = margs[:0]
		for _, mr := range out {
			margs = append(margs, mr.Member.MemberID)
		}
	}
	if err := s.runClaims(ctx, r.PlanID, members, margs, since, r.AsOf, out, index); err != nil {
		return nil, err
	}
	if err := s.runDiagnoses(ctx, r.PlanID, members, margs, since, r.AsOf, out, index); err != nil {
		return nil, err
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

// rowReader turns the repeating columns of a batch's rows into values
// without allocating for each row: rows come in member order, and dates and
// names repeat.
type rowReader struct {
	lastMember string
	lastIndex  int
	lastOK     bool
	dates      map[string]civil.Date
	names      map[string]string
}

// member finds the batch index of the member a row belongs to.
func (r *rowReader) member(raw sql.RawBytes, index map[string]int) (int, bool) {
	if r.lastMember == "" || string(raw) != r.lastMember {
		r.lastMember = string(raw)
		r.lastIndex, r.lastOK = index[r.lastMember]
	}
	return r.lastIndex, r.lastOK
}

// claim reads "claim_id fill_date total_cost generic_name".
func (r *rowReader) claim(raw sql.RawBytes) (domain.Claim, error) {
	id, rest, ok1 := bytes.Cut(raw, []byte{' '})
	fill, rest, ok2 := bytes.Cut(rest, []byte{' '})
	cost, name, ok3 := bytes.Cut(rest, []byte{' '})
	if !ok1 || !ok2 || !ok3 {
		return domain.Claim{}, fmt.Errorf("claim row %q is not id, date, cost and name", id)
	}
	c := domain.Claim{ClaimID: string(id), GenericName: r.intern(name)}
	var err error
	if c.FillDate, err = r.date(fill); err != nil {
		return c, err
	}
	if c.TotalCost, err = strconv.ParseInt(string(cost), 10, 64); err != nil {
		return c, fmt.Errorf("claim %s total_cost: %w", c.ClaimID, err)
	}
	return c, nil
}

func (r *rowReader) date(raw []byte) (civil.Date, error) {
	if d, ok := r.dates[string(raw)]; ok {
		return d, nil
	}
	d, err := civil.Parse(string(raw))
	if err != nil {
		return 0, err
	}
	if r.dates == nil {
		r.dates = make(map[string]civil.Date, 400)
	}
	r.dates[string(raw)] = d
	return d, nil
}

func (r *rowReader) intern(raw []byte) string {
	if s, ok := r.names[string(raw)]; ok {
		return s
	}
	if r.names == nil {
		r.names = make(map[string]string, 256)
	}
	s := string(raw)
	r.names[s] = s
	return s
}
