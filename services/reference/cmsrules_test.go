package reference_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/openmtm/openmtm/services/reference"
)

// TestEmbeddedCMSRules checks the shipped rules against domain.md 1.3.
func TestEmbeddedCMSRules(t *testing.T) {
	t.Parallel()
	nine := slices.DeleteFunc(slices.Clone(reference.DiseaseKeys), func(k string) bool { return k == reference.HIVAIDS })
	want := map[int]reference.CMSRules{
		2024: {
			ContractYear: 2024, CoreDiseases: nine, SponsorChoosesDiseases: true,
			MaxRequiredDiseases: 3, MaxRequiredDrugs: 8,
			CostThresholdCents: 533000, CostThresholdConfirmed: true, AllMaintenanceDrugsCount: false,
			DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91,
		},
		2025: {
			ContractYear: 2025, CoreDiseases: reference.DiseaseKeys, SponsorChoosesDiseases: false,
			MaxRequiredDiseases: 3, MaxRequiredDrugs: 8,
			CostThresholdCents: 162300, CostThresholdConfirmed: true, AllMaintenanceDrugsCount: true,
			DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91,
		},
		2026: {
			ContractYear: 2026, CoreDiseases: reference.DiseaseKeys, SponsorChoosesDiseases: false,
			MaxRequiredDiseases: 3, MaxRequiredDrugs: 8,
			CostThresholdCents: 0, CostThresholdConfirmed: false, AllMaintenanceDrugsCount: true,
			DiseaseWindowDays: 365, DrugWindowDays: 180, CostWindowDays: 91,
		},
	}
	ref := mustDefault(t)
	if diff := cmp.Diff(want, ref.CMS, cmpopts.IgnoreFields(reference.CMSRules{}, "Notes")); diff != "" {
		t.Errorf("CMS rules mismatch (-want +got):\n%s", diff)
	}
	// The 2026 values domain.md cannot confirm say so where they live.
	notes := strings.Join(ref.CMS[2026].Notes, "\n")
	for _, item := range []string{"cost threshold", "3 chronic diseases and 8 Part D drugs"} {
		if !strings.Contains(notes, "UNCONFIRMED") || !strings.Contains(notes, item) {
			t.Errorf("2026 notes do not mark %q UNCONFIRMED:\n%s", item, notes)
		}
	}
	for year, c := range ref.CMS {
		if len(c.Notes) == 0 {
			t.Errorf("%d has no notes naming its sources", year)
		}
	}
}

func TestCMSRulesFor(t *testing.T) {
	t.Parallel()
	ref := mustDefault(t)
	if _, ok := ref.CMSRulesFor(2023); ok {
		t.Error("CMSRulesFor(2023) found rules; domain.md confirms none before 2024")
	}
	got, ok := ref.CMSRulesFor(2025)
	if !ok || got.CostThresholdCents != 162300 {
		t.Fatalf("CMSRulesFor(2025) = %+v, %v", got, ok)
	}
	got.CoreDiseases[0] = "changed"
	if again, _ := ref.CMSRulesFor(2025); again.CoreDiseases[0] != reference.Alzheimers {
		t.Error("changing the returned rules changed the shared ones")
	}
	var none *reference.Reference
	if _, ok := none.CMSRulesFor(2025); ok {
		t.Error("a nil *Reference has rules")
	}
}

func TestLoadCMSRulesWindowsAndAmounts(t *testing.T) {
	t.Parallel()
	in := `
default_windows: {disease_days: 300, drug_days: 120}
contract_years:
  - contract_year: 2026
    core_diseases: [diabetes, chf, hypertension]
    sponsor_chooses_diseases: false
    max_required_diseases: 2
    max_required_drugs: 5
    cost_threshold: 1700.5
    cost_threshold_confirmed: true
    all_maintenance_drugs_count: true
    windows: {cost_days: 30}
  - contract_year: 2027
    core_diseases: [diabetes]
    sponsor_chooses_diseases: true
    max_required_diseases: 1
    max_required_drugs: 2
    cost_threshold: "2000"
    cost_threshold_confirmed: true
    all_maintenance_drugs_count: false
    notes: ["a note"]
`
	got, err := reference.LoadCMSRules(strings.NewReader(in))
	if err != nil {
		t.Fatalf("LoadCMSRules: %v", err)
	}
	want := map[int]reference.CMSRules{
		2026: {
			ContractYear: 2026, CoreDiseases: []string{"chf", "diabetes", "hypertension"},
			MaxRequiredDiseases: 2, MaxRequiredDrugs: 5, CostThresholdCents: 170050, CostThresholdConfirmed: true,
			AllMaintenanceDrugsCount: true, DiseaseWindowDays: 300, DrugWindowDays: 120, CostWindowDays: 30,
		},
		2027: {
			ContractYear: 2027, CoreDiseases: []string{"diabetes"}, SponsorChoosesDiseases: true,
			MaxRequiredDiseases: 1, MaxRequiredDrugs: 2, CostThresholdCents: 200000, CostThresholdConfirmed: true,
			DiseaseWindowDays: 300, DrugWindowDays: 120, CostWindowDays: 91, Notes: []string{"a note"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rules mismatch (-want +got):\n%s", diff)
	}
}
