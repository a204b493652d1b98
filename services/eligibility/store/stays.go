package store

import (
	"context"
	"fmt"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
)

var staysUpsert = upsert{
	table:    "inpatient_stays",
	columns:  []string{"plan_id", "member_id", "admit_date", "discharge_date"},
	conflict: []string{"plan_id", "member_id", "admit_date", "discharge_date"},
	flag:     "FALSE",
}

// ImportInpatientStays stores every stay read calls put with, in one
// transaction, like ImportClaims. A stay is keyed by its member and days,
// so an identical row changes nothing.
func (s *Store) ImportInpatientStays(ctx context.Context, planID string, read func(put func(domain.InpatientStay) error) error) (app.ImportCounts, error) {
	return s.importRows(ctx, planID, staysUpsert, func(add rowFunc) error {
		return read(func(st domain.InpatientStay) error {
			admit, discharge := st.Admit.String(), st.Discharge.String()
			return add(st.MemberID+"\x00"+admit+"\x00"+discharge, planID, st.MemberID, admit, discharge)
		})
	})
}

// ListInpatientStays returns up to limit of a member's stays, newest
// admission first (then the longest first), after the stay at key after.
func (s *Store) ListInpatientStays(ctx context.Context, planID, memberID string, after app.StayKey, limit int) ([]domain.InpatientStay, error) {
	q := `SELECT member_id, admit_date, discharge_date FROM inpatient_stays WHERE plan_id = ? AND member_id = ?`
	args := []any{planID, memberID}
	if after.AdmitDate != "" {
		q += ` AND (admit_date < ? OR (admit_date = ? AND discharge_date < ?))`
		args = append(args, after.AdmitDate, after.AdmitDate, after.DischargeDate)
	}
	return collect(ctx, s.db, "list inpatient stays", func(row scanner) (domain.InpatientStay, error) {
		return scanStay(planID, row)
	}, q+` ORDER BY admit_date DESC, discharge_date DESC LIMIT ?`, append(args, limit)...)
}

// scanStay reads "member_id, admit_date, discharge_date".
func scanStay(planID string, row scanner) (domain.InpatientStay, error) {
	st := domain.InpatientStay{PlanID: planID}
	var admit, discharge string
	if err := row.Scan(&st.MemberID, &admit, &discharge); err != nil {
		return st, err
	}
	if err := st.Admit.UnmarshalText([]byte(admit)); err != nil {
		return st, fmt.Errorf("admit_date: %w", err)
	}
	if err := st.Discharge.UnmarshalText([]byte(discharge)); err != nil {
		return st, fmt.Errorf("discharge_date: %w", err)
	}
	return st, nil
}
