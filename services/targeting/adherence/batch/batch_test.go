package batch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// contract is the folder of hand-made files covering formats.md's
// `openmtm adherence` contract; members.csv's plan_note column (ignored,
// as unknown columns are) says what each member is there for. Each want
// file's figures are worked out by hand in services/targeting/adherence's
// tests of the same cases.
const contract = "testdata/contract"

func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func contractConfig(t testing.TB) Config {
	return Config{
		Year:      2025,
		Members:   filepath.Join(contract, "members.csv"),
		Claims:    filepath.Join(contract, "rx_claims.csv"),
		Diagnoses: filepath.Join(contract, "diagnoses.csv"),
		Stays:     filepath.Join(contract, "inpatient_stays.csv"),
		Today:     date(t, "2026-01-15"),
		Progress:  -1,
	}
}

func execute(t testing.TB, cfg Config) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = Run(context.Background(), cfg, &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestContractGolden runs the contract files whole and cut into chunks of
// a few rows on several workers: the output must not depend on either.
func TestContractGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{name: "year end", want: "want_2025.jsonl"},
		{name: "as of 30 June", edit: func(c *Config) { c.AsOf = date(t, "2025-06-30") }, want: "want_2025-06-30.jsonl"},
		{name: "as of after the year is the year end", edit: func(c *Config) { c.AsOf = date(t, "2026-03-01") }, want: "want_2025.jsonl"},
		{name: "claims only: no ESRD exclusion, no stay adjustment",
			edit: func(c *Config) { c.Diagnoses, c.Stays = "", "" }, want: "want_2025_claims_only.jsonl"},
	}
	for _, tt := range tests {
		for _, split := range []struct{ workers, chunk int }{{1, 0}, {3, 64}, {2, 200}} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				cfg := contractConfig(t)
				if tt.edit != nil {
					tt.edit(&cfg)
				}
				cfg.Workers, cfg.chunkBytes = split.workers, split.chunk
				got, stderr, err := execute(t, cfg)
				if err != nil {
					t.Fatalf("Run: %v\n%s", err, stderr)
				}
				want, err := os.ReadFile(filepath.Join(contract, tt.want))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), got); diff != "" {
					t.Errorf("workers %d, chunks of %d bytes: stdout (-want +got):\n%s", split.workers, split.chunk, diff)
				}
			})
		}
	}
}

func TestContractSummary(t *testing.T) {
	t.Parallel()
	_, stderr, err := execute(t, contractConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"2 paid claims cancelled by reversals; 2 of those fills of members not in",
		"1 ESRD diagnoses in the year",
		"1 stays in the year, 1 of members not in",
		"15 members, measurement year 2025 as of 2025-12-31; diabetes 1 of 2 adherent (50.0%); rasa 0 of 2 adherent (0.0%); statins 2 of 8 adherent (25.0%)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestBadInput checks that bad settings and bad rows stop the run with a
// clear message naming file, line and column, and nothing on stdout.
func TestBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	goodClaims := filepath.Join(contract, "rx_claims.csv")
	badClaims := write("bad_claims.csv", "claim_id,member_id,fill_date,generic_name,days_supply,total_cost\n"+
		"C1,A01,2025-01-01,atorvastatin,30,1.00\nC2,A01,2025-02-30,atorvastatin,30,1.00\n")
	badStays := write("bad_stays.csv", "member_id,admit_date,discharge_date\nA08,2025-01-10,2025-01-14\nA08,2025-02-10,2025-02-01\n")
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{name: "no year", edit: func(c *Config) { c.Year = 0 }, want: "measurement_year: is required"},
		{name: "as of before the year", edit: func(c *Config) { c.AsOf = date(t, "2024-12-31") }, want: "as_of: must not be before the measurement year"},
		{name: "missing files", edit: func(c *Config) { c.Members, c.Claims = "", "" },
			want: "invalid settings: members: is required; claims: is required"},
		{name: "stays file not found", edit: func(c *Config) { c.Stays = filepath.Join(dir, "none.csv") }, want: "inpatient_stays: stat "},
		{name: "bad claim row", edit: func(c *Config) { c.Claims = badClaims },
			want: "file rejected: " + badClaims + ":3: fill_date: is not a calendar date"},
		{name: "bad stay row", edit: func(c *Config) { c.Stays = badStays },
			want: "file rejected: " + badStays + ":3: discharge_date: must not be before admit_date"},
	}
	for _, tt := range tests {
		for _, chunk := range []int{0, 40} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				cfg := contractConfig(t)
				cfg.Claims = goodClaims
				cfg.chunkBytes, cfg.Workers = chunk, 2
				tt.edit(&cfg)
				stdout, _, err := execute(t, cfg)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("error = %v, want it to contain %q", err, tt.want)
				}
				if stdout != "" {
					t.Errorf("stdout is not empty:\n%s", stdout)
				}
			})
		}
	}
}
