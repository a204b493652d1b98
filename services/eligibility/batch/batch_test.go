package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// contract is the folder of hand-made files that cover formats.md's batch
// contract; members.csv's plan_note column (ignored, as unknown columns
// are) says what each member is there for.
const contract = "testdata/contract"

func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// contractConfig is a run over the contract files as of 2025-06-30.
func contractConfig(t testing.TB, year int) Config {
	return Config{
		ContractYear: year,
		AsOf:         date(t, "2025-06-30"),
		Members:      filepath.Join(contract, "members.csv"),
		Claims:       filepath.Join(contract, "rx_claims.csv"),
		Diagnoses:    filepath.Join(contract, "diagnoses.csv"),
		Today:        date(t, "2026-01-15"),
		Progress:     -1,
	}
}

func run(t testing.TB, cfg Config) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = Run(context.Background(), cfg, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestContractGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		year  int
		rules string
		want  string
	}{
		// CY2025: 10 core diseases, 3 diseases, 8 drugs, $1,623.
		{"cms 2025", 2025, "", "want_2025.jsonl"},
		// CY2024: no hiv_aids, $5,330: M030 misses the cost, M020 is DMP only.
		{"cms 2024", 2024, "", "want_2024.jsonl"},
		// 2 diseases, 2 drugs, $1,500: M080 qualifies.
		{"plan rules", 2025, "rules.yaml", "want_rules.jsonl"},
	}
	for _, tt := range tests {
		// Default chunks (one per file), and chunks so small that every few
		// rows, quoted fields with commas and newlines included, cross a
		// boundary, on one and on four workers.
		for _, split := range []struct{ chunk, workers int }{{0, 0}, {40, 1}, {97, 4}} {
			t.Run(fmt.Sprintf("%s/chunk=%d/workers=%d", tt.name, split.chunk, split.workers), func(t *testing.T) {
				t.Parallel()
				cfg := contractConfig(t, tt.year)
				cfg.chunkBytes, cfg.Workers = split.chunk, split.workers
				if tt.rules != "" {
					cfg.Rules = filepath.Join(contract, tt.rules)
				}
				got, stderr, err := run(t, cfg)
				if err != nil {
					t.Fatalf("Run: %v\nstderr:\n%s", err, stderr)
				}
				want, err := os.ReadFile(filepath.Join(contract, tt.want))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
					t.Errorf("stdout (-want +got), chunks of %d bytes:\n%s", split.chunk, diff)
				}
				for _, s := range []string{
					"2 reversals, 2 paid claims they cancel, 1 claims of members not in",
					"diagnoses: 7 rows", "1 of members not in",
					"8 members under ",
				} {
					if !strings.Contains(stderr, s) {
						t.Errorf("stderr lacks %q:\n%s", s, stderr)
					}
				}
			})
		}
	}
}

// TestContractKeys checks every line against formats.md's keys, in its
// order, with targeting_reason exactly when eligible.
func TestContractKeys(t *testing.T) {
	t.Parallel()
	got, _, err := run(t, contractConfig(t, 2025))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 8 {
		t.Fatalf("got %d lines, want one per member (8)", len(lines))
	}
	for _, line := range lines {
		keys, eligible := topKeys(t, line)
		want := []string{"member_id", "eligible", "chronic_diseases", "maintenance_drug_count", "projected_annual_cost", "dmp_at_risk"}
		if eligible {
			want = []string{"member_id", "eligible", "targeting_reason", "chronic_diseases", "maintenance_drug_count", "projected_annual_cost", "dmp_at_risk"}
		}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Errorf("keys of %s (-want +got):\n%s", line, diff)
		}
	}
}

// topKeys returns the keys of a JSON object in order, and its eligible.
func topKeys(t *testing.T, line string) ([]string, bool) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s: not an object: %v", line, err)
	}
	var keys []string
	eligible := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		key := tok.(string)
		keys = append(keys, key)
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if key == "eligible" {
			eligible = v.(bool)
		}
	}
	return keys, eligible
}

func TestParseOnly(t *testing.T) {
	t.Parallel()
	cfg := contractConfig(t, 2025)
	cfg.ParseOnly = true
	got, stderr, err := run(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got != "" {
		t.Errorf("stdout = %q, want nothing", got)
	}
	if !strings.Contains(stderr, "parsed 43 rows") { // 8 members, 28 claims, 7 diagnoses
		t.Errorf("stderr lacks the row count:\n%s", stderr)
	}
}

func TestCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := Run(ctx, contractConfig(t, 2025), &out, &bytes.Buffer{})
	if err != context.Canceled {
		t.Errorf("Run on a cancelled context = %v, want context.Canceled", err)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", out.String())
	}
}
