package screening

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

func TestAdherencePDC(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleAdherencePDC)
	tests := []struct {
		name    string
		pdc     map[string]float64
		hospice bool
		want    []string
	}{
		{"below the threshold", map[string]float64{"statins": 0.7999}, false, []string{"adherence_pdc:statins"}},
		{"at the threshold", map[string]float64{"statins": 0.8}, false, nil},
		{"several measures, in key order", map[string]float64{"statins": 0.9, "rasa": 0.6, "diabetes": 0.5}, false,
			[]string{"adherence_pdc:diabetes", "adherence_pdc:rasa"}},
		{"no measures", nil, false, nil},
		{"hospice", map[string]float64{"statins": 0.2}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := rs.Screen(MemberInput{Age: 70, PDC: tt.pdc, Hospice: tt.hospice}, asOf)
			if diff := cmp.Diff(tt.want, keys(got)); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
	got := rs.Screen(MemberInput{PDC: map[string]float64{"rasa": 0.6512}}, asOf)
	want := []Finding{{
		RuleID: "adherence_pdc", RuleSetVersion: "2026.11.1+test", Key: "adherence_pdc:rasa",
		Category: Nonadherence, ReasonCode: "SC", Severity: Moderate,
		Description: "PDC 0.6512 for the rasa adherence measure is below 0.80",
		Source:      "PQA PDC adherence measures (domain.md 5) [S31][S32]: adherent when PDC >= 0.80",
		Evidence:    Evidence{Measure: "rasa", PDC: 0.6512},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
}

func TestRefillOverdue(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleRefillOverdue)
	tests := []struct {
		name   string
		claims []domain.Claim
		want   []string
	}{
		// Due the day after the supply ends: 2025-06-23, 7 days before the
		// as-of date, which is not more than the shipped 7.
		{"overdue by exactly N days", []domain.Claim{
			rx("1", "lisinopril", "2025-04-24", 30), rx("2", "lisinopril", "2025-05-24", 30)}, nil},
		{"overdue by N+1 days", []domain.Claim{
			rx("1", "lisinopril", "2025-04-23", 30), rx("2", "lisinopril", "2025-05-23", 30)},
			[]string{"refill_overdue:lisinopril"}},
		{"refilled on time", []domain.Claim{
			rx("1", "lisinopril", "2025-05-01", 30), rx("2", "lisinopril", "2025-06-01", 30)}, nil},
		{"one fill is not yet chronic use", []domain.Claim{rx("1", "lisinopril", "2025-04-01", 30)}, nil},
		{"not a maintenance drug", []domain.Claim{
			rx("1", "ibuprofen", "2025-04-01", 30), rx("2", "ibuprofen", "2025-05-01", 10)}, nil},
		{"gap too long: stopped, not missed", []domain.Claim{
			rx("1", "lisinopril", "2025-01-01", 30), rx("2", "lisinopril", "2025-02-01", 30)}, nil},
		{"switched within the class", []domain.Claim{
			rx("1", "atorvastatin", "2025-03-01", 30), rx("2", "atorvastatin", "2025-04-01", 30),
			rx("3", "rosuvastatin", "2025-05-01", 30), rx("4", "rosuvastatin", "2025-06-01", 30)}, nil},
		{"a combination counts for each ingredient", []domain.Claim{
			rx("1", "amlodipine / benazepril", "2025-03-01", 30), rx("2", "amlodipine / benazepril", "2025-04-01", 30)},
			[]string{"refill_overdue:amlodipine", "refill_overdue:benazepril"}},
		{"a reversal cancels the fill", []domain.Claim{
			rx("1", "lisinopril", "2025-04-23", 30), rx("2", "lisinopril", "2025-05-23", 30),
			rx("3", "lisinopril", "2025-06-20", 30), reversed(rx("3", "lisinopril", "2025-06-20", 30))},
			[]string{"refill_overdue:lisinopril"}},
		{"a fill after the as-of date is not seen", []domain.Claim{
			rx("1", "lisinopril", "2025-04-23", 30), rx("2", "lisinopril", "2025-05-23", 30),
			rx("3", "lisinopril", "2025-07-01", 30)},
			[]string{"refill_overdue:lisinopril"}},
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

// An early refill starts the day after the earlier supply runs out (PQA),
// so it moves the due date instead of being lost.
func TestRefillOverdueShiftsEarlyRefills(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleRefillOverdue)
	got := rs.Screen(MemberInput{Claims: []domain.Claim{
		rx("1", "metformin", "2025-04-10", 30), // 04-10..05-09
		rx("2", "metformin", "2025-05-01", 30), // early: 05-10..06-08, due 06-09
	}}, asOf)
	want := []Finding{{
		RuleID: "refill_overdue", RuleSetVersion: "2026.11.1+test", Key: "refill_overdue:metformin",
		Category: Nonadherence, ReasonCode: "SC", Severity: Moderate,
		Description: "Refill of metformin is overdue by 21 days",
		Source:      "Refill gap from the last fill's supply end, PQA coverage counting (domain.md 5.1 [S33])",
		Evidence: Evidence{
			Claims:      []ClaimRef{{ClaimID: "2", FillDate: day("2025-05-01"), GenericName: "metformin", DaysSupply: 30}},
			Ingredients: []string{"metformin"},
			Days:        21,
			From:        day("2025-06-09"),
			To:          asOf,
		},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
}

func TestRefillOverdueSettings(t *testing.T) {
	t.Parallel()
	switched := []domain.Claim{
		rx("1", "atorvastatin", "2025-03-01", 30), rx("2", "atorvastatin", "2025-04-01", 30),
		rx("3", "rosuvastatin", "2025-05-01", 30), rx("4", "rosuvastatin", "2025-06-01", 30),
	}
	tests := []struct {
		name     string
		settings map[string]any
		claims   []domain.Claim
		want     []string
	}{
		{"class switches reported", map[string]any{"ignore_class_switch": false}, switched, []string{"refill_overdue:atorvastatin"}},
		{"a longer grace", map[string]any{"ignore_class_switch": false, "overdue_days": 60, "max_overdue_days": 120}, switched, nil},
		{"one fill is enough", map[string]any{"min_fills": 1}, []domain.Claim{rx("1", "lisinopril", "2025-04-01", 30)},
			[]string{"refill_overdue:lisinopril"}},
		{"a shorter window misses the first fill", map[string]any{"window": 60},
			[]domain.Claim{rx("1", "lisinopril", "2025-04-01", 30), rx("2", "lisinopril", "2025-05-10", 30)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := only(t, map[string]map[string]any{RuleRefillOverdue: tt.settings}, RuleRefillOverdue)
			if diff := cmp.Diff(tt.want, keys(rs.Screen(MemberInput{Claims: tt.claims}, asOf))); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

func reversed(c domain.Claim) domain.Claim {
	c.Reversed = true
	return c
}
