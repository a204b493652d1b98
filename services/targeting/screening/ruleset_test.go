package screening

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
)

func TestShippedRulesLoad(t *testing.T) {
	t.Parallel()
	rs := shipped(t)
	if got := rs.Version(); got != "2026.11.1" {
		t.Errorf("Version() = %q, want 2026.11.1", got)
	}
	for _, id := range RuleIDs() {
		if !rs.Enabled(id) {
			t.Errorf("shipped rule %s is off", id)
		}
	}
	if rs.Enabled("no_such_rule") {
		t.Error("Enabled(no_such_rule) = true")
	}
	want := []string{"adherence_pdc", "refill_overdue", "therapeutic_duplication", "statin_use_in_diabetes",
		"opioid_benzodiazepine", "high_risk_elderly", "drug_interaction", "polypharmacy"}
	if diff := cmp.Diff(want, RuleIDs()); diff != "" {
		t.Errorf("RuleIDs() (-want +got):\n%s", diff)
	}
}

// Every finding of every rule carries the rule, the rule-set version, a
// category, an NCPDP code, a severity, a source and a description without
// the member's claim ids or dates.
func TestEveryFindingIsComplete(t *testing.T) {
	t.Parallel()
	rs := shipped(t)
	in := member40()
	in.Claims = append(in.Claims,
		rx("X1", "simvastatin", "2025-06-01", 30), rx("X2", "clarithromycin", "2025-06-10", 10),
		rx("X3", "oxycodone", "2025-05-01", 30), rx("X4", "oxycodone", "2025-06-01", 30),
		rx("X5", "alprazolam", "2025-05-01", 30), rx("X6", "alprazolam", "2025-06-01", 30),
		rx("X7", "glipizide", "2025-03-01", 30), rx("X8", "glipizide", "2025-04-01", 30),
		rx("X9", "escitalopram", "2025-05-01", 60),
		rx("X10", "donepezil", "2025-03-01", 30), rx("X11", "donepezil", "2025-04-01", 30))
	in.Age = 70
	got := rs.Screen(in, asOf)
	seen := map[string]bool{}
	for _, f := range got {
		seen[f.RuleID] = true
		switch {
		case f.RuleSetVersion != rs.Version():
			t.Errorf("%s: version %q, want %q", f.Key, f.RuleSetVersion, rs.Version())
		case !strings.HasPrefix(f.Key, f.RuleID+":"):
			t.Errorf("%s: key does not start with the rule id %s", f.Key, f.RuleID)
		case f.Category == 0, f.Severity == 0, len(f.ReasonCode) != 2, f.Source == "", f.Description == "":
			t.Errorf("%s: incomplete finding %+v", f.Key, f)
		}
		for _, c := range in.Claims {
			if strings.Contains(f.Description, c.ClaimID) || strings.Contains(f.Description, c.FillDate.String()) {
				t.Errorf("%s: description %q names a claim id or a date", f.Key, f.Description)
			}
		}
	}
	for _, id := range RuleIDs() {
		if id != RuleStatinUseInDiabetes && !seen[id] { // this member has a statin
			t.Errorf("no finding of rule %s", id)
		}
	}
}

func TestParseRejectsBadRulesFiles(t *testing.T) {
	t.Parallel()
	ref, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	base := string(ShippedRules())
	tests := []struct {
		name       string
		edit       func(string) string
		wantFields []string
	}{
		{"no version", func(s string) string { return strings.Replace(s, `version: "2026.11.1"`, "", 1) }, []string{"version"}},
		{"missing setting", func(s string) string { return strings.Replace(s, "    min_drugs: 10", "", 1) },
			[]string{"rules.polypharmacy.min_drugs"}},
		{"unknown setting", func(s string) string {
			return strings.Replace(s, "    min_drugs: 10", "    min_drugs: 10\n    max_drugs: 20", 1)
		}, []string{"rules.polypharmacy.max_drugs"}},
		{"bad category", func(s string) string {
			return strings.Replace(s, "category: unnecessary_drug_therapy\n    reason_code: SR", "category: polypharmacy\n    reason_code: SR", 1)
		}, []string{"rules.polypharmacy.category"}},
		{"bad reason code", func(s string) string { return strings.Replace(s, "reason_code: SR", "reason_code: ZZ", 1) },
			[]string{"rules.polypharmacy.reason_code"}},
		{"unknown rule", func(s string) string {
			return strings.Replace(s, "\nrules:\n", "\nrules:\n  made_up:\n    enabled: true\n", 1)
		}, []string{"rules.made_up"}},
		{"unknown interaction drug", func(s string) string {
			return strings.Replace(s, "a: {ingredients: [warfarin]}", "a: {ingredients: [warfarine]}", 1)
		}, []string{"interactions[0].a.ingredients[0]"}},
		{"unknown class", func(s string) string {
			return strings.Replace(s, "opioid_classes: [opioid]", "opioid_classes: [opiates]", 1)
		},
			[]string{"rules.opioid_benzodiazepine.opioid_classes[0]"}},
		{"interaction without source", func(s string) string { return strings.Replace(s, `source: "[M1]"`, "", 1) },
			[]string{"interactions[5].source"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tt.edit(base)), ref.Drugs)
			if errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("Parse error %v, want an Invalid error", err)
			}
			if diff := cmp.Diff(tt.wantFields, violationFields(t, err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Parse([]byte("version: [\n"), ref.Drugs); errs.KindOf(err) != errs.KindInvalid {
		t.Errorf("Parse(bad YAML) = %v, want Invalid", err)
	}
	if _, err := Parse(ShippedRules(), nil); err == nil {
		t.Error("Parse without a drug reference succeeded")
	}
}

// A plan's drug reference that lacks a class the rules name is refused
// with the field, not silently screened without it.
func TestParseAgainstAnotherReference(t *testing.T) {
	t.Parallel()
	drugs, err := reference.LoadDrugs(strings.NewReader(
		"ingredient,classes,maintenance,diseases,value_sets,beers\nwarfarin,anticoagulant,Y,,,Y\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Parse(ShippedRules(), drugs)
	fields := violationFields(t, err)
	if len(fields) == 0 || fields[0] != "interactions[0].b.classes[0]" {
		t.Errorf("fields %v, want the first pair's NSAID class first", fields)
	}
}

// Every source a rule or an interaction pair cites ("[L3]") is listed in
// the rules file's header, and every listed source is cited; [S#] are
// domain.md's own source keys.
func TestShippedSourcesAreListed(t *testing.T) {
	t.Parallel()
	text := string(ShippedRules())
	header := text[:strings.Index(text, "\nversion:")]
	body := text[len(header):]
	cite := regexp.MustCompile(`\[([A-Z]\d+)\]`)
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^# (\[[A-Z]\d+\])`).FindAllStringSubmatch(header, -1) {
		if k := strings.Trim(m[1], "[]"); !strings.HasPrefix(k, "S") {
			listed[k] = true
		}
	}
	cited := map[string]bool{}
	for _, m := range cite.FindAllStringSubmatch(body, -1) {
		if strings.HasPrefix(m[1], "S") {
			continue // domain.md's source key
		}
		cited[m[1]] = true
		if !listed[m[1]] {
			t.Errorf("source [%s] is cited but not listed in the header", m[1])
		}
	}
	for k := range listed {
		if !cited[k] {
			t.Errorf("source [%s] is listed but never cited", k)
		}
	}
	if len(listed) < 5 {
		t.Errorf("only %d sources listed", len(listed))
	}
}
