package batch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badCopy copies the contract files into a new folder, replacing old with
// new in file name, and returns the folder and the line new starts on.
func badCopy(t *testing.T, name, old, new string) (dir string, line int) {
	t.Helper()
	dir = t.TempDir()
	for _, f := range []string{"members.csv", "rx_claims.csv", "diagnoses.csv", "rules.yaml"} {
		b, err := os.ReadFile(filepath.Join(contract, f))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if f == name {
			i := strings.Index(s, old)
			if i < 0 {
				t.Fatalf("%s has no %q", name, old)
			}
			line = strings.Count(s[:i], "\n") + 1
			s = s[:i] + new + s[i+len(old):]
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, line
}

// TestBadInput checks that bad input stops the run with the file, line,
// column and problem, and nothing on stdout, whether the file is read in
// one chunk or in many (a failed chunk is re-read in one piece, so the
// line is the file's, and the first problem is the file's first).
func TestBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, old, new string
		// want are substrings of the error; {line} is the line of new.
		want []string
	}{
		{name: "bad birth date after a quoted newline", file: "members.csv",
			old: "1961-06-30", new: "1961-13-30",
			want: []string{"members.csv:{line}: birth_date: "}},
		{name: "bad flag", file: "members.csv",
			old: "M080,Harold,Specimen,1952-08-08,M,2025-01-01,,N", new: "M080,Harold,Specimen,1952-08-08,M,2025-01-01,,maybe",
			want: []string{"members.csv:{line}: ltc: must be Y or N"}},
		{name: "repeated member id", file: "members.csv",
			old: "M080,", new: "M030,",
			want: []string{"members.csv:{line}: member_id: repeats the member_id of line 2"}},
		{name: "first problem wins over a later repeat", file: "members.csv",
			old: "M050,Carmen,Mockton,1955-12-31", new: "M030,Carmen,Mockton,1955-02-31",
			want: []string{"members.csv:{line}: birth_date: "}},
		{name: "no header", file: "members.csv",
			old: "member_id,first_name,last_name,birth_date,sex,coverage_start,coverage_end,ltc,dmp_at_risk,hospice,plan_note\n", new: "",
			want: []string{"members.csv:1: no header row"}},
		{name: "bad cost", file: "rx_claims.csv",
			old: "2025-06-15,,43547041709,30,30,10.00", new: "2025-06-15,,43547041709,30,30,10.005",
			want: []string{"rx_claims.csv:{line}: total_cost: must be a decimal amount"}},
		{name: "bad status", file: "rx_claims.csv",
			old: "200.00,,,paid\nC802", new: "200.00,,,void\nC802",
			want: []string{"rx_claims.csv:{line}: status: must be paid or reversed"}},
		{name: "unknown ndc and no generic name", file: "rx_claims.csv",
			old: ",,43547041709,", new: ",,99999999999,",
			want: []string{"rx_claims.csv:{line}: generic_name: is required unless ndc resolves"}},
		{name: "missing column", file: "rx_claims.csv",
			old: "quantity,total_cost,", new: "quantity,",
			want: []string{"rx_claims.csv:1: total_cost: required column is missing"}},
		{name: "unterminated quote", file: "rx_claims.csv",
			old: "C801,M080,2025-06-01,metformin", new: "C801,M080,2025-06-01,\"metformin",
			want: []string{"rx_claims.csv:{line}: bad CSV"}},
		{name: "extra field", file: "rx_claims.csv",
			old: "C701,M070,2025-06-01,bictegravir / emtricitabine", new: "C701,M070,2025-06-01,bictegravir, emtricitabine",
			want: []string{"rx_claims.csv:{line}: row has 12 fields, the header has 11"}},
		{name: "bad icd10", file: "diagnoses.csv",
			old: "M070,B20", new: "M070,20B",
			want: []string{"diagnoses.csv:{line}: icd10: must be an ICD-10-CM code"}},
		{name: "bad rules", file: "rules.yaml",
			old: "min_chronic_diseases: 2\nmin_maintenance_drugs: 2", new: "min_chronic_diseases: 4\nmin_maintenance_drugs: 9",
			want: []string{"rules.yaml: invalid rules: min_chronic_diseases: must be from 2 to 3", "min_maintenance_drugs: must be from 2 to 8"}},
		{name: "rules of another year", file: "rules.yaml",
			old: "contract_year: 2025", new: "contract_year: 2024",
			want: []string{"rules.yaml: contract_year is 2024, but the run is for contract year 2025"}},
	}
	for _, tt := range tests {
		for _, chunk := range []int{0, 50} {
			t.Run(fmt.Sprintf("%s/chunk=%d", tt.name, chunk), func(t *testing.T) {
				t.Parallel()
				dir, line := badCopy(t, tt.file, tt.old, tt.new)
				cfg := contractConfig(t, 2025)
				cfg.Members, cfg.Claims = filepath.Join(dir, "members.csv"), filepath.Join(dir, "rx_claims.csv")
				cfg.Diagnoses, cfg.chunkBytes, cfg.Workers = filepath.Join(dir, "diagnoses.csv"), chunk, 3
				if tt.file == "rules.yaml" {
					cfg.Rules = filepath.Join(dir, "rules.yaml")
				}
				stdout, _, err := run(t, cfg)
				if err == nil {
					t.Fatal("Run succeeded, want an error")
				}
				for _, w := range tt.want {
					if w = strings.ReplaceAll(w, "{line}", fmt.Sprint(line)); !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				if stdout != "" {
					t.Errorf("stdout = %q, want nothing on bad input", stdout)
				}
			})
		}
	}
}

// TestBadConfig checks the run's settings.
func TestBadConfig(t *testing.T) {
	t.Parallel()
	rules2026 := filepath.Join(t.TempDir(), "rules2026.yaml")
	if err := os.WriteFile(rules2026, []byte("contract_year: 2026\ncost_threshold: \"1700.00\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // substrings of the error; none: the run succeeds
	}{
		{"nothing given", func(c *Config) { *c = Config{} },
			[]string{"contract_year: is required", "as_of", "members", "claims"}},
		{"missing file", func(c *Config) { c.Members = filepath.Join(contract, "nope.csv") },
			[]string{"members: stat ", "nope.csv: no such file"}},
		{"folder", func(c *Config) { c.Claims = contract }, []string{"is a folder"}},
		{"not a regular file", func(c *Config) { c.Claims = os.DevNull }, []string{"must be a regular file"}},
		{"unknown year", func(c *Config) { c.ContractYear = 2019 }, []string{"contract year 2019 has no CMS rules"}},
		// CY2026 has no confirmed cost threshold (UNCONFIRMED in the
		// reference data): refused until a rules file supplies one.
		{"2026 without rules", func(c *Config) { c.ContractYear = 2026 },
			[]string{"contract year 2026 has no confirmed CMS cost threshold", "--rules"}},
		{"2026 with rules", func(c *Config) { c.ContractYear, c.Rules = 2026, rules2026 }, nil},
		{"rules file missing", func(c *Config) { c.Rules = filepath.Join(contract, "none.yaml") }, []string{"rules: open "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := contractConfig(t, 2025)
			tt.change(&cfg)
			stdout, _, err := run(t, cfg)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if n := strings.Count(stdout, "\n"); n != 8 {
					t.Errorf("got %d lines, want 8", n)
				}
				return
			}
			if err == nil {
				t.Fatal("Run succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}
