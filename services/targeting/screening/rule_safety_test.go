package screening

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

func TestHighRiskElderly(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleHighRiskElderly)
	diazepam := []domain.Claim{rx("1", "diazepam", "2025-05-01", 30)}
	tests := []struct {
		name     string
		age      int
		hospice  bool
		claims   []domain.Claim
		settings map[string]any
		want     []string
	}{
		{"age 65", 65, false, diazepam, nil, []string{"high_risk_elderly:diazepam"}},
		{"age 64", 64, false, diazepam, nil, nil},
		{"not on the list", 80, false, []domain.Claim{rx("1", "lisinopril", "2025-05-01", 30)}, nil, nil},
		{"filled before the window", 80, false, []domain.Claim{rx("1", "diazepam", "2024-12-01", 90)}, nil, nil},
		{"hospice", 80, true, diazepam, nil, nil},
		{"left out by the plan", 80, false, diazepam, map[string]any{"except_ingredients": []any{"diazepam"}}, nil},
		{"each listed drug once", 80, false, []domain.Claim{
			rx("1", "diazepam", "2025-03-01", 30), rx("2", "diazepam", "2025-04-01", 30),
			rx("3", "amitriptyline", "2025-04-01", 30)},
			nil, []string{"high_risk_elderly:amitriptyline", "high_risk_elderly:diazepam"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := rs
			if tt.settings != nil {
				rs = only(t, map[string]map[string]any{RuleHighRiskElderly: tt.settings}, RuleHighRiskElderly)
			}
			got := rs.Screen(MemberInput{Age: tt.age, Hospice: tt.hospice, Claims: tt.claims}, asOf)
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
	got := rs.Screen(MemberInput{Age: 70, Claims: diazepam}, asOf)
	if len(got) != 1 || got[0].ReasonCode != "PA" || got[0].Description !=
		"Diazepam is potentially inappropriate in adults 65 and older (AGS Beers Criteria): 1 fill in the window" {
		t.Errorf("finding %+v", got)
	}
}

func TestDrugInteraction(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleDrugInteraction)
	tests := []struct {
		name   string
		claims []domain.Claim
		dx     []domain.Diagnosis
		want   []string
	}{
		{"warfarin with an NSAID", []domain.Claim{
			rx("1", "warfarin", "2025-06-01", 30), rx("2", "naproxen", "2025-06-10", 10)}, nil,
			[]string{"drug_interaction:warfarin_nsaid"}},
		{"one after the other", []domain.Claim{
			rx("1", "naproxen", "2025-05-01", 10), rx("2", "warfarin", "2025-05-15", 30)}, nil, nil},
		{"a combination on one side", []domain.Claim{
			rx("1", "methotrexate", "2025-06-01", 28), rx("2", "sulfamethoxazole / trimethoprim", "2025-06-20", 5),
			rx("3", "warfarin", "2025-06-01", 30)}, nil,
			[]string{"drug_interaction:methotrexate_trimethoprim", "drug_interaction:warfarin_cyp2c9_antimicrobial"}},
		{"a class on both sides", []domain.Claim{
			rx("1", "sertraline", "2025-06-01", 30), rx("2", "phenelzine", "2025-06-20", 30)}, nil,
			[]string{"drug_interaction:serotonergic_maoi"}},
		{"CKD required, absent", []domain.Claim{
			rx("1", "lisinopril", "2025-06-01", 30), rx("2", "spironolactone", "2025-06-01", 30)}, nil, nil},
		{"CKD required, present", []domain.Claim{
			rx("1", "lisinopril", "2025-06-01", 30), rx("2", "spironolactone", "2025-06-01", 30)},
			[]domain.Diagnosis{dx("N1831", "2025-05-01")}, []string{"drug_interaction:ras_inhibitor_potassium_sparing_ckd"}},
		{"no interacting pair", []domain.Claim{
			rx("1", "lisinopril", "2025-06-01", 30), rx("2", "amlodipine", "2025-06-01", 30)}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := rs.Screen(MemberInput{Age: 70, Claims: tt.claims, Diagnoses: tt.dx}, asOf)
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDrugInteractionFinding(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleDrugInteraction)
	got := rs.Screen(MemberInput{Claims: []domain.Claim{
		rx("1", "warfarin", "2025-06-01", 30), rx("2", "ibuprofen", "2025-06-10", 10)}}, asOf)
	want := []Finding{{
		RuleID: "drug_interaction", RuleSetVersion: "2026.11.1+test", Key: "drug_interaction:warfarin_nsaid",
		Category: AdverseDrugReaction, ReasonCode: "DD", Severity: High,
		Description: "Drug interaction warfarin_nsaid (ibuprofen + warfarin): additive bleeding risk, gastrointestinal bleeding; supplies overlap 10 days",
		Source:      "[L1] warfarin label section 7; [T1]",
		Evidence: Evidence{
			Claims: []ClaimRef{
				{ClaimID: "1", FillDate: day("2025-06-01"), GenericName: "warfarin", DaysSupply: 30},
				{ClaimID: "2", FillDate: day("2025-06-10"), GenericName: "ibuprofen", DaysSupply: 10},
			},
			Ingredients: []string{"ibuprofen", "warfarin"},
			Days:        10,
			From:        day("2025-06-10"),
			To:          day("2025-06-19"),
		},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
	// The pair's own category and the diagnosis behind a conditional pair.
	got = rs.Screen(MemberInput{
		Claims: []domain.Claim{
			rx("1", "clopidogrel", "2025-06-01", 30), rx("2", "omeprazole", "2025-06-01", 30),
			rx("3", "losartan", "2025-06-01", 30), rx("4", "amiloride", "2025-06-01", 30)},
		Diagnoses: []domain.Diagnosis{dx("N184", "2025-06-02")},
	}, asOf)
	if len(got) != 2 || got[0].Category != IneffectiveDrug || got[1].Severity != Moderate ||
		!cmp.Equal(got[1].Evidence.Diagnoses, []DiagnosisRef{{ICD10: "N184", ServiceDate: day("2025-06-02")}}) {
		t.Errorf("findings %+v", got)
	}
}

func TestDrugInteractionSettings(t *testing.T) {
	t.Parallel()
	claims := []domain.Claim{rx("1", "warfarin", "2025-06-01", 30), rx("2", "naproxen", "2025-06-21", 10)} // 10 days
	for _, tt := range []struct {
		settings map[string]any
		want     int
	}{
		{map[string]any{"min_overlap_days": 10}, 1},
		{map[string]any{"min_overlap_days": 11}, 0},
		{map[string]any{"disabled_pairs": []any{"warfarin_nsaid"}}, 0},
		{map[string]any{"enabled": false}, 0},
	} {
		rs := only(t, map[string]map[string]any{RuleDrugInteraction: tt.settings}, RuleDrugInteraction)
		if got := rs.Screen(MemberInput{Claims: claims}, asOf); len(got) != tt.want {
			t.Errorf("settings %v: %d findings, want %d", tt.settings, len(got), tt.want)
		}
	}
}

func TestPolypharmacy(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RulePolypharmacy)
	ten := []string{"atorvastatin", "lisinopril", "metformin", "amlodipine", "metoprolol",
		"levothyroxine", "omeprazole", "sertraline", "donepezil", "tamsulosin"}
	concurrent := func(names []string) []domain.Claim {
		var out []domain.Claim
		for i, n := range names {
			out = append(out, rx(fmt.Sprint(i), n, "2025-06-01", 30))
		}
		return out
	}
	sequential := func(names []string) []domain.Claim {
		var out []domain.Claim
		for i, n := range names {
			out = append(out, rx(fmt.Sprint(i), n, day("2025-04-02").AddDays(8*i).String(), 8))
		}
		return out
	}
	tests := []struct {
		name   string
		claims []domain.Claim
		want   []string
	}{
		{"ten at once", concurrent(ten), []string{"polypharmacy:maintenance_drugs"}},
		{"nine at once", concurrent(ten[:9]), nil},
		{"ten one after another", sequential(ten), nil},
		{"an ingredient counts once", concurrent(append(ten[:8:8], "hydrochlorothiazide / lisinopril")), nil},
		{"a combination counts each ingredient", concurrent(append(ten[:8:8], "hydrochlorothiazide / losartan")),
			[]string{"polypharmacy:maintenance_drugs"}},
		{"acute drugs do not count", concurrent(append(ten[:9:9], "ibuprofen")), nil},
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
	got := rs.Screen(MemberInput{Claims: concurrent(ten)}, asOf)
	want := Evidence{
		Ingredients: []string{"amlodipine", "atorvastatin", "donepezil", "levothyroxine", "lisinopril",
			"metformin", "metoprolol", "omeprazole", "sertraline", "tamsulosin"},
		Count: 10, From: day("2025-06-01"), To: day("2025-06-01"),
	}
	if len(got) != 1 || !cmp.Equal(want, got[0].Evidence) || got[0].Severity != Low || got[0].ReasonCode != "SR" {
		t.Errorf("finding %+v, want evidence %+v", got, want)
	}
}
