package screening

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

func TestTherapeuticDuplication(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleTherapeuticDuplication)
	tests := []struct {
		name   string
		claims []domain.Claim
		want   []string
	}{
		// Atorvastatin covers 05-01..06-29; simvastatin from 05-31: 30 days.
		{"two statins overlapping 30 days", []domain.Claim{
			rx("1", "atorvastatin", "2025-05-01", 60), rx("2", "simvastatin", "2025-05-31", 30)},
			[]string{"therapeutic_duplication:atorvastatin+simvastatin"}},
		{"two statins overlapping 29 days", []domain.Claim{
			rx("1", "atorvastatin", "2025-05-01", 60), rx("2", "simvastatin", "2025-06-01", 30)}, nil},
		{"a switch without overlap", []domain.Claim{
			rx("1", "atorvastatin", "2025-03-01", 30), rx("2", "simvastatin", "2025-04-01", 90)}, nil},
		{"the same ingredient refilled", []domain.Claim{
			rx("1", "atorvastatin", "2025-04-01", 90), rx("2", "atorvastatin", "2025-05-01", 90)}, nil},
		{"an ARB beside an ARB in a combination", []domain.Claim{
			rx("1", "losartan", "2025-04-01", 90), rx("2", "sacubitril / valsartan", "2025-04-15", 90)},
			[]string{"therapeutic_duplication:losartan+valsartan"}},
		{"classes combined by design (antidiabetic)", []domain.Claim{
			rx("1", "metformin", "2025-04-01", 90), rx("2", "glipizide", "2025-04-01", 90)}, nil},
		{"two sulfonylureas", []domain.Claim{
			rx("1", "glyburide", "2025-04-01", 90), rx("2", "glipizide", "2025-04-01", 90)},
			[]string{"therapeutic_duplication:glipizide+glyburide"}},
		{"different classes", []domain.Claim{
			rx("1", "lisinopril", "2025-04-01", 90), rx("2", "amlodipine", "2025-04-01", 90)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := rs.Screen(MemberInput{Age: 70, Claims: tt.claims}, asOf)
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTherapeuticDuplicationEvidence(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleTherapeuticDuplication)
	got := rs.Screen(MemberInput{Claims: []domain.Claim{
		rx("1", "atorvastatin", "2025-05-01", 60), rx("2", "simvastatin", "2025-05-31", 30),
		rx("0", "atorvastatin", "2025-01-01", 30), // long before the overlap: not evidence
	}}, asOf)
	want := []Finding{{
		RuleID: "therapeutic_duplication", RuleSetVersion: "2026.11.1+test", Key: "therapeutic_duplication:atorvastatin+simvastatin",
		Category: UnnecessaryDrugTherapy, ReasonCode: "TD", Severity: Moderate,
		Description: "Therapeutic duplication: atorvastatin and simvastatin (statin) overlap 30 days",
		Source:      "Drug classes of the drug reference (FDA EPC, WHO ATC); Cipolle/Strand/Morley: duplicate therapy is unnecessary drug therapy [S35]",
		Evidence: Evidence{
			Claims: []ClaimRef{
				{ClaimID: "1", FillDate: day("2025-05-01"), GenericName: "atorvastatin", DaysSupply: 60},
				{ClaimID: "2", FillDate: day("2025-05-31"), GenericName: "simvastatin", DaysSupply: 30},
			},
			Ingredients: []string{"atorvastatin", "simvastatin"},
			Classes:     []string{"statin"},
			Days:        30,
			From:        day("2025-05-31"),
			To:          day("2025-06-29"),
		},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
}

// The two ingredients of one product never duplicate each other; the same
// two as separate products do, once their class is checked.
func TestTherapeuticDuplicationCombinationProducts(t *testing.T) {
	t.Parallel()
	rs := only(t, map[string]map[string]any{RuleTherapeuticDuplication: {"except_classes": []any{}}}, RuleTherapeuticDuplication)
	combo := []domain.Claim{rx("1", "sitagliptin / metformin", "2025-04-01", 90), rx("2", "sitagliptin / metformin", "2025-06-01", 90)}
	if got := keys(rs.Screen(MemberInput{Claims: combo}, asOf)); got != nil {
		t.Errorf("a combination product against itself: %v", got)
	}
	separate := []domain.Claim{rx("1", "sitagliptin", "2025-04-01", 90), rx("2", "metformin", "2025-04-01", 90)}
	if diff := cmp.Diff([]string{"therapeutic_duplication:metformin+sitagliptin"}, keys(rs.Screen(MemberInput{Claims: separate}, asOf))); diff != "" {
		t.Errorf("separate products (-want +got):\n%s", diff)
	}
}

func TestTherapeuticDuplicationSeverity(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleTherapeuticDuplication)
	got := rs.Screen(MemberInput{Claims: []domain.Claim{
		rx("1", "warfarin", "2025-05-01", 90), rx("2", "apixaban", "2025-05-15", 60)}}, asOf)
	if len(got) != 1 || got[0].Severity != High || !cmp.Equal(got[0].Evidence.Classes, []string{"anticoagulant"}) {
		t.Errorf("two anticoagulants: %+v, want one high-severity anticoagulant finding", got)
	}
}
