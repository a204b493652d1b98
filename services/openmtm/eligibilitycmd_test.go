package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// contract holds the batch's hand-made contract files.
const contract = "../eligibility/batch/testdata/contract"

func execute(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var out, errOut bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err = root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestEligibilityCommand(t *testing.T) {
	t.Parallel()
	stdout, stderr, err := execute(t, "eligibility", "--contract-year", "2025", "--as-of", "2025-06-30",
		"--members", filepath.Join(contract, "members.csv"), "--claims", filepath.Join(contract, "rx_claims.csv"),
		"--diagnoses", filepath.Join(contract, "diagnoses.csv"))
	if err != nil {
		t.Fatalf("eligibility: %v\n%s", err, stderr)
	}
	want, err := os.ReadFile(filepath.Join(contract, "want_2025.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), stdout); diff != "" {
		t.Errorf("stdout (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr, "8 members under cms/2025 as of 2025-06-30: 3 eligible") {
		t.Errorf("stderr lacks the summary:\n%s", stderr)
	}
}

func TestEligibilityCommandFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"eligibility"}, "required: --contract-year, --as-of, --members, --claims"},
		{[]string{"eligibility", "--contract-year", "2025", "--as-of", "30/06/2025", "--members", "m.csv", "--claims", "c.csv"}, "--as-of: "},
		{[]string{"synth", "--members", "10"}, "required: --out"},
	}
	for _, tt := range tests {
		_, _, err := execute(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want %q", tt.args, err, tt.want)
		}
	}
}

// TestSynthThenEligibility runs the two commands as a demo would, through
// the built binary: bad input must exit non-zero with nothing on stdout.
func TestSynthThenEligibility(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if out, err := exec.Command(binary, "synth", "--members", "300", "--seed", "5", "--out", dir).CombinedOutput(); err != nil {
		t.Fatalf("synth: %v\n%s", err, out)
	}
	args := []string{"eligibility", "--contract-year", "2025", "--as-of", "2025-12-31",
		"--members", filepath.Join(dir, "members.csv"), "--claims", filepath.Join(dir, "rx_claims.csv"),
		"--diagnoses", filepath.Join(dir, "diagnoses.csv")}
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("eligibility: %v\n%s", err, stderr.String())
	}
	if n := strings.Count(stdout.String(), "\n"); n != 300 {
		t.Errorf("eligibility wrote %d lines, want 300", n)
	}

	// A bad cost on the last row: exit 1, the position, nothing on stdout.
	claims := filepath.Join(dir, "rx_claims.csv")
	b, err := os.ReadFile(claims)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, "CBAD,M0000001,2025-06-01,metformin,,30,60,1.234,,,paid\n"...)
	if err := os.WriteFile(claims, b, 0o644); err != nil {
		t.Fatal(err)
	}
	line := bytes.Count(b, []byte{'\n'})
	cmd = exec.Command(binary, args...)
	stdout.Reset()
	stderr.Reset()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
		t.Errorf("eligibility on a bad file: exit %d (%v), want 1", code, err)
	}
	if want := "rx_claims.csv:" + strconv.Itoa(line) + ": total_cost: "; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
}
