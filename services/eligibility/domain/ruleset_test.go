package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// invalidFields returns the fields of an errs.Invalid, or nil.
func invalidFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
		t.Fatalf("error %v is not an errs.Invalid", err)
	}
	var out []string
	for _, v := range e.Violations {
		out = append(out, v.Field)
	}
	return out
}

func TestNewPlanProgram(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id, display string
		kind              domain.ProgramKind
		want              []string
	}{
		{"valid", "partd-2025", "Part D MTM", domain.PartD, nil},
		{"one letter, no display name", "a", "", domain.Employer, nil},
		{"63 characters", "a" + strings.Repeat("b", 62), "", domain.Medicaid, nil},
		{"64 characters", "a" + strings.Repeat("b", 63), "", domain.Medicaid, []string{"program_id"}},
		{"empty id", "", "", domain.PartD, []string{"program_id"}},
		{"upper case", "PartD", "", domain.PartD, []string{"program_id"}},
		{"starts with a digit", "2025", "", domain.PartD, []string{"program_id"}},
		{"ends with a dash", "partd-", "", domain.PartD, []string{"program_id"}},
		{"underscore", "part_d", "", domain.PartD, []string{"program_id"}},
		{"control character", "partd", "Part\nD", domain.PartD, []string{"display_name"}},
		{"long display name", "partd", strings.Repeat("é", 201), domain.PartD, []string{"display_name"}},
		{"no kind", "partd", "", "", []string{"kind"}},
		{"everything wrong at once", "-", "\x00", "hmo", []string{"program_id", "display_name", "kind"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := domain.NewPlanProgram("acme", tt.id, tt.display, tt.kind)
			if diff := cmp.Diff(tt.want, invalidFields(t, err)); diff != "" {
				t.Fatalf("violations (-want +got):\n%s", diff)
			}
			if err == nil && p.Name() != "plans/acme/programs/"+tt.id {
				t.Errorf("Name() = %q", p.Name())
			}
		})
	}
}

// TestRuleSetFieldsYAML checks that typed settings go through ParseRuleSet
// exactly as the equivalent rules file does, bounds included.
func TestRuleSetFieldsYAML(t *testing.T) {
	t.Parallel()
	ref := testRef(t)
	cents := func(c int64) *int64 { return &c }
	tests := []struct {
		name   string
		kind   domain.ProgramKind
		fields domain.RuleSetFields
		// file is the equivalent rules file; want the violations' fields.
		file string
		want []string
	}{
		{"year only", domain.PartD, domain.RuleSetFields{ContractYear: 2025}, "contract_year: 2025", nil},
		{
			"every part d setting", domain.PartD,
			domain.RuleSetFields{ContractYear: 2026, MinChronicDiseases: 2, MinMaintenanceDrugs: 5, CostThresholdCents: cents(170050),
				ChronicDiseaseDays: 300, MaintenanceDrugDays: 90, CostDays: 60},
			"contract_year: 2026\nmin_chronic_diseases: 2\nmin_maintenance_drugs: 5\ncost_threshold: '1700.50'\n" +
				"windows: {chronic_disease_days: 300, maintenance_drug_days: 90, cost_days: 60}",
			nil,
		},
		{"cel program", domain.Commercial, domain.RuleSetFields{ContractYear: 2025, CEL: "facts.age >= 65"},
			"contract_year: 2025\ncel: 'facts.age >= 65'", nil},
		{"no year", domain.PartD, domain.RuleSetFields{}, "", []string{"contract_year"}},
		{"too many diseases", domain.PartD, domain.RuleSetFields{ContractYear: 2025, MinChronicDiseases: 4}, "", []string{"min_chronic_diseases"}},
		{"negative drugs", domain.PartD, domain.RuleSetFields{ContractYear: 2025, MinMaintenanceDrugs: -1}, "", []string{"min_maintenance_drugs"}},
		{"zero threshold", domain.PartD, domain.RuleSetFields{ContractYear: 2025, CostThresholdCents: cents(0)}, "", []string{"cost_threshold"}},
		{"negative threshold", domain.PartD, domain.RuleSetFields{ContractYear: 2025, CostThresholdCents: cents(-100)}, "", []string{"cost_threshold"}},
		{"above the cms threshold", domain.PartD, domain.RuleSetFields{ContractYear: 2025, CostThresholdCents: cents(162301)}, "", []string{"cost_threshold"}},
		{"2026 without a threshold", domain.PartD, domain.RuleSetFields{ContractYear: 2026}, "", []string{"cost_threshold"}},
		{"window too wide", domain.PartD, domain.RuleSetFields{ContractYear: 2025, CostDays: 731}, "", []string{"windows.cost_days"}},
		{"negative window", domain.PartD, domain.RuleSetFields{ContractYear: 2025, ChronicDiseaseDays: -1}, "", []string{"windows.chronic_disease_days"}},
		{"cel in part d", domain.PartD, domain.RuleSetFields{ContractYear: 2025, CEL: "true"}, "", []string{"cel"}},
		{"bad cel", domain.Medicaid, domain.RuleSetFields{ContractYear: 2025, CEL: "facts.nope > 1"}, "", []string{"cel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src, err := tt.fields.YAML()
			if err != nil {
				t.Fatal(err)
			}
			got, err := domain.ParseRuleSet(src, tt.kind, ref)
			if diff := cmp.Diff(tt.want, invalidFields(t, err)); diff != "" {
				t.Fatalf("violations of\n%s(-want +got):\n%s", src, diff)
			}
			if tt.want != nil {
				return
			}
			want, err := domain.ParseRuleSet([]byte(tt.file), tt.kind, ref)
			if err != nil {
				t.Fatalf("equivalent file: %v", err)
			}
			if diff := cmp.Diff(want, got, ignoreProg); diff != "" {
				t.Errorf("rules from\n%s(-want +got):\n%s", src, diff)
			}
			if (want.Program == nil) != (got.Program == nil) || (got.Program != nil && got.Program.Source() != want.Program.Source()) {
				t.Errorf("CEL program = %v, want %v", got.Program, want.Program)
			}
		})
	}
}
