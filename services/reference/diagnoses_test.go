package reference_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/reference"
)

func TestEmbeddedDiagnoses(t *testing.T) {
	t.Parallel()
	m := mustDefault(t).Diagnoses
	tests := []struct {
		code string
		want []string
	}{
		{"E11.9", []string{"diabetes"}},
		{"E119", []string{"diabetes"}},
		{"e11.65", []string{"diabetes"}},
		{" E11.65 ", []string{"diabetes"}},
		{"E08.00", []string{"diabetes"}},
		{"E12", nil}, // WHO ICD-10, not ICD-10-CM
		{"I13.0", []string{"chf", "hypertension"}},
		{"I130", []string{"chf", "hypertension"}},
		{"I13.2", []string{"chf", "hypertension"}},
		{"I13.10", []string{"hypertension"}},
		{"I11.0", []string{"chf", "hypertension"}},
		{"I11.9", []string{"hypertension"}},
		{"I10", []string{"hypertension"}},
		{"I50.9", []string{"chf"}},
		{"Z21", []string{"hiv_aids"}},
		{"B20", []string{"hiv_aids"}},
		{"N18.6", []string{"esrd"}},
		{"N18.5", nil},
		{"Z99.2", []string{"esrd"}},
		{"G30.9", []string{"alzheimers"}},
		{"E78.5", []string{"dyslipidemia"}},
		{"M81.0", []string{"bone_disease_arthritis"}},
		{"M17.11", []string{"bone_disease_arthritis"}},
		{"F32.A", []string{"mental_health"}},
		{"F41.1", nil},
		{"J44.9", []string{"respiratory"}},
		{"J45.909", []string{"respiratory"}},
		{"J43.9", []string{"respiratory"}},
		{"J40", nil},
		{"J06.9", nil},
		{"A", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, m.Diseases(tt.code)); diff != "" {
			t.Errorf("Diseases(%q) mismatch (-want +got):\n%s", tt.code, diff)
		}
	}
	var none *reference.DiagnosisMap
	if none.Diseases("E11.9") != nil {
		t.Error("a nil *DiagnosisMap matches")
	}
}

// TestEmbeddedDiagnosesCoverEveryDisease checks each core disease can be
// found from a diagnosis.
func TestEmbeddedDiagnosesCoverEveryDisease(t *testing.T) {
	t.Parallel()
	m := mustDefault(t).Diagnoses
	codes := []string{"G30.9", "M81.0", "I50.9", "E11.9", "E78.5", "N18.6", "B20", "I10", "F33.1", "J44.9"}
	var got []string
	for _, c := range codes {
		got = append(got, m.Diseases(c)...)
	}
	if diff := cmp.Diff(reference.DiseaseKeys, got); diff != "" {
		t.Errorf("diseases found mismatch (-want +got):\n%s", diff)
	}
}

// TestDiagnosesNestedPrefixes: a code gets the diseases of every prefix of
// it in the file, at any depth.
func TestDiagnosesNestedPrefixes(t *testing.T) {
	t.Parallel()
	in := "icd10_prefix,disease,evidence\nI13,hypertension,\nI13.0,chf,\nI1301,esrd,made up for the test\nI13,esrd,\n"
	m, err := reference.LoadDiagnoses(strings.NewReader(in))
	if err != nil {
		t.Fatalf("LoadDiagnoses: %v", err)
	}
	tests := []struct {
		code string
		want []string
	}{
		{"I13", []string{"esrd", "hypertension"}},
		{"I13.1", []string{"esrd", "hypertension"}},
		{"I13.0", []string{"chf", "esrd", "hypertension"}},
		{"I13.01", []string{"chf", "esrd", "hypertension"}},
		{"I13.0123456", []string{"chf", "esrd", "hypertension"}},
		{"I12", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, m.Diseases(tt.code)); diff != "" {
			t.Errorf("Diseases(%q) mismatch (-want +got):\n%s", tt.code, diff)
		}
	}
}

func TestDiagnosesLookupDoesNotAllocate(t *testing.T) {
	m := mustDefault(t).Diagnoses
	allocs := testing.AllocsPerRun(100, func() {
		m.Diseases("i13.0")
		m.Diseases("Z00.00")
	})
	if allocs != 0 {
		t.Errorf("Diseases allocates %v times per call, want 0", allocs)
	}
}

// BenchmarkDiagnosesLookup measures Diseases over a mix of matching and
// unrelated codes, as a batch run meets them.
func BenchmarkDiagnosesLookup(b *testing.B) {
	m := mustDefault(b).Diagnoses
	codes := []string{"E11.9", "I10", "Z00.00", "I13.0", "J44.9", "M17.11", "R05.9", "F32.A", "N18.6", "K21.9"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Diseases(codes[i%len(codes)])
		i++
	}
}
