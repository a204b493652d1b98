package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// screenContract holds the screening batch's hand-made contract files.
const screenContract = "../targeting/screening/batch/testdata/contract"

func TestScreenCommand(t *testing.T) {
	t.Parallel()
	in := func(name string) string { return filepath.Join(screenContract, name) }
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "every file", args: []string{"--diagnoses", in("diagnoses.csv")}, want: "want_2025-12-31.jsonl"},
		{name: "plan config and measurement year", args: []string{"--diagnoses", in("diagnoses.csv"),
			"--config", in("plan-rules.yaml"), "--measurement-year", "2025"}, want: "want_plan-rules.jsonl"},
		{name: "claims only", want: "want_claims_only.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"screen", "--as-of", "2025-12-31", "--members", in("members.csv"), "--claims", in("rx_claims.csv")}, tt.args...)
			stdout, stderr, err := execute(t, args...)
			if err != nil {
				t.Fatalf("screen: %v\n%s", err, stderr)
			}
			want, err := os.ReadFile(in(tt.want))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), stdout); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if !strings.Contains(stderr, "screen: 11 members as of 2025-12-31") {
				t.Errorf("stderr lacks the summary:\n%s", stderr)
			}
		})
	}
}

func TestScreenCommandFlags(t *testing.T) {
	t.Parallel()
	members := filepath.Join(screenContract, "members.csv")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"screen"}, "required: --as-of, --members, --claims"},
		{[]string{"screen", "--as-of", "31/12/2025", "--members", "m.csv", "--claims", "c.csv"}, "--as-of: "},
		{[]string{"screen", "--as-of", "2025-12-31", "--members", members, "--claims", filepath.Join(screenContract, "bad.csv")}, "claims: stat "},
		{[]string{"screen", "--as-of", "2025-12-31", "--members", members, "--claims", filepath.Join(screenContract, "rx_claims.csv"),
			"--config", filepath.Join(screenContract, "members.csv")}, "config: not valid YAML"},
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
