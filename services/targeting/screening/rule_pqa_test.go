package screening

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

func TestStatinUseInDiabetes(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleStatinUseInDiabetes)
	twoFills := []domain.Claim{rx("1", "metformin", "2025-02-01", 30), rx("2", "metformin", "2025-03-01", 30)}
	with := func(extra ...domain.Claim) []domain.Claim {
		return append(append([]domain.Claim(nil), twoFills...), extra...)
	}
	const want = "statin_use_in_diabetes:statin"
	tests := []struct {
		name    string
		age     int
		hospice bool
		claims  []domain.Claim
		dx      []domain.Diagnosis
		want    []string
	}{
		{"two diabetes fills, no statin", 60, false, twoFills, nil, []string{want}},
		{"age 40", 40, false, twoFills, nil, []string{want}},
		{"age 75", 75, false, twoFills, nil, []string{want}},
		{"age 39", 39, false, twoFills, nil, nil},
		{"age 76", 76, false, twoFills, nil, nil},
		{"a statin fill in the year", 60, false, with(rx("3", "atorvastatin", "2025-04-01", 30)), nil, nil},
		{"a statin in a combination", 60, false, with(rx("3", "ezetimibe / simvastatin", "2025-04-01", 30)), nil, nil},
		{"a statin only last year", 60, false, with(rx("3", "atorvastatin", "2024-12-15", 90)), nil, []string{want}},
		{"two fills on one date", 60, false, []domain.Claim{
			rx("1", "metformin", "2025-02-01", 30), rx("2", "glipizide", "2025-02-01", 30)}, nil, nil},
		{"one fill in the year", 60, false, []domain.Claim{
			rx("1", "metformin", "2024-11-01", 90), rx("2", "metformin", "2025-02-01", 90)}, nil, nil},
		{"insulin counts as a diabetes medication", 60, false, []domain.Claim{
			rx("1", "insulin glargine", "2025-02-01", 30), rx("2", "insulin glargine", "2025-03-01", 30)}, nil, []string{want}},
		{"ESRD excludes", 60, false, twoFills, []domain.Diagnosis{dx("N186", "2025-03-10")}, nil},
		{"pregnancy excludes", 60, false, twoFills, []domain.Diagnosis{dx("O24410", "2025-03-10")}, nil},
		{"an exclusion from last year does not", 60, false, twoFills, []domain.Diagnosis{dx("N186", "2024-03-10")}, []string{want}},
		{"hospice", 60, true, twoFills, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := rs.Screen(MemberInput{Age: tt.age, Hospice: tt.hospice, Claims: tt.claims, Diagnoses: tt.dx}, asOf)
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
	got := rs.Screen(MemberInput{Age: 60, Claims: with(rx("3", "glipizide", "2025-03-01", 30))}, asOf)
	if len(got) != 1 {
		t.Fatalf("got %d findings, want 1", len(got))
	}
	f := got[0]
	if f.Category != NeedsAdditionalDrugTherapy || f.ReasonCode != "AD" || f.Evidence.Count != 2 ||
		!cmp.Equal(f.Evidence.Ingredients, []string{"glipizide", "metformin"}) || len(f.Evidence.Claims) != 3 ||
		f.Evidence.From != day("2025-01-01") || f.Evidence.To != asOf {
		t.Errorf("finding %+v", f)
	}
}

func TestOpioidBenzodiazepine(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleOpioidBenzodiazepine)
	// Opioid supply covers 04-01..06-30.
	opioids := []domain.Claim{rx("o1", "oxycodone", "2025-04-01", 60), rx("o2", "hydrocodone / acetaminophen", "2025-05-31", 31)}
	with := func(extra ...domain.Claim) []domain.Claim {
		return append(append([]domain.Claim(nil), opioids...), extra...)
	}
	const want = "opioid_benzodiazepine:opioid+benzodiazepine"
	tests := []struct {
		name   string
		claims []domain.Claim
		dx     []domain.Diagnosis
		want   []string
	}{
		{"30 days of overlap", with(rx("b1", "alprazolam", "2025-06-01", 15), rx("b2", "alprazolam", "2025-06-16", 15)), nil,
			[]string{want}},
		{"29 days of overlap", with(rx("b1", "alprazolam", "2025-06-02", 14), rx("b2", "alprazolam", "2025-06-16", 15)), nil, nil},
		{"one benzodiazepine fill", with(rx("b1", "lorazepam", "2025-04-01", 90)), nil, nil},
		{"one opioid fill", []domain.Claim{rx("o1", "oxycodone", "2025-04-01", 90),
			rx("b1", "alprazolam", "2025-04-01", 45), rx("b2", "alprazolam", "2025-05-16", 45)}, nil, nil},
		{"cancer excludes", with(rx("b1", "alprazolam", "2025-06-01", 15), rx("b2", "alprazolam", "2025-06-16", 15)),
			[]domain.Diagnosis{dx("C50911", "2025-02-01")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := rs.Screen(MemberInput{Age: 50, Claims: tt.claims, Diagnoses: tt.dx}, asOf)
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
	got := rs.Screen(MemberInput{Age: 50, Claims: with(rx("b1", "alprazolam", "2025-06-01", 15), rx("b2", "alprazolam", "2025-06-16", 15))}, asOf)
	if len(got) != 1 {
		t.Fatalf("got %d findings, want 1", len(got))
	}
	wantEv := Evidence{
		Claims: []ClaimRef{
			{ClaimID: "o1", FillDate: day("2025-04-01"), GenericName: "oxycodone", DaysSupply: 60},
			{ClaimID: "o2", FillDate: day("2025-05-31"), GenericName: "hydrocodone / acetaminophen", DaysSupply: 31},
			{ClaimID: "b1", FillDate: day("2025-06-01"), GenericName: "alprazolam", DaysSupply: 15},
			{ClaimID: "b2", FillDate: day("2025-06-16"), GenericName: "alprazolam", DaysSupply: 15},
		},
		Ingredients: []string{"alprazolam", "hydrocodone", "oxycodone"},
		Days:        30,
		From:        day("2025-06-01"),
		To:          asOf,
	}
	if diff := cmp.Diff(wantEv, got[0].Evidence); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if got[0].Severity != High || got[0].ReasonCode != "AT" || got[0].Category != AdverseDrugReaction {
		t.Errorf("finding %+v", got[0])
	}
}

// The PQA denominator needs 15 days of opioid supply, whatever the overlap.
func TestOpioidBenzodiazepineOpioidDays(t *testing.T) {
	t.Parallel()
	rs := only(t, map[string]map[string]any{RuleOpioidBenzodiazepine: {"min_overlap_days": 5}}, RuleOpioidBenzodiazepine)
	benzos := []domain.Claim{rx("b1", "diazepam", "2025-06-01", 15), rx("b2", "diazepam", "2025-06-16", 15)}
	for _, tt := range []struct {
		second int32
		want   int
	}{{7, 0}, {8, 1}} {
		claims := append([]domain.Claim{rx("o1", "tramadol", "2025-06-01", 7), rx("o2", "tramadol", "2025-06-08", tt.second)}, benzos...)
		if got := rs.Screen(MemberInput{Age: 50, Claims: claims}, asOf); len(got) != tt.want {
			t.Errorf("opioid days 7+%d: %d findings, want %d", tt.second, len(got), tt.want)
		}
	}
}
