package screening

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	got, err := ParseConfig([]byte(`
version: plan-a.1
rules:
  polypharmacy:
    enabled: false
  refill_overdue:
    overdue_days: 14
    window: measurement_year
  therapeutic_duplication:
    except_classes: [statin]
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Version: "plan-a.1", Rules: map[string]map[string]any{
		"polypharmacy":            {"enabled": false},
		"refill_overdue":          {"overdue_days": 14, "window": "measurement_year"},
		"therapeutic_duplication": {"except_classes": []any{"statin"}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseConfig (-want +got):\n%s", diff)
	}
}

func TestParseConfigRejectsLayout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, yaml string
		wantFields []string
	}{
		{"not YAML", "rules: [\n", []string{"config"}},
		{"unknown key", "rulez: {}\n", []string{"rulez"}},
		{"rules not a mapping", "rules: [a, b]\n", []string{"rules"}},
		{"rule not a mapping", "rules:\n  polypharmacy: off\n", []string{"rules.polypharmacy"}},
		{"version not a string", "version: [1]\n", []string{"version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseConfig([]byte(tt.yaml))
			if errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("error %v, want Invalid", err)
			}
			if diff := cmp.Diff(tt.wantFields, violationFields(t, err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

// Bad settings are refused all at once, each under its field, and the
// message never echoes the value.
func TestWithConfigNamesEveryBadField(t *testing.T) {
	t.Parallel()
	rs := shipped(t)
	tests := []struct {
		name       string
		rules      map[string]map[string]any
		version    string
		wantFields []string
	}{
		{"unknown rule", map[string]map[string]any{"made_up": {"enabled": true}}, "", []string{"rules.made_up"}},
		{"unknown setting", map[string]map[string]any{"polypharmacy": {"min_drug": 5}}, "", []string{"rules.polypharmacy.min_drug"}},
		{"shipped-only setting", map[string]map[string]any{"polypharmacy": {"category": "nonadherence", "reason_code": "SC"}}, "",
			[]string{"rules.polypharmacy.category", "rules.polypharmacy.reason_code"}},
		{"out of bounds", map[string]map[string]any{"polypharmacy": {"min_drugs": 1}}, "", []string{"rules.polypharmacy.min_drugs"}},
		{"wrong types", map[string]map[string]any{
			"polypharmacy":   {"enabled": "no", "severity": "urgent", "window": "forever"},
			"adherence_pdc":  {"pdc_threshold": 1.5},
			"refill_overdue": {"overdue_days": 7.5},
		}, "", []string{"rules.adherence_pdc.pdc_threshold", "rules.polypharmacy.enabled", "rules.polypharmacy.severity",
			"rules.polypharmacy.window", "rules.refill_overdue.overdue_days"}},
		{"unknown class and pair", map[string]map[string]any{
			"therapeutic_duplication": {"except_classes": []any{"statin", "statins"}},
			"drug_interaction":        {"disabled_pairs": []any{"warfarin_nsaid", "warfarin_aspirin"}},
		}, "", []string{"rules.drug_interaction.disabled_pairs[1]", "rules.therapeutic_duplication.except_classes[1]"}},
		{"repeated item", map[string]map[string]any{"drug_interaction": {"disabled_pairs": []any{"warfarin_nsaid", "warfarin_nsaid"}}}, "",
			[]string{"rules.drug_interaction.disabled_pairs[1]"}},
		{"inconsistent settings", map[string]map[string]any{
			"statin_use_in_diabetes": {"min_age": 60, "max_age": 50},
			"refill_overdue":         {"overdue_days": 30, "max_overdue_days": 30},
		}, "", []string{"rules.refill_overdue.max_overdue_days", "rules.statin_use_in_diabetes.max_age"}},
		{"bad ICD-10 prefix", map[string]map[string]any{"opioid_benzodiazepine": {"exclude_diagnoses": []any{"C", "d57"}}}, "",
			[]string{"rules.opioid_benzodiazepine.exclude_diagnoses[1]"}},
		{"bad version label", nil, "plan a!", []string{"version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := rs.WithConfig(Config{Version: tt.version, Rules: tt.rules})
			if errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("error %v, want Invalid", err)
			}
			if diff := cmp.Diff(tt.wantFields, violationFields(t, err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), "urgent") || strings.Contains(err.Error(), "warfarin_aspirin") {
				t.Errorf("error %q echoes a value", err)
			}
		})
	}
}

func TestWithConfigVersion(t *testing.T) {
	t.Parallel()
	rs := shipped(t)
	labelled, err := rs.WithConfig(Config{Version: "plan-a.1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := labelled.Version(); got != "2026.11.1+plan-a.1" {
		t.Errorf("labelled version %q", got)
	}
	off := Config{Rules: map[string]map[string]any{"polypharmacy": {"enabled": false}}}
	a, err := rs.WithConfig(off)
	if err != nil {
		t.Fatal(err)
	}
	b, err := rs.WithConfig(off)
	if err != nil {
		t.Fatal(err)
	}
	other, err := rs.WithConfig(Config{Rules: map[string]map[string]any{"polypharmacy": {"min_drugs": 8}}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Version(), "2026.11.1+cfg-") || a.Version() != b.Version() || a.Version() == other.Version() {
		t.Errorf("unlabelled versions %q, %q, %q: want equal for equal settings, different otherwise", a.Version(), b.Version(), other.Version())
	}
	for _, f := range a.Screen(member40(), asOf) {
		if f.RuleSetVersion != a.Version() {
			t.Errorf("%s carries version %q, want %q", f.Key, f.RuleSetVersion, a.Version())
		}
	}
}

// Switching rules off and tuning thresholds changes what comes out, and
// leaves the rule set it started from as it was.
func TestWithConfigSwitchesAndTunes(t *testing.T) {
	t.Parallel()
	rs := shipped(t)
	in := member40()
	before := keys(rs.Screen(in, asOf))

	off, err := rs.WithConfig(Config{Rules: map[string]map[string]any{
		"polypharmacy":          {"enabled": false},
		"high_risk_elderly":     {"enabled": false},
		"drug_interaction":      {"disabled_pairs": []any{"warfarin_nsaid"}},
		"adherence_pdc":         {"pdc_threshold": 0.7},
		"refill_overdue":        {"overdue_days": 60},
		"opioid_benzodiazepine": {"enabled": false},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(off.Screen(in, asOf)); len(got) != 0 {
		t.Errorf("with everything this member triggers switched off or tuned away: %v", got)
	}
	if diff := cmp.Diff(before, keys(rs.Screen(in, asOf))); diff != "" {
		t.Errorf("the shipped rule set changed (-before +after):\n%s", diff)
	}

	severe, err := rs.WithConfig(Config{Rules: map[string]map[string]any{
		"polypharmacy":     {"min_drugs": 4, "severity": "high"},
		"drug_interaction": {"severity": "low"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range severe.Screen(in, asOf) {
		switch f.RuleID {
		case RulePolypharmacy:
			if f.Severity != High || f.Evidence.Count < 10 {
				t.Errorf("polypharmacy finding %+v, want high severity and the peak count", f)
			}
		case RuleDrugInteraction:
			if f.Severity != Low {
				t.Errorf("interaction %s severity %v, want the plan's low", f.Key, f.Severity)
			}
		}
	}
}
