package store

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/events"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/store"
)

var claimsUpsert = upsert{
	table: "claims",
	columns: []string{"plan_id", "claim_id", "member_id", "fill_date", "generic_name", "ndc",
		"days_supply", "quantity", "total_cost", "pharmacy_npi", "prescriber_npi", "reversed"},
	conflict: []string{"plan_id", "claim_id"},
	update: []string{"member_id", "fill_date", "generic_name", "ndc", "days_supply", "quantity",
		"total_cost", "pharmacy_npi", "prescriber_npi"},
	// A reversal cancels the paid claim for good: re-importing an older file
	// of paid claims must not bring it back.
	sticky: []string{"reversed"},
	flag:   "reversed",
}

var diagnosesUpsert = upsert{
	table:    "diagnoses",
	columns:  []string{"plan_id", "member_id", "icd10", "service_date"},
	conflict: []string{"plan_id", "member_id", "icd10", "service_date"},
	flag:     "FALSE",
}

// ImportClaims stores every claim read calls put with, in ONE transaction:
// when read fails (a bad row in a file rejected whole), nothing is stored.
// Rows are keyed by claim id; identical rows change nothing.
func (s *Store) ImportClaims(ctx context.Context, planID string, read func(put func(domain.Claim) error) error) (app.ImportCounts, error) {
	return s.importRows(ctx, planID, claimsUpsert, func(add rowFunc) error {
		return read(func(c domain.Claim) error {
			return add(c.ClaimID, planID, c.ClaimID, c.MemberID, c.FillDate.String(), c.GenericName,
				c.NDC, c.DaysSupply, c.Quantity, c.TotalCost, c.PharmacyNPI, c.PrescriberNPI, c.Reversed)
		})
	})
}

// ImportDiagnoses stores every diagnosis read calls put with, in one
// transaction, like ImportClaims.
func (s *Store) ImportDiagnoses(ctx context.Context, planID string, read func(put func(domain.Diagnosis) error) error) (app.ImportCounts, error) {
	return s.importRows(ctx, planID, diagnosesUpsert, func(add rowFunc) error {
		return read(func(d domain.Diagnosis) error {
			key := d.MemberID + "\x00" + d.ICD10 + "\x00" + d.ServiceDate.String()
			return add(key, planID, d.MemberID, d.ICD10, d.ServiceDate.String())
		})
	})
}

// rowFunc takes one row of an import with its key (the conflict columns
// joined), in file order.
type rowFunc func(key string, row ...any) error

// importRows writes the rows write adds in one transaction, with the
// changed marks of the members whose records changed and their
// records.changed events.
func (s *Store) importRows(ctx context.Context, planID string, u upsert, write func(add rowFunc) error) (app.ImportCounts, error) {
	var counts app.ImportCounts
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		counts = app.ImportCounts{}
		changed := map[string]struct{}{}
		w := newRowWriter(tx, u, countInto(&counts, changed))
		if err := write(func(key string, row ...any) error { return w.add(ctx, key, row...) }); err != nil {
			return err
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		counts.ChangedMembers = len(changed)
		return markChanged(ctx, tx, planID, changed)
	})
	if err != nil {
		return app.ImportCounts{}, fmt.Errorf("import %s: %w", u.table, err)
	}
	if counts.ChangedMembers > 0 {
		s.notify()
	}
	return counts, nil
}

// countInto counts a changed row into counts and its member into changed.
func countInto(counts *app.ImportCounts, changed map[string]struct{}) func(string, bool) {
	return func(member string, flag bool) {
		counts.Stored++
		if flag {
			counts.Reversed++
		}
		changed[member] = struct{}{}
	}
}

var changedUpsert = upsert{
	table:    "changed_members",
	columns:  []string{"plan_id", "member_id"},
	conflict: []string{"plan_id", "member_id"},
	flag:     "FALSE",
}

// markChanged records members whose records changed, for incremental
// evaluation, and announces them to the services that assess them
// (records.changed, in id order).
func markChanged(ctx context.Context, tx *store.Tx, planID string, members map[string]struct{}) error {
	ids := slices.Sorted(maps.Keys(members))
	w := newRowWriter(tx, changedUpsert, func(string, bool) {})
	for _, m := range ids {
		if err := w.add(ctx, m, planID, m); err != nil {
			return err
		}
	}
	if err := w.flush(ctx); err != nil {
		return err
	}
	envs, err := events.RecordsChanged(planID, ids)
	if err != nil {
		return err
	}
	_, err = enqueue(ctx, tx, envs)
	return err
}

// ListClaims returns up to limit of a member's claims, newest fill first
// (then by claim id), after the claim at key after ("" for the first page).
func (s *Store) ListClaims(ctx context.Context, planID, memberID string, after app.ClaimKey, limit int) ([]domain.Claim, error) {
	q := `SELECT claim_id, member_id, fill_date, generic_name, ndc, days_supply,
		quantity, total_cost, pharmacy_npi, prescriber_npi, reversed FROM claims
		WHERE plan_id = ? AND member_id = ?`
	args := []any{planID, memberID}
	if after.ClaimID != "" {
		q += ` AND (fill_date < ? OR (fill_date = ? AND claim_id > ?))`
		args = append(args, after.FillDate, after.FillDate, after.ClaimID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY fill_date DESC, claim_id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list claims: %w", err)
	}
	defer rows.Close()
	var out []domain.Claim
	for rows.Next() {
		c := domain.Claim{PlanID: planID}
		var fill string
		if err := rows.Scan(&c.ClaimID, &c.MemberID, &fill, &c.GenericName, &c.NDC, &c.DaysSupply,
			&c.Quantity, &c.TotalCost, &c.PharmacyNPI, &c.PrescriberNPI, &c.Reversed); err != nil {
			return nil, fmt.Errorf("list claims: %w", err)
		}
		if c.FillDate, err = civil.Parse(fill); err != nil {
			return nil, fmt.Errorf("list claims: fill_date: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ListDiagnoses returns up to limit of a member's diagnoses, newest first
// (then by code), after the diagnosis at key after.
func (s *Store) ListDiagnoses(ctx context.Context, planID, memberID string, after app.DiagnosisKey, limit int) ([]domain.Diagnosis, error) {
	q := `SELECT icd10, service_date FROM diagnoses WHERE plan_id = ? AND member_id = ?`
	args := []any{planID, memberID}
	if after.ICD10 != "" {
		q += ` AND (service_date < ? OR (service_date = ? AND icd10 > ?))`
		args = append(args, after.ServiceDate, after.ServiceDate, after.ICD10)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY service_date DESC, icd10 LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list diagnoses: %w", err)
	}
	defer rows.Close()
	var out []domain.Diagnosis
	for rows.Next() {
		d := domain.Diagnosis{PlanID: planID, MemberID: memberID}
		var on string
		if err := rows.Scan(&d.ICD10, &on); err != nil {
			return nil, fmt.Errorf("list diagnoses: %w", err)
		}
		if d.ServiceDate, err = civil.Parse(on); err != nil {
			return nil, fmt.Errorf("list diagnoses: service_date: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
