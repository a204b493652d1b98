package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/store"
)

// MemberRecords reads a batch of members with their whole records: one
// query for the members and one per table for their records, whatever
// the batch's size. See app.RecordReader.
func (s *Store) MemberRecords(ctx context.Context, planID string, sel app.RecordSelection, since *civil.Date) ([]app.MemberRecords, error) {
	which, args := `member_id > ? ORDER BY member_id LIMIT ?`, []any{planID, sel.After, sel.Limit}
	if len(sel.IDs) > 0 {
		which, args = `member_id IN (?`+strings.Repeat(", ?", len(sel.IDs)-1)+`) ORDER BY member_id`, []any{planID}
		for _, id := range sel.IDs {
			args = append(args, id)
		}
	}
	members, err := collect(ctx, s.db, "read members", scanMember,
		`SELECT `+memberColumns+` FROM members WHERE plan_id = ? AND `+which, args...)
	if err != nil || len(members) == 0 {
		return nil, err
	}
	out := make([]app.MemberRecords, len(members))
	index := make(map[string]int, len(members))
	for i, m := range members {
		out[i].Member = m
		index[m.MemberID] = i
	}
	b := recordBatch{db: s.db, planID: planID, since: since, out: out, index: index}
	b.where, b.args = batchWhere(sel.After, len(sel.IDs) > 0, out)
	for _, read := range []func(context.Context) error{b.claims, b.diagnoses, b.stays} {
		if err := read(ctx); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// batchWhere is the condition on member_id that selects the records of a
// batch of members read in member id order after after: the batch's id
// range, which the (plan_id, member_id, ...) indexes serve in one scan,
// or, for a batch that may be scattered, its ids.
func batchWhere(after string, scattered bool, out []app.MemberRecords) (string, []any) {
	if !scattered {
		return `member_id > ? AND member_id <= ?`, []any{after, out[len(out)-1].Member.MemberID}
	}
	args := make([]any, len(out))
	for i, mr := range out {
		args[i] = mr.Member.MemberID
	}
	return `member_id IN (?` + strings.Repeat(", ?", len(out)-1) + `)`, args
}

// recordBatch reads the records of a batch of members into out.
type recordBatch struct {
	db     store.Querier
	planID string
	since  *civil.Date // see app.RecordReader
	out    []app.MemberRecords
	index  map[string]int
	where  string // batchWhere's condition and arguments
	args   []any
	r      rowReader
}

// each reads the batch's rows of table, dated on or after b.since in
// column date, in member id order then order. It scans columns into dest
// and calls row with the member each row belongs to. Dates, names and
// codes repeat across rows: they are read through r.
func (b *recordBatch) each(ctx context.Context, table, columns string, dest []any, date, order string,
	row func(mr *app.MemberRecords) error) error {
	q := `SELECT member_id, ` + columns + ` FROM ` + table + ` WHERE plan_id = ? AND ` + b.where
	args := append([]any{b.planID}, b.args...)
	if b.since != nil {
		q += ` AND ` + date + ` >= ?`
		args = append(args, b.since.String())
	}
	rows, err := b.db.Query(ctx, q+` ORDER BY member_id, `+order, args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	var member sql.RawBytes
	dest = append([]any{&member}, dest...)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		i, ok := b.r.member(member, b.index)
		if !ok {
			continue // a row of no member of the batch
		}
		if err := row(&b.out[i]); err != nil {
			return fmt.Errorf("read %s of %s: %w", table, b.out[i].Member.MemberID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	return nil
}

// claims reads every claim, paid and reversed: the consumer cancels paid
// claims itself. As for an evaluation run (see runClaims), the SQLite
// driver's cost is per column, so the fields that text holds exactly come
// joined by spaces in one column, the generic name (which may hold
// spaces) last; the quantity, a float, comes on its own.
func (b *recordBatch) claims(ctx context.Context) error {
	var (
		fields   sql.RawBytes
		quantity float64
	)
	return b.each(ctx, "claims", `claim_id || ' ' || fill_date || ' ' || days_supply || ' ' || total_cost || ' ' ||
		CAST(reversed AS INTEGER) || ' ' || ndc || ' ' || pharmacy_npi || ' ' || prescriber_npi || ' ' || generic_name, quantity`,
		[]any{&fields, &quantity}, "fill_date", "fill_date, claim_id", func(mr *app.MemberRecords) error {
			c, err := b.r.fullClaim(fields)
			if err != nil {
				return err
			}
			c.PlanID, c.MemberID, c.Quantity = b.planID, mr.Member.MemberID, quantity
			mr.Claims = append(mr.Claims, c)
			return nil
		})
}

func (b *recordBatch) diagnoses(ctx context.Context) error {
	var code, on sql.RawBytes
	return b.each(ctx, "diagnoses", `icd10, service_date`, []any{&code, &on},
		"service_date", "service_date, icd10", func(mr *app.MemberRecords) error {
			d, err := b.r.date(on)
			if err != nil {
				return err
			}
			mr.Diagnoses = append(mr.Diagnoses, domain.Diagnosis{PlanID: b.planID, MemberID: mr.Member.MemberID,
				ICD10: b.r.intern(code), ServiceDate: d})
			return nil
		})
}

// stays keeps the stays that end on or after b.since: a stay that began
// before it may still cover days after it.
func (b *recordBatch) stays(ctx context.Context) error {
	var admit, discharge sql.RawBytes
	return b.each(ctx, "inpatient_stays", `admit_date, discharge_date`, []any{&admit, &discharge},
		"discharge_date", "admit_date, discharge_date", func(mr *app.MemberRecords) error {
			st := domain.InpatientStay{PlanID: b.planID, MemberID: mr.Member.MemberID}
			var err error
			if st.Admit, err = b.r.date(admit); err != nil {
				return err
			}
			if st.Discharge, err = b.r.date(discharge); err != nil {
				return err
			}
			mr.Stays = append(mr.Stays, st)
			return nil
		})
}
