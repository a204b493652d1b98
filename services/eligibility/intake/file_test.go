package intake_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/intake"
)

// TestFileRules covers the rules every file kind shares, through
// diagnoses.csv (the smallest), and the required columns of each kind.
func TestFileRules(t *testing.T) {
	t.Parallel()
	re := func(line int64, col, problem string) intake.RowError {
		return intake.RowError{File: "d.csv", Line: line, Column: col, Problem: problem}
	}
	const header = "member_id,icd10,service_date\n"
	tests := []struct {
		name string
		in   string
		opts intake.Options
		want intake.Summary
		err  error
		rows int
	}{
		{name: "empty file", in: "",
			want: intake.Summary{Errors: []intake.RowError{re(1, "", "the file is empty: a header row is required")}},
			err:  rejected(re(1, "", "the file is empty: a header row is required"))},
		{name: "header only", in: header},
		{name: "no header row", in: "M1,I10,2025-01-02\nM2,I10,2025-01-03\n",
			want: intake.Summary{Errors: []intake.RowError{re(1, "", "no header row: the first row names none of the required columns member_id, icd10, service_date")}},
			err:  rejected(re(1, "", "no header row: the first row names none of the required columns member_id, icd10, service_date"))},
		{name: "missing required columns, each named", in: "member_id,code\nM1,I10\n",
			want: intake.Summary{Errors: []intake.RowError{re(1, "icd10", "required column is missing"), re(1, "service_date", "required column is missing")}},
			err:  rejected(re(1, "icd10", "required column is missing"))},
		{name: "a missing column hides duplicates (the row may be data)", in: "member_id,Ann,Ann\nM1,I10,2025-01-02\n",
			want: intake.Summary{Errors: []intake.RowError{re(1, "icd10", "required column is missing"), re(1, "service_date", "required column is missing")}},
			err:  rejected(re(1, "icd10", "required column is missing"))},
		{name: "duplicate column, even when skipping bad rows", in: "member_id,icd10,service_date, ICD10\nM1,I10,2025-01-02,I11\n",
			opts: intake.Options{SkipBadRows: true},
			want: intake.Summary{Errors: []intake.RowError{re(1, "icd10", "column appears more than once")}},
			err:  rejected(re(1, "icd10", "column appears more than once"))},
		{name: "short row", in: header + "M1,I10,2025-01-02\nM2,I10\n",
			want: intake.Summary{Rows: 2, Errors: []intake.RowError{re(3, "", "row has 2 fields, the header has 3")}},
			err:  rejected(re(3, "", "row has 2 fields, the header has 3")), rows: 1},
		{name: "long row (an unquoted comma)", in: header + "M1,I10,2025-01-02,x\n",
			want: intake.Summary{Rows: 1, Errors: []intake.RowError{re(2, "", "row has 4 fields, the header has 3")}},
			err:  rejected(re(2, "", "row has 4 fields, the header has 3"))},
		{name: "bare quote", in: header + "M1,I1\"0,2025-01-02\n",
			want: intake.Summary{Rows: 1, Errors: []intake.RowError{re(2, "", "bad CSV: bare \" in non-quoted-field (line 2, byte 6)")}},
			err:  rejected(re(2, "", "bad CSV: bare \" in non-quoted-field (line 2, byte 6)"))},
		{name: "one-line syntax error is a skippable row", in: header + "M1,I1\"0,2025-01-02\nM2,I10,2025-01-02\n",
			opts: intake.Options{SkipBadRows: true},
			want: intake.Summary{Rows: 2, Skipped: 1, Errors: []intake.RowError{re(2, "", "bad CSV: bare \" in non-quoted-field (line 2, byte 6)")}},
			rows: 1},
		{name: "unterminated quote rejects even when skipping", in: header + "M1,\"I10,2025-01-02\nM2,I10,2025-01-02\n",
			opts: intake.Options{SkipBadRows: true},
			want: intake.Summary{Rows: 1, Errors: []intake.RowError{re(2, "", "bad CSV: extraneous or missing \" in quoted-field (line 3, byte 19)")}},
			err:  rejected(re(2, "", "bad CSV: extraneous or missing \" in quoted-field (line 3, byte 19)"))},
		{name: "skip bad rows: counted, reported, reading goes on",
			in:   header + "M1,I10,2025-01-02\n,I10,\nM3,I10\nM4,XX,2025-01-02\nM5,I10,2025-01-02\n",
			opts: intake.Options{SkipBadRows: true},
			want: intake.Summary{Rows: 5, Skipped: 3, Errors: []intake.RowError{
				re(3, "member_id", "is required"), re(3, "service_date", "is required"),
				re(4, "", "row has 2 fields, the header has 3"),
				re(5, "icd10", "must be an ICD-10-CM code: a letter, two characters, then up to 4 more (dot optional)"),
			}},
			rows: 2},
		{name: "error cap keeps the first errors and counts every skipped row",
			in:   header + ",I10,\nM2,I10\nM3,I10\nM4,I10,2025-01-02\n",
			opts: intake.Options{SkipBadRows: true, MaxErrors: 3},
			want: intake.Summary{Rows: 4, Skipped: 3, Errors: []intake.RowError{
				re(2, "member_id", "is required"), re(2, "service_date", "is required"),
				re(3, "", "row has 2 fields, the header has 3"),
			}},
			rows: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.File = "d.csv"
			got := readDiagnoses(tt.in, tt.opts)
			if diff := cmp.Diff(tt.want, got.Summary); diff != "" {
				t.Errorf("Summary (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.err, got.Err); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if len(got.Rows) != tt.rows {
				t.Errorf("%d rows handed over, want %d", len(got.Rows), tt.rows)
			}
		})
	}
}

func TestRequiredColumns(t *testing.T) {
	t.Parallel()
	members := "member_id,first_name,last_name,birth_date,coverage_start"
	claims := "claim_id,member_id,fill_date,generic_name,days_supply,total_cost"
	diagnoses := "member_id,icd10,service_date"
	// Dropping any one required column names it, at line 1.
	tests := []struct {
		file, header string
		read         func(string) error
	}{
		{"members.csv", members, func(in string) error { return readMembers(in, intake.Options{}).Err }},
		{"rx_claims.csv", claims, func(in string) error { return readClaims(in, nil, intake.Options{}).Err }},
		{"diagnoses.csv", diagnoses, func(in string) error { return readDiagnoses(in, intake.Options{}).Err }},
	}
	for _, tt := range tests {
		cols := strings.Split(tt.header, ",")
		for i, drop := range cols {
			t.Run(tt.file+" without "+drop, func(t *testing.T) {
				t.Parallel()
				rest := append(append([]string{"extra"}, cols[:i]...), cols[i+1:]...)
				got := tt.read(strings.Join(rest, ",") + "\n")
				want := rejected(intake.RowError{File: tt.file, Line: 1, Column: drop, Problem: "required column is missing"})
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
			})
		}
		t.Run(tt.file+" with all", func(t *testing.T) {
			t.Parallel()
			if err := tt.read(tt.header + "\n"); err != nil {
				t.Errorf("header with every required column: %v", err)
			}
		})
	}
}
