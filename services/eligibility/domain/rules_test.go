package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
)

var (
	nineCore = []string{"alzheimers", "bone_disease_arthritis", "chf", "diabetes", "dyslipidemia", "esrd",
		"hypertension", "mental_health", "respiratory"}
	tenCore = []string{"alzheimers", "bone_disease_arthritis", "chf", "diabetes", "dyslipidemia", "esrd",
		"hiv_aids", "hypertension", "mental_health", "respiratory"}
	// sortedCore compares core disease lists whatever order the data keeps.
	sortedCore = cmpopts.SortSlices(func(a, b string) bool { return a < b })
	ignoreProg = cmpopts.IgnoreFields(domain.Rules{}, "Program")
)

func TestCMSMaxima(t *testing.T) {
	t.Parallel()
	ref := testRef(t)
	for year, want := range map[int]domain.Rules{
		2024: {Name: "cms/2024", Kind: domain.PartD, ContractYear: 2024, MinDiseases: 3, MinDrugs: 8, CostThresholdCents: 533000,
			CoreDiseases: nineCore, DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91},
		2025: {Name: "cms/2025", Kind: domain.PartD, ContractYear: 2025, MinDiseases: 3, MinDrugs: 8, CostThresholdCents: 162300,
			CoreDiseases: tenCore, DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91},
	} {
		got, err := domain.CMSMaxima(ref, year)
		if err != nil {
			t.Fatalf("CMSMaxima(%d) = %v", year, err)
		}
		if diff := cmp.Diff(want, got, sortedCore, ignoreProg); diff != "" {
			t.Errorf("CMSMaxima(%d) (-want +got):\n%s", year, diff)
		}
	}
	for year, want := range map[int]string{
		2026: "contract year 2026 has no confirmed CMS cost threshold: upload plan rules with cost_threshold",
		1999: "contract year 1999 has no CMS rules in the reference data",
	} {
		_, err := domain.CMSMaxima(ref, year)
		if errs.KindOf(err) != errs.KindFailedPrecondition || !strings.Contains(err.Error(), want) {
			t.Errorf("CMSMaxima(%d) = %v, want FailedPrecondition %q", year, err, want)
		}
	}
}

func TestParseRuleSetAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		kind domain.ProgramKind
		yaml string
		want domain.Rules
	}{
		{"CMS maxima by default", domain.PartD, "contract_year: 2025\n",
			domain.Rules{Name: "plan/part_d/2025", Kind: domain.PartD, ContractYear: 2025, MinDiseases: 3, MinDrugs: 8,
				CostThresholdCents: 162300, CoreDiseases: tenCore, DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91}},
		{"lowered minimums, own threshold and windows", domain.PartD, `
contract_year: 2025
min_chronic_diseases: 2
min_maintenance_drugs: 2
cost_threshold: "1000.50"
windows: {chronic_disease_days: 730, maintenance_drug_days: 1, cost_days: 91}
core_diseases: [alzheimers, bone_disease_arthritis, chf, diabetes, dyslipidemia, esrd, hiv_aids, hypertension, mental_health, respiratory]
`, domain.Rules{Name: "plan/part_d/2025", Kind: domain.PartD, ContractYear: 2025, MinDiseases: 2, MinDrugs: 2,
			CostThresholdCents: 100050, CoreDiseases: tenCore, DiseaseWindowDays: 730, DrugWindowDays: 1, CostWindowDays: 91}},
		{"threshold equal to CMS's, as a YAML number", domain.PartD, "contract_year: 2025\ncost_threshold: 1623.00\n",
			domain.Rules{Name: "plan/part_d/2025", Kind: domain.PartD, ContractYear: 2025, MinDiseases: 3, MinDrugs: 8,
				CostThresholdCents: 162300, CoreDiseases: tenCore, DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91}},
		{"CY2024 sponsor chooses diseases", domain.PartD, "contract_year: 2024\nmin_chronic_diseases: 2\ncore_diseases: [hypertension, diabetes]\n",
			domain.Rules{Name: "plan/part_d/2024", Kind: domain.PartD, ContractYear: 2024, MinDiseases: 2, MinDrugs: 8,
				CostThresholdCents: 533000, CoreDiseases: []string{"diabetes", "hypertension"}, DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91}},
		{"CY2026 with the plan's threshold", domain.PartD, "contract_year: 2026\ncost_threshold: \"1700\"\n",
			domain.Rules{Name: "plan/part_d/2026", Kind: domain.PartD, ContractYear: 2026, MinDiseases: 3, MinDrugs: 8,
				CostThresholdCents: 170000, CoreDiseases: tenCore, DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91}},
		{"medicaid program", domain.Medicaid, "contract_year: 2025\ncel: facts.chronic_disease_count >= 2\ncore_diseases: [diabetes, chf]\n",
			domain.Rules{Name: "plan/medicaid/2025", Kind: domain.Medicaid, ContractYear: 2025, CoreDiseases: []string{"chf", "diabetes"},
				DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91}},
		{"employer program, all diseases", domain.Employer, "contract_year: 2030\nwindows:\n  cost_days: 365\ncel: |\n  facts.maintenance_drug_count >= 5\n",
			domain.Rules{Name: "plan/employer/2030", Kind: domain.Employer, ContractYear: 2030, CoreDiseases: reference.DiseaseKeys,
				DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 365}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := domain.ParseRuleSet([]byte(tt.yaml), tt.kind, testRef(t))
			if err != nil {
				t.Fatalf("ParseRuleSet = %v", err)
			}
			if diff := cmp.Diff(tt.want, got, sortedCore, ignoreProg); diff != "" {
				t.Errorf("ParseRuleSet (-want +got):\n%s", diff)
			}
			if (got.Program != nil) != (tt.kind != domain.PartD) {
				t.Errorf("Program = %v, want one exactly for non-Part D kinds", got.Program)
			}
		})
	}
}

