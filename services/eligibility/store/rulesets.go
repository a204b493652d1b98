package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store"
)

// ruleSetColumns are read from rule_sets joined with programs (r, p): a
// rule set's kind is its program's.
const ruleSetColumns = `r.plan_id, r.program_id, r.version, r.contract_year, r.source_yaml,
	r.min_chronic_diseases, r.min_maintenance_drugs, r.cost_threshold_cents, r.core_diseases,
	r.chronic_disease_days, r.maintenance_drug_days, r.cost_days, r.cel, r.created_at, p.kind`

const ruleSetFrom = ` FROM rule_sets r JOIN programs p ON p.plan_id = r.plan_id AND p.program_id = r.program_id`

// CreateRuleSet stores rs as its program's next version: the program's
// counter is bumped under its row lock in the same transaction, so
// concurrent uploads get consecutive versions. A missing program is
// NotFound.
func (s *Store) CreateRuleSet(ctx context.Context, rs domain.RuleSet, now time.Time) (domain.RuleSet, error) {
	rs.CreatedAt = now.UTC().Truncate(time.Microsecond)
	r := rs.Rules
	cel := ""
	if r.Program != nil {
		cel = r.Program.Source()
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var kind string
		err := tx.QueryRow(ctx, `UPDATE programs SET last_version = last_version + 1
			WHERE plan_id = ? AND program_id = ? RETURNING last_version, kind`,
			rs.PlanID, rs.ProgramID).Scan(&rs.Version, &kind)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return errs.NotFound("%s not found", domain.ProgramName(rs.PlanID, rs.ProgramID))
		case err != nil:
			return fmt.Errorf("number rule set: %w", err)
		case kind != string(r.Kind):
			return fmt.Errorf("rule set of kind %s for a %s program", r.Kind, kind)
		}
		_, err = tx.Exec(ctx, `INSERT INTO rule_sets (plan_id, program_id, version, contract_year, source_yaml,
			min_chronic_diseases, min_maintenance_drugs, cost_threshold_cents, core_diseases,
			chronic_disease_days, maintenance_drug_days, cost_days, cel, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			rs.PlanID, rs.ProgramID, rs.Version, r.ContractYear, rs.Source,
			r.MinDiseases, r.MinDrugs, r.CostThresholdCents, strings.Join(r.CoreDiseases, ","),
			r.DiseaseWindowDays, r.DrugWindowDays, r.CostWindowDays, cel, rs.CreatedAt.UnixMicro())
		if err != nil {
			return fmt.Errorf("write rule set: %w", err)
		}
		return nil
	})
	if err != nil {
		return domain.RuleSet{}, fmt.Errorf("create rule set: %w", err)
	}
	rs.Rules.Name = rs.Name()
	return rs, nil
}

// GetRuleSet reads one version of a program's rules.
func (s *Store) GetRuleSet(ctx context.Context, planID, programID string, version int) (domain.RuleSet, error) {
	rs, err := scanRuleSet(s.db.QueryRow(ctx, `SELECT `+ruleSetColumns+ruleSetFrom+`
		WHERE r.plan_id = ? AND r.program_id = ? AND r.version = ?`, planID, programID, version))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.RuleSet{}, errs.NotFound("%s not found", domain.RuleSetName(planID, programID, version))
	}
	return rs, err
}

// ListRuleSets returns up to limit versions of a program, newest first:
// those below before (0: from the newest) of contractYear (0: any year).
func (s *Store) ListRuleSets(ctx context.Context, planID, programID string, contractYear, before, limit int) ([]domain.RuleSet, error) {
	if _, err := s.GetProgram(ctx, planID, programID); err != nil {
		return nil, err
	}
	q := `SELECT ` + ruleSetColumns + ruleSetFrom + ` WHERE r.plan_id = ? AND r.program_id = ?`
	args := []any{planID, programID}
	if contractYear != 0 {
		q += ` AND r.contract_year = ?`
		args = append(args, contractYear)
	}
	if before > 0 {
		q += ` AND r.version < ?`
		args = append(args, before)
	}
	return collect(ctx, s.db, "list rule sets", scanRuleSet, q+` ORDER BY r.version DESC LIMIT ?`, append(args, limit)...)
}

// scanRuleSet reads a rule set and rebuilds its rules from the normalized
// settings, compiling a CEL criterion again (a compiled program cannot be
// stored).
func scanRuleSet(row scanner) (domain.RuleSet, error) {
	var (
		rs                domain.RuleSet
		r                 domain.Rules
		core, cel, kind   string
		created           int64
		planID, programID string
	)
	err := row.Scan(&planID, &programID, &rs.Version, &r.ContractYear, &rs.Source,
		&r.MinDiseases, &r.MinDrugs, &r.CostThresholdCents, &core,
		&r.DiseaseWindowDays, &r.DrugWindowDays, &r.CostWindowDays, &cel, &created, &kind)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return rs, err
		}
		return rs, fmt.Errorf("read rule set: %w", err)
	}
	rs.PlanID, rs.ProgramID = planID, programID
	rs.CreatedAt = time.UnixMicro(created).UTC()
	r.Kind = domain.ProgramKind(kind)
	r.Name = rs.Name()
	if core != "" {
		r.CoreDiseases = strings.Split(core, ",")
	}
	if cel != "" {
		if r.Program, err = domain.CompileProgram(cel); err != nil {
			// %v, not %w: the caller did nothing invalid; this is ours.
			return rs, fmt.Errorf("read rule set %s: stored cel no longer compiles: %v", rs.Name(), err)
		}
	}
	rs.Rules = r
	return rs, nil
}
