package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/openmtm/internal/apitest"
	"github.com/openmtm/openmtm/services/openmtm/suite"
	"github.com/openmtm/openmtm/services/platform/logging"
)

// TestImportCommand runs `openmtm import` against a running suite: members,
// claims and diagnoses go in, a summary per file comes out (plain lines,
// since stderr is not a terminal), and a bad file fails the command naming
// file, line and column.
func TestImportCommand(t *testing.T) {
	t.Parallel()
	key := apitest.BootstrapKey(t)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := suite.Start(ctx, suite.Config{DataDir: t.TempDir(), Services: []string{"eligibility"},
		GRPCAddr: "127.0.0.1:0", BootstrapKey: key}, logging.New(io.Discard, 0))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	members := write("members.csv", "member_id,first_name,last_name,birth_date,coverage_start\nM1,A,B,1950-01-01,2025-01-01\n")
	claims := write("rx_claims.csv", "claim_id,member_id,fill_date,generic_name,days_supply,total_cost\n"+
		"C1,M1,2025-03-01,metformin,30,4.00\nC1,M1,2025-03-01,metformin,30,4.00\n")
	bad := write("bad.csv", "claim_id,member_id,fill_date,generic_name,days_supply,total_cost\nC2,M1,2025-02-30,metformin,30,4.00\n")

	run := func(args ...string) (string, error) {
		cmd := exec.Command(binary, append([]string{"import", "--server", p.GRPCAddr(), "--plan", "acme"}, args...)...)
		cmd.Env = append(os.Environ(), "OPENMTM_KEY="+key)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("--members", members, "--claims", claims)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{
		"members.csv: read 1, stored 1",
		"rx_claims.csv: read 2, stored 1, unchanged 1",
		"rows/s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = run("--claims", bad)
	if err == nil || !strings.Contains(out, "bad.csv:2:fill_date") {
		t.Errorf("bad file: err %v, output:\n%s\nwant a failure naming bad.csv:2:fill_date", err, out)
	}
	// The same file again changes nothing.
	out, err = run("--members", members)
	if err != nil || !strings.Contains(out, "members.csv: read 1, stored 0, unchanged 1") {
		t.Errorf("re-import: %v\n%s", err, out)
	}
}
