package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openmtm/openmtm/services/openmtm/internal/apitest"
	"github.com/openmtm/openmtm/services/openmtm/suite"
	"github.com/openmtm/openmtm/services/platform/logging"
)

// TestImportInpatientStays: inpatient_stays.csv goes in through `openmtm
// import --inpatient-stays` and through its REST upload route, a bad file
// is rejected naming file, line and column, and the stays read back over
// REST, alone and in the member records stream.
func TestImportInpatientStays(t *testing.T) {
	t.Parallel()
	key := apitest.BootstrapKey(t)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := suite.Start(ctx, suite.Config{DataDir: t.TempDir(), Services: []string{"eligibility"}, Gateway: true,
		HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", BootstrapKey: key}, logging.New(io.Discard, 0))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	c := apitest.New(p.HTTPAddr())
	c.WaitReady(t, 30*time.Second)

	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const staysCSV = "member_id,admit_date,discharge_date\nM1,2025-01-10,2025-01-14\nM1,2025-03-01,2025-03-02\n"
	members := write("members.csv", "member_id,first_name,last_name,birth_date,coverage_start\nM1,A,B,1950-01-01,2025-01-01\n")
	stays := write("inpatient_stays.csv", staysCSV)
	cmd := exec.Command(binary, "import", "--server", p.GRPCAddr(), "--plan", "acme", "--members", members, "--inpatient-stays", stays)
	cmd.Env = append(os.Environ(), "OPENMTM_KEY="+key)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "inpatient_stays.csv: read 2, stored 2") {
		t.Fatalf("import: %v\n%s", err, out)
	}

	post := func(path, body string) (int, string) {
		req, err := http.NewRequest(http.MethodPost, c.BaseURL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "text/csv")
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	// The same file over REST changes nothing.
	code, body := post("/v1/plans/acme/inpatientStays:import", staysCSV)
	var sum struct {
		Unchanged string `json:"rows_unchanged"`
	}
	if err := json.Unmarshal([]byte(body), &sum); code != http.StatusOK || err != nil || sum.Unchanged != "2" {
		t.Errorf("REST re-import: %d %s", code, body)
	}
	if code, body := post("/v1/plans/acme/inpatientStays:import", "member_id,admit_date,discharge_date\nM1,2025-02-10,2025-02-01\n"); code != http.StatusBadRequest ||
		!strings.Contains(body, "inpatient_stays.csv:2:discharge_date") {
		t.Errorf("bad file: %d %s, want 400 naming inpatient_stays.csv:2:discharge_date", code, body)
	}

	r := c.Do(t, http.MethodGet, "/v1/plans/acme/members/M1/inpatientStays", key, nil).Want(t, http.StatusOK)
	var listed struct {
		InpatientStays []struct {
			AdmitDate struct{ Month, Day int } `json:"admit_date"`
		} `json:"inpatient_stays"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &listed); err != nil || len(listed.InpatientStays) != 2 ||
		listed.InpatientStays[0].AdmitDate.Month != 3 || listed.InpatientStays[1].AdmitDate.Day != 10 {
		t.Errorf("stays, newest first: %s (%v)", r.Raw, err)
	}

	// The records stream over REST: one JSON object per member.
	r = c.Do(t, http.MethodPost, "/v1/plans/acme/memberRecords:stream", key, map[string]any{}).Want(t, http.StatusOK)
	var lines []string
	for sc := bufio.NewScanner(strings.NewReader(r.Raw)); sc.Scan(); {
		lines = append(lines, sc.Text())
	}
	var first struct {
		Result struct {
			Member struct {
				MemberID string `json:"member_id"`
			} `json:"member"`
			InpatientStays []any `json:"inpatient_stays"`
		} `json:"result"`
	}
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &first) != nil ||
		first.Result.Member.MemberID != "M1" || len(first.Result.InpatientStays) != 2 {
		t.Errorf("records stream: %s", r.Raw)
	}
}
