package store

import (
	"context"
	"fmt"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// MemberData reads what evaluating a member needs: the member, their paid
// (not reversed) claims and their diagnoses dated from since to asOf.
func (s *Store) MemberData(ctx context.Context, planID, memberID string, since, asOf civil.Date) (domain.Member, []domain.Claim, []domain.Diagnosis, error) {
	m, err := getMember(ctx, s.db, planID, memberID)
	if err != nil {
		return m, nil, nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT claim_id, fill_date, generic_name, ndc, days_supply, quantity,
		total_cost, pharmacy_npi, prescriber_npi FROM claims
		WHERE plan_id = ? AND member_id = ? AND NOT reversed AND fill_date >= ? AND fill_date <= ?
		ORDER BY fill_date, claim_id`, planID, memberID, since.String(), asOf.String())
	if err != nil {
		return m, nil, nil, fmt.Errorf("read claims: %w", err)
	}
	var claims []domain.Claim
	for rows.Next() {
		c := domain.Claim{PlanID: planID, MemberID: memberID}
		var fill string
		if err := rows.Scan(&c.ClaimID, &fill, &c.GenericName, &c.NDC, &c.DaysSupply, &c.Quantity,
			&c.TotalCost, &c.PharmacyNPI, &c.PrescriberNPI); err != nil {
			rows.Close()
			return m, nil, nil, fmt.Errorf("read claims: %w", err)
		}
		if err := c.FillDate.UnmarshalText([]byte(fill)); err != nil {
			rows.Close()
			return m, nil, nil, fmt.Errorf("read claims: %w", err)
		}
		claims = append(claims, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, nil, nil, fmt.Errorf("read claims: %w", err)
	}
	rows, err = s.db.Query(ctx, `SELECT icd10, service_date FROM diagnoses
		WHERE plan_id = ? AND member_id = ? AND service_date >= ? AND service_date <= ?
		ORDER BY service_date, icd10`, planID, memberID, since.String(), asOf.String())
	if err != nil {
		return m, nil, nil, fmt.Errorf("read diagnoses: %w", err)
	}
	defer rows.Close()
	var dx []domain.Diagnosis
	for rows.Next() {
		d := domain.Diagnosis{PlanID: planID, MemberID: memberID}
		var on string
		if err := rows.Scan(&d.ICD10, &on); err != nil {
			return m, nil, nil, fmt.Errorf("read diagnoses: %w", err)
		}
		if err := d.ServiceDate.UnmarshalText([]byte(on)); err != nil {
			return m, nil, nil, fmt.Errorf("read diagnoses: %w", err)
		}
		dx = append(dx, d)
	}
	return m, claims, dx, rows.Err()
}

// ChangedMembers lists up to limit members of a plan whose data changed
// since their last evaluation, in member id order after after.
func (s *Store) ChangedMembers(ctx context.Context, planID, after string, limit int) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT member_id FROM changed_members WHERE plan_id = ? AND member_id > ?
		ORDER BY member_id LIMIT ?`, planID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("changed members: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("changed members: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
