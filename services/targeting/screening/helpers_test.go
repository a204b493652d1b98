package screening

import (
	"errors"
	"fmt"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// asOf is the as-of date of the tests unless a case says otherwise.
var asOf = day("2025-06-30")

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// rx is a paid claim: id, generic name, fill date, days of supply.
func rx(id, generic, fill string, days int32) domain.Claim {
	return domain.Claim{ClaimID: id, MemberID: "M1", GenericName: generic, FillDate: day(fill), DaysSupply: days, TotalCost: 1000}
}

// dx is a diagnosis.
func dx(code, date string) domain.Diagnosis {
	return domain.Diagnosis{MemberID: "M1", ICD10: code, ServiceDate: day(date)}
}

// only returns the shipped rules with every rule but ids switched off,
// and settings applied on top, so that a test sees one rule's findings.
func only(t *testing.T, settings map[string]map[string]any, ids ...string) *RuleSet {
	t.Helper()
	cfg := Config{Version: "test", Rules: map[string]map[string]any{}}
	for _, id := range RuleIDs() {
		on := false
		for _, want := range ids {
			on = on || want == id
		}
		cfg.Rules[id] = map[string]any{"enabled": on}
		for k, v := range settings[id] {
			cfg.Rules[id][k] = v
		}
	}
	rs := shipped(t)
	out, err := rs.WithConfig(cfg)
	if err != nil {
		t.Fatalf("WithConfig: %v", err)
	}
	return out
}

func shipped(t testing.TB) *RuleSet {
	t.Helper()
	rs, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return rs
}

// keys returns the findings' keys, the shape most cases compare.
func keys(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Key)
	}
	return out
}

// violationFields returns the fields an Invalid error names.
func violationFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got nil")
	}
	var fields []string
	e := asErrsError(err)
	if e == nil {
		t.Fatalf("want an *errs.Error, got %T: %v", err, err)
	}
	for _, v := range e.Violations {
		fields = append(fields, v.Field)
	}
	return fields
}

// member40 is a realistic member for the benchmark and the smoke cases:
// 40 claims over six months, a dozen maintenance drugs refilled monthly,
// a few acute fills.
func member40() MemberInput {
	drugs := []string{"atorvastatin", "lisinopril", "metformin", "amlodipine", "metoprolol",
		"levothyroxine", "omeprazole", "sertraline", "gabapentin"}
	var claims []domain.Claim
	n := 0
	for m := 1; m <= 4; m++ {
		for _, g := range drugs {
			n++
			claims = append(claims, rx(fmt.Sprintf("C%02d", n), g, fmt.Sprintf("2025-%02d-%02d", m+2, 1+n%9), 30))
		}
	}
	claims = append(claims,
		rx("C91", "ibuprofen", "2025-05-20", 20),
		rx("C92", "warfarin", "2025-05-01", 90),
		rx("C93", "amoxicillin / clavulanate", "2025-04-02", 10),
		rx("C94", "hydrocodone / acetaminophen", "2025-06-01", 10),
	)
	return MemberInput{Age: 72, Claims: claims, PDC: map[string]float64{"statins": 0.91, "rasa": 0.75}}
}

func asErrsError(err error) *errs.Error {
	var e *errs.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
