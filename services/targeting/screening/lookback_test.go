package screening

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLookbackAndDiagnosisPrefixes checks what a batch may drop: the
// look-back is the longest window of the enabled rules (a measurement year
// counting 366 days), and the diagnosis prefixes are those of the enabled
// rules and interaction pairs.
func TestLookbackAndDiagnosisPrefixes(t *testing.T) {
	t.Parallel()
	rs := shipped(t)
	if got := rs.Lookback(); got != 366 {
		t.Errorf("shipped Lookback() = %d, want 366 (measurement_year windows)", got)
	}
	prefixes := rs.DiagnosisPrefixes()
	for _, want := range []string{"N186", "R7303", "C", "D57", "N183"} {
		if !slices.Contains(prefixes, want) {
			t.Errorf("shipped DiagnosisPrefixes() lacks %s: %v", want, prefixes)
		}
	}
	short := only(t, map[string]map[string]any{
		"polypharmacy":     {"window": 45},
		"drug_interaction": {"window": 30, "disabled_pairs": []any{"ras_inhibitor_potassium_sparing_ckd"}},
	}, RulePolypharmacy, RuleDrugInteraction)
	if got := short.Lookback(); got != 45 {
		t.Errorf("Lookback() = %d, want 45", got)
	}
	if diff := cmp.Diff([]string(nil), short.DiagnosisPrefixes()); diff != "" {
		t.Errorf("DiagnosisPrefixes() with the CKD pair off (-want +got):\n%s", diff)
	}
	cob := only(t, nil, RuleOpioidBenzodiazepine)
	if diff := cmp.Diff([]string{"C", "D57"}, cob.DiagnosisPrefixes()); diff != "" {
		t.Errorf("DiagnosisPrefixes() of COB alone (-want +got):\n%s", diff)
	}
}
