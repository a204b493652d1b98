package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// adherenceContract holds the adherence batch's hand-made contract files.
const adherenceContract = "../targeting/adherence/batch/testdata/contract"

func TestAdherenceCommand(t *testing.T) {
	t.Parallel()
	in := func(name string) string { return filepath.Join(adherenceContract, name) }
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "formats.md flags", args: []string{"--diagnoses", in("diagnoses.csv"), "--inpatient-stays", in("inpatient_stays.csv")},
			want: "want_2025.jsonl"},
		{name: "as of", args: []string{"--as-of", "2025-06-30", "--diagnoses", in("diagnoses.csv"), "--inpatient-stays", in("inpatient_stays.csv")},
			want: "want_2025-06-30.jsonl"},
		{name: "claims only", want: "want_2025_claims_only.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"adherence", "--measurement-year", "2025", "--members", in("members.csv"), "--claims", in("rx_claims.csv")}, tt.args...)
			stdout, stderr, err := execute(t, args...)
			if err != nil {
				t.Fatalf("adherence: %v\n%s", err, stderr)
			}
			want, err := os.ReadFile(in(tt.want))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if !strings.Contains(stderr, "adherence: 15 members, measurement year 2025") {
				t.Errorf("stderr lacks the summary:\n%s", stderr)
			}
		})
	}
}

func TestAdherenceCommandFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"adherence"}, "required: --measurement-year, --members, --claims"},
		{[]string{"adherence", "--measurement-year", "2025", "--as-of", "30/06/2025", "--members", "m.csv", "--claims", "c.csv"}, "--as-of: "},
		{[]string{"adherence", "--measurement-year", "2025", "--members", filepath.Join(adherenceContract, "members.csv"),
			"--claims", filepath.Join(adherenceContract, "bad.csv")}, "claims: stat "},
	}
	for _, tt := range tests {
		stdout, _, err := execute(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error = %v, want %q", tt.args, err, tt.want)
		}
		if stdout != "" {
			t.Errorf("%v: stdout = %q", tt.args, stdout)
		}
	}
}
