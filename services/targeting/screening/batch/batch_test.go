package batch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/reference"
)

// contract is the folder of hand-made files covering the `openmtm screen`
// contract (services/README.md); members.csv's plan_note column (ignored,
// as unknown columns are) says what each member is there for, and the
// want files hold what each case works out to by hand:
//   - S01: atorvastatin 1 Aug, 1 Sep, 1 Oct, 30 days each: supply runs out
//     on 31 Oct, 61 days before 31 Dec (more than 7, at most 90): overdue,
//     naming the last fill (its id quoted and padded in the file);
//     statins PDC 90 covered of 153 days (1 Aug-31 Dec) = 0.5882 < 0.8.
//   - S02: sertraline 1 Oct for 90 days (to 29 Dec), escitalopram 1 Nov
//     for 60 (to 30 Dec): two SSRIs on 59 days (1 Nov-29 Dec) ≥ 30.
//   - S03: aged 60, metformin on 1 Sep and (by NDC) 1 Dec, no statin: SUPD;
//     diabetes PDC 121 of 122 days (30 Nov uncovered) = 0.9918: adherent.
//   - S04: as S03 with prediabetes (R73.03) in the year: excluded from SUPD.
//   - S05: aged 45, oxycodone 1 Nov and 21 Nov, 20 days each (40 days,
//     2 dates), alprazolam 1 Nov and 1 Dec for 30: both on 1 Nov-10 Dec,
//     40 days ≥ 30: COB; the evidence lists the four fills in file order.
//   - S06: aged 70, zolpidem 15 Sep and 15 Nov in the 180-day window (from
//     5 Jul); 1 May is before it and 1 Dec is reversed at the file's end.
//   - S07: in hospice: every rule skips them.
//   - S08: lisinopril 1 Oct for 90 days, spironolactone 15 Oct: 76 days
//     together (15 Oct-29 Dec); CKD in the window: N18.5 (10 Sep) is the
//     first in file order, before N18.4 (20 Aug); N18.3 (1 Feb) is outside.
//   - S09: nine claims on 1 Dec, amlodipine/benazepril counting twice: ten
//     maintenance drugs that day ≥ 10.
//   - S10: atorvastatin 20 Dec 2024 for 300 days runs out on 16 Oct 2025,
//     so the 1 Sep and 1 Oct refills push the due date to 15 Dec: overdue
//     16 days (without it: 61); the fill of 1 Nov 2024 ends before the
//     look-back, the one of 5 Jan 2026 is after the as-of date, and
//     unobtainium is no drug; statins PDC 60 of 122 days (index 1 Sep) =
//     0.4918.
//   - S11: no claims; X99: claims and diagnoses of nobody in members.csv.
//
// plan-rules.yaml switches Beers off, polypharmacy to 9 drugs and overdue
// to more than 20 days: S06's and S10's overdue findings go, S09's says
// threshold 9, and every finding carries version 2026.11.1+plan-a.
// Without diagnoses.csv S04 is not excluded from SUPD and S08 has no CKD.
const contract = "testdata/contract"

func contractConfig(t testing.TB) Config {
	return Config{
		AsOf:      date(t, "2025-12-31"),
		Members:   filepath.Join(contract, "members.csv"),
		Claims:    filepath.Join(contract, "rx_claims.csv"),
		Diagnoses: filepath.Join(contract, "diagnoses.csv"),
		Today:     date(t, "2026-01-15"),
		Progress:  -1,
	}
}

