package screening

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// A Screener reused across members gives each the findings a fresh one
// would: nothing of one member leaks into the next.
func TestScreenerReuse(t *testing.T) {
	t.Parallel()
	rs := shipped(t)
	a := member40()
	b := MemberInput{Age: 50, Claims: []domain.Claim{
		rx("1", "warfarin", "2025-06-01", 30), rx("2", "naproxen", "2025-06-10", 10),
		rx("3", "atorvastatin", "2025-05-01", 60), rx("4", "simvastatin", "2025-05-31", 30),
	}}
	empty := MemberInput{Age: 30}
	wantA, wantB := NewScreener(rs).Screen(a, asOf), NewScreener(rs).Screen(b, asOf)
	s := NewScreener(rs)
	for i, tc := range []struct {
		in   MemberInput
		want []Finding
	}{{a, wantA}, {b, wantB}, {empty, nil}, {a, wantA}, {b, wantB}} {
		if diff := cmp.Diff(tc.want, s.Screen(tc.in, asOf)); diff != "" {
			t.Errorf("member %d (-want +got):\n%s", i, diff)
		}
	}
}

// RuleSet.Screen is safe from many goroutines (run with -race).
func TestScreenConcurrently(t *testing.T) {
	t.Parallel()
	rs := shipped(t)
	want := rs.Screen(member40(), asOf)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := rs.Screen(member40(), asOf); !cmp.Equal(want, got) {
					t.Error("concurrent Screen gave different findings")
					return
				}
			}
		})
	}
	wg.Wait()
}

// Claims dated after the as-of date, reversed claims and claims of drugs
// the reference does not know are not screened.
func TestScreenIgnoresWhatItShould(t *testing.T) {
	t.Parallel()
	rs := only(t, nil, RuleDrugInteraction)
	for _, tt := range []struct {
		name   string
		claims []domain.Claim
	}{
		{"after the as-of date", []domain.Claim{rx("1", "warfarin", "2025-06-01", 30), rx("2", "naproxen", "2025-07-01", 10)}},
		{"reversed", []domain.Claim{rx("1", "warfarin", "2025-06-01", 30), rx("2", "naproxen", "2025-06-10", 10),
			reversed(rx("2", "naproxen", "2025-06-10", 10))}},
		{"unknown drug", []domain.Claim{rx("1", "warfarin", "2025-06-01", 30), rx("2", "naproxenum", "2025-06-10", 10)}},
		{"no supply", []domain.Claim{rx("1", "warfarin", "2025-06-01", 30), rx("2", "naproxen", "2025-06-10", 0)}},
	} {
		if got := rs.Screen(MemberInput{Claims: tt.claims}, asOf); got != nil {
			t.Errorf("%s: %v", tt.name, keys(got))
		}
	}
}

func TestAgeOn(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		birth, on string
		want      int
	}{
		{"1960-06-30", "2025-06-30", 65},
		{"1960-07-01", "2025-06-30", 64},
		{"1960-02-29", "2025-02-28", 64},
		{"1960-02-29", "2025-03-01", 65},
		{"2030-01-01", "2025-01-01", 0},
	} {
		if got := AgeOn(day(tt.birth), day(tt.on)); got != tt.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth, tt.on, got, tt.want)
		}
	}
}

// BenchmarkScreen40Claims screens one member with 40 claims (nine
// maintenance drugs refilled monthly, four acute fills) with every shipped
// rule on, reusing one Screener as a batch worker does.
func BenchmarkScreen40Claims(b *testing.B) {
	rs := shipped(b)
	in := member40()
	s := NewScreener(rs)
	b.ReportAllocs()
	for b.Loop() {
		s.Screen(in, asOf)
	}
}

// BenchmarkScreen40ClaimsNoFindings is the same member with the rules that
// fire for it switched off: the cost of screening a member with nothing to
// report, the common case.
func BenchmarkScreen40ClaimsNoFindings(b *testing.B) {
	rs, err := shipped(b).WithConfig(Config{Rules: map[string]map[string]any{
		"high_risk_elderly": {"min_age": 80}, "drug_interaction": {"disabled_pairs": []any{"warfarin_nsaid"}},
		"polypharmacy": {"min_drugs": 20}, "adherence_pdc": {"pdc_threshold": 0.5},
	}})
	if err != nil {
		b.Fatal(err)
	}
	in := member40()
	s := NewScreener(rs)
	if got := s.Screen(in, asOf); got != nil {
		b.Fatalf("findings %v", keys(got))
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Screen(in, asOf)
	}
}

// Findings survive a JSON round trip (the service stores them as JSON),
// with names, not numbers, for categories and severities.
func TestFindingJSON(t *testing.T) {
	t.Parallel()
	want := shipped(t).Screen(member40(), asOf)
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"category":"adverse_drug_reaction","reason_code":"DD","severity":"high"`) {
		t.Errorf("JSON %s lacks the interaction's names", b)
	}
	var got []Finding
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	var sev Severity
	if err := json.Unmarshal([]byte(`"urgent"`), &sev); err == nil {
		t.Error("severity urgent accepted")
	}
}
