package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

func TestAppendBody(t *testing.T) {
	t.Parallel()
	day, _ := civil.Parse("2025-03-04")
	odd := []string{"", "plain", `quote " and \ backslash`, "<b> & </b>", "tab\tnew\nline\r", "\x01\x1f\x7f",
		"café ünïcödé", "line\u2028sep\u2029", "bad \xff utf-8", "emoji 🙂"}
	var evidence []domain.Evidence
	for i, s := range odd {
		evidence = append(evidence, domain.Evidence{Kind: s, ID: odd[len(odd)-1-i], Date: day.AddDays(i), Detail: s + "!"})
	}
	tests := []struct {
		name string
		body determinationBody
	}{
		{"zero", determinationBody{}},
		{"empty slices", determinationBody{Criteria: []domain.Criterion{}, Diseases: []domain.ConditionFound{}}},
		{"full", determinationBody{
			Criteria: []domain.Criterion{
				{Kind: domain.CriterionCoverage, Met: true, Value: 1, Threshold: 1, Detail: "coverage 2025-01-01 to open includes 2025-06-15"},
				{Kind: domain.CriterionAnnualCost, Value: -162300, Threshold: 162300, Evidence: evidence},
				{Kind: domain.CriterionChronicDiseases, Evidence: []domain.Evidence{}},
			},
			Diseases: []domain.ConditionFound{{Disease: "diabetes", Source: domain.SourceBoth}, {Disease: "x<y", Source: "\n"}},
			Drugs:    8,
			Cost:     -1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, err := json.Marshal(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(appendBody(nil, tt.body))); diff != "" {
				t.Errorf("appendBody differs from json.Marshal (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAppendBodyFields fails when a type appendBody writes gains, loses or
// renames a field: appendBody must then change with it.
func TestAppendBodyFields(t *testing.T) {
	t.Parallel()
	fields := func(v any) []string {
		var out []string
		for f := range reflect.TypeOf(v).Fields() {
			out = append(out, f.Name+" "+f.Type.String()+" "+string(f.Tag))
		}
		return out
	}
	want := map[string][]string{
		"determinationBody": {"Criteria []domain.Criterion ", "Diseases []domain.ConditionFound ", "Drugs int ", "Cost int64 "},
		"Criterion": {"Kind string ", "Met bool ", "Value int64 ", "Threshold int64 ", "Detail string ",
			"Evidence []domain.Evidence "},
		"Evidence":       {"Kind string ", "ID string ", "Date civil.Date ", "Detail string "},
		"ConditionFound": {"Disease string ", "Source string "},
	}
	got := map[string][]string{
		"determinationBody": fields(determinationBody{}),
		"Criterion":         fields(domain.Criterion{}),
		"Evidence":          fields(domain.Evidence{}),
		"ConditionFound":    fields(domain.ConditionFound{}),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields changed: update appendBody (body_json.go) and this test (-want +got):\n%s", diff)
	}
}