// TestContractGolden runs the contract files whole and cut into chunks of
// a few rows on several workers, and with Windows line ends: the output
// must depend on none of it.
func TestContractGolden(t *testing.T) {
	t.Parallel()
	crlf := filepath.Join(t.TempDir(), "rx_claims.csv")
	b, err := os.ReadFile(filepath.Join(contract, "rx_claims.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(crlf, []byte(strings.ReplaceAll(string(b), "\n", "\r\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	// The shipped files loaded as a plan's would be: the rules are parsed
	// against them rather than taken from screening.Load.
	ref, err := reference.Load("../../../reference/data")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{name: "shipped rules", want: "want_2025-12-31.jsonl"},
		{name: "measurement year given", edit: func(c *Config) { c.Year = 2025 }, want: "want_2025-12-31.jsonl"},
		{name: "CRLF claims", edit: func(c *Config) { c.Claims = crlf }, want: "want_2025-12-31.jsonl"},
		{name: "reference from files", edit: func(c *Config) { c.Reference = ref }, want: "want_2025-12-31.jsonl"},
		{name: "plan config", edit: func(c *Config) { c.Rules = filepath.Join(contract, "plan-rules.yaml") }, want: "want_plan-rules.jsonl"},
		{name: "claims only", edit: func(c *Config) { c.Diagnoses = "" }, want: "want_claims_only.jsonl"},
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
		// 39 rows: X99's, the reversal row, S10's rows before the look-back,
		// after the as-of date and of no drug, and the reversed S06 fill
		// are not kept.
		"32 claims kept (in the 366-day look-back, or in a PDC); 1 paid claims cancelled by reversals; 1 of those claims of members not in",
		// R73.03 and S08's three N18 codes; not E11.9, nor X99's.
		"4 diagnoses kept (codes a rule looks for, in the look-back), 0 ESRD diagnoses in the measurement year; 1 of members not in",
		"10 findings, 14 claim ids read back",
		"11 members as of 2025-12-31 under rules 2026.11.1: 10 findings for 8 members, adherence_pdc 2, refill_overdue 2",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestParseOnly(t *testing.T) {
	t.Parallel()
	cfg := contractConfig(t)
	cfg.ParseOnly = true
	stdout, stderr, err := execute(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "" || !strings.Contains(stderr, "parsed 56 rows, screened nothing (--parse-only)") {
		t.Errorf("stdout %q, stderr:\n%s", stdout, stderr)
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
	badClaims := write("bad_claims.csv", "claim_id,member_id,fill_date,generic_name,days_supply,total_cost\n"+
		"C1,S01,2025-01-01,atorvastatin,30,1.00\nC2,S01,2025-02-01,atorvastatin,0,1.00\n")
	badDiagnoses := write("bad_diagnoses.csv", "member_id,icd10,service_date\nS08,N18.4,2025-08-20\nS08,N18.4,2025-13-01\n")
	twice := write("twice.csv", "member_id,first_name,last_name,birth_date,coverage_start\n"+
		"S01,A,B,1970-05-01,2020-01-01\nS02,C,D,1975-07-09,2020-01-01\nS01,E,F,1970-05-01,2020-01-01\n")
	badYAML := write("bad.yaml", "rules: [\n")
	badRule := write("bad_rule.yaml", "rules:\n  polypharmacy: {min_drugs: 1}\n  no_such_rule: {enabled: false}\n")
	noClaimID := write("no_claim_id.csv", "member_id,fill_date,generic_name,days_supply,total_cost\nS01,2025-01-01,atorvastatin,30,1.00\n")
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{name: "no as-of", edit: func(c *Config) { c.AsOf = 0 }, want: "as_of: is required"},
		{name: "measurement year after the as-of date", edit: func(c *Config) { c.Year = 2026 },
			want: "measurement_year: must be the as-of date's year or one of the 100 years before it"},
		{name: "missing files", edit: func(c *Config) { c.Members, c.Claims = "", "" },
			want: "invalid settings: members: is required; claims: is required"},
		{name: "claims file not found", edit: func(c *Config) { c.Claims = filepath.Join(dir, "none.csv") }, want: "claims: stat "},
		{name: "claims is a folder", edit: func(c *Config) { c.Claims = dir }, want: "is a folder, not a CSV file"},
		{name: "bad claim row", edit: func(c *Config) { c.Claims = badClaims },
			want: "file rejected: " + badClaims + ":3: days_supply: must be a whole number of days from 1 to 365"},
		{name: "no claim_id column", edit: func(c *Config) { c.Claims = noClaimID }, want: "claim_id"},
		{name: "bad diagnosis row", edit: func(c *Config) { c.Diagnoses = badDiagnoses },
			want: "file rejected: " + badDiagnoses + ":3: service_date"},
		{name: "repeated member", edit: func(c *Config) { c.Members = twice },
			want: twice + ":4: member_id: repeats the member_id of line 2"},
		{name: "config not found", edit: func(c *Config) { c.Rules = filepath.Join(dir, "none.yaml") }, want: "config: open "},
		{name: "config not YAML", edit: func(c *Config) { c.Rules = badYAML }, want: badYAML + ": invalid argument: config: not valid YAML"},
		{name: "config with bad settings", edit: func(c *Config) { c.Rules = badRule },
			want: badRule + ": invalid config: rules.no_such_rule: unknown rule (known: adherence_pdc, "},
	}
	for _, tt := range tests {
		for _, chunk := range []int{0, 40} {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				cfg := contractConfig(t)
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