// TestParseRuleSetRejects takes each bound in turn; every case wants the
// listed field violations, whose problems contain the given text.
func TestParseRuleSetRejects(t *testing.T) {
	t.Parallel()
	type v struct{ Field, Problem string } // a local type: errs.FieldViolation literals would need keys
	tests := []struct {
		name string
		kind domain.ProgramKind
		yaml string
		want []v
	}{
		{"one disease", domain.PartD, "contract_year: 2025\nmin_chronic_diseases: 1", []v{{"min_chronic_diseases", "must be from 2 to 3"}}},
		{"four diseases", domain.PartD, "contract_year: 2025\nmin_chronic_diseases: 4", []v{{"min_chronic_diseases", "must be from 2 to 3"}}},
		{"one drug", domain.PartD, "contract_year: 2024\nmin_maintenance_drugs: 1", []v{{"min_maintenance_drugs", "must be from 2 to 8"}}},
		{"nine drugs", domain.PartD, "contract_year: 2025\nmin_maintenance_drugs: 9", []v{{"min_maintenance_drugs", "must be from 2 to 8"}}},
		{"drugs not a number", domain.PartD, "contract_year: 2025\nmin_maintenance_drugs: eight", []v{{"min_maintenance_drugs", "must be a whole number"}}},
		{"cost above CMS's", domain.PartD, "contract_year: 2025\ncost_threshold: \"1623.01\"", []v{{"cost_threshold", "must be at most 1623.00, the CMS cost threshold of 2025"}}},
		{"CY2024 cost above CMS's", domain.PartD, "contract_year: 2024\ncost_threshold: 6000", []v{{"cost_threshold", "must be at most 5330.00"}}},
		{"zero cost", domain.PartD, "contract_year: 2025\ncost_threshold: 0", []v{{"cost_threshold", "above 0"}}},
		{"negative cost", domain.PartD, "contract_year: 2025\ncost_threshold: \"-5\"", []v{{"cost_threshold", "above 0"}}},
		{"cost with three decimals", domain.PartD, "contract_year: 2025\ncost_threshold: \"10.001\"", []v{{"cost_threshold", "at most 2 decimals"}}},
		{"CY2026 without a threshold", domain.PartD, "contract_year: 2026", []v{{"cost_threshold", "is required: contract year 2026 has no confirmed CMS cost threshold"}}},
		{"CY2025 subset of diseases", domain.PartD, "contract_year: 2025\ncore_diseases: [diabetes, chf, hypertension]",
			[]v{{"core_diseases", "must be left out or list all 10 core diseases"}}},
		{"CY2024 hiv_aids", domain.PartD, "contract_year: 2024\ncore_diseases: [diabetes, chf, hiv_aids]", []v{{"core_diseases", `"hiv_aids", which is not a core disease here`}}},
		{"unknown disease", domain.PartD, "contract_year: 2024\ncore_diseases: [diabetes, chf, cancer]", []v{{"core_diseases", `"cancer"`}}},
		{"repeated disease", domain.PartD, "contract_year: 2024\ncore_diseases: [diabetes, chf, chf]", []v{{"core_diseases", "names chf more than once"}}},
		{"empty disease list", domain.PartD, "contract_year: 2024\ncore_diseases: []", []v{{"core_diseases", "non-empty list"}}},
		{"fewer diseases than required", domain.PartD, "contract_year: 2024\ncore_diseases: [diabetes, chf]", []v{{"core_diseases", "at least min_chronic_diseases (3)"}}},
		{"window of 0 days", domain.PartD, "contract_year: 2025\nwindows: {cost_days: 0}", []v{{"windows.cost_days", "from 1 to 730 days"}}},
		{"window of 731 days", domain.PartD, "contract_year: 2025\nwindows: {chronic_disease_days: 731}", []v{{"windows.chronic_disease_days", "from 1 to 730 days"}}},
		{"unknown window", domain.PartD, "contract_year: 2025\nwindows: {adherence_days: 30}", []v{{"windows.adherence_days", "is not a rule setting"}}},
		{"windows not a mapping", domain.PartD, "contract_year: 2025\nwindows: 30", []v{{"windows", "must be a mapping"}}},
		{"cel in Part D", domain.PartD, "contract_year: 2025\ncel: facts.age > 65", []v{{"cel", "is not allowed in part_d rules"}}},
		{"unknown key", domain.PartD, "contract_year: 2025\nmin_age: 65", []v{{"min_age", "is not a rule setting"}}},
		{"repeated key", domain.PartD, "contract_year: 2025\ncontract_year: 2024", []v{{"contract_year", "more than once"}}},
		{"no contract year", domain.PartD, "min_chronic_diseases: 2", []v{{"contract_year", "is required"}}},
		{"empty file", domain.PartD, "", []v{{"contract_year", "is required"}}},
		{"year without CMS data", domain.PartD, "contract_year: 1999", []v{{"contract_year", "must be a contract year with CMS rules"}}},
		{"year not a number", domain.PartD, "contract_year: \"2025\"", []v{{"contract_year", "must be a whole number"}}},
		{"not YAML", domain.PartD, "contract_year: [2025", []v{{"rules", "is not valid YAML"}}},
		{"not a mapping", domain.PartD, "- 2025", []v{{"rules", "must be a YAML mapping"}}},
		{"too big", domain.PartD, "contract_year: 2025\n#" + strings.Repeat("x", 70000), []v{{"rules", "must be at most 65536 bytes"}}},
		{"unknown kind", "hmo", "contract_year: 2025", []v{{"kind", "must be part_d, medicaid, commercial or employer"}}},
		{"everything at once", domain.PartD, "contract_year: 2025\nmin_chronic_diseases: 5\nmin_maintenance_drugs: 0\ncost_threshold: 2000\nwindows: {cost_days: 1000}",
			[]v{{"windows.cost_days", "730"}, {"min_chronic_diseases", "2 to 3"}, {"min_maintenance_drugs", "2 to 8"}, {"cost_threshold", "1623.00"}}},
		{"program without cel", domain.Medicaid, "contract_year: 2025", []v{{"cel", "is required for medicaid programs"}}},
		{"program cel error", domain.Commercial, "contract_year: 2025\ncel: |\n  facts.age > 65 &&\n  facts.wealth > 3", []v{{"cel", "2:6: undefined field 'wealth'"}}},
		{"program cel not bool", domain.Employer, "contract_year: 2025\ncel: facts.age", []v{{"cel", "must evaluate to bool"}}},
		{"program with Part D minimums", domain.Medicaid, "contract_year: 2025\nmin_chronic_diseases: 2\ncost_threshold: 100\ncel: 'true'",
			[]v{{"min_chronic_diseases", "is not used by medicaid programs"}, {"cost_threshold", "is not used by medicaid programs"}}},
		{"program year", domain.Employer, "contract_year: 1990\ncel: 'true'", []v{{"contract_year", "from 2000 to 2100"}}},
		{"program unknown disease", domain.Commercial, "contract_year: 2025\ncel: 'true'\ncore_diseases: [obesity]", []v{{"core_diseases", `"obesity"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := domain.ParseRuleSet([]byte(tt.yaml), tt.kind, testRef(t))
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
				t.Fatalf("ParseRuleSet = %v, want an invalid-argument error", err)
			}
			// Compare fields exactly and problems by the text that matters.
			got := make([]v, len(e.Violations))
			for i, fv := range e.Violations {
				got[i] = v(fv)
				for _, w := range tt.want {
					if fv.Field == w.Field && strings.Contains(fv.Problem, w.Problem) {
						got[i].Problem = w.Problem
					}
				}
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.SortSlices(func(a, b v) bool { return a.Field < b.Field })); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}
