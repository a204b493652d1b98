package intake_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

func TestMembersGoodFile(t *testing.T) {
	t.Parallel()
	// A BOM, names in mixed case with spaces, columns in a new order, an
	// unknown column, CRLF endings, a quoted field with a comma and one
	// spanning two lines, a blank line: the line numbers must stay right.
	in := "\ufeffLTC , first_name,member_id,last_name,notes,birth_date,coverage_start,hospice,DMP_AT_RISK,coverage_end\r\n" +
		"Y,\"Ada, Countess\",M001,Lovelace,\"free, text\",1950-12-10,2025-01-01,,N,\r\n" +
		"N,Grace,M002,Hopper,\"two\r\nlines\",1960-01-01,2024-01-01,Y,,2025-12-31\r\n" +
		"\r\n" +
		",Alan,M003,Turing,,1970-01-01,2025-02-01,N,Y,\r\n"
	end := date("2025-12-31")
	base := func(id, first, last, birth, start string) domain.Member {
		return domain.Member{PlanID: plan, MemberID: id, FirstName: first, LastName: last,
			BirthDate: date(birth), CoverageStart: date(start), Language: "en"}
	}
	m1 := base("M001", "Ada, Countess", "Lovelace", "1950-12-10", "2025-01-01")
	m1.LTC = true
	m2 := base("M002", "Grace", "Hopper", "1960-01-01", "2024-01-01")
	m2.Hospice, m2.CoverageEnd = true, &end
	m3 := base("M003", "Alan", "Turing", "1970-01-01", "2025-02-01")
	m3.DMPAtRisk = true
	want := result[domain.Member]{
		Rows:    []row[domain.Member]{{2, m1}, {3, m2}, {6, m3}},
		Summary: intake.Summary{Rows: 3},
	}
	if diff := cmp.Diff(want, readMembers(in, intake.Options{})); diff != "" {
		t.Errorf("Members (-want +got):\n%s", diff)
	}
}

func TestMembersBadRows(t *testing.T) {
	t.Parallel()
	const header = "member_id,first_name,last_name,birth_date,coverage_start,coverage_end,mbi,sex,ltc,dmp_at_risk,hospice,phone\n"
	const good = "M001,Ada,Lovelace,1950-12-10,2025-01-01,,,F,N,N,N,\n"
	re := func(col, problem string) intake.RowError {
		return intake.RowError{File: "members.csv", Line: 3, Column: col, Problem: problem}
	}
	tests := []struct {
		name string
		row  string
		want []intake.RowError
	}{
		{"bad Y/N", "M002,Al,Bo,1950-01-01,2025-01-01,,,,yes,N,N,\n", []intake.RowError{re("ltc", "must be Y or N")}},
		{"lower-case y is not Y", "M002,Al,Bo,1950-01-01,2025-01-01,,,,N,N,y,\n", []intake.RowError{re("hospice", "must be Y or N")}},
		{"missing first name", "M002,,Bo,1950-01-01,2025-01-01,,,,,,,\n", []intake.RowError{re("first_name", "is required")}},
		{"bad member id", "M 2,Al,Bo,1950-01-01,2025-01-01,,,,,,,\n",
			[]intake.RowError{re("member_id", "may hold only letters, digits, '-', '_' and '.'")}},
		{"impossible birth date", "M002,Al,Bo,1950-02-30,2025-01-01,,,,,,,\n", []intake.RowError{re("birth_date", "is not a calendar date")}},
		{"future birth date", "M002,Al,Bo,2030-01-01,2025-01-01,,,,,,,\n",
			[]intake.RowError{re("birth_date", "must be between 1900-01-01 and today")}},
		{"coverage ends before it starts", "M002,Al,Bo,1950-01-01,2025-01-01,2024-12-31,,,,,,\n",
			[]intake.RowError{re("coverage_end", "must not be before coverage_start")}},
		{"bad sex", "M002,Al,Bo,1950-01-01,2025-01-01,,,X,,,,\n", []intake.RowError{re("sex", "must be F, M or U")}},
		{"bad phone", "M002,Al,Bo,1950-01-01,2025-01-01,,,,,,,555-01\n", []intake.RowError{re("phone", "must be a 10-digit US phone number")}},
		{"domain and flag problems together", "M002,Al,Bo,1950-01-01,,,BADMBI,,N,maybe,N,\n", []intake.RowError{
			re("mbi", "must be an 11-character Medicare Beneficiary Identifier"),
			re("coverage_start", "is required"),
			re("dmp_at_risk", "must be Y or N"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readMembers(header+good+tt.row, intake.Options{})
			want := result[domain.Member]{
				Rows:    got.Rows, // the good row before it was handed over; checked below
				Summary: intake.Summary{Rows: 2, Errors: tt.want},
				Err:     rejected(tt.want[0]),
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Members (-want +got):\n%s", diff)
			}
			if len(got.Rows) != 1 || got.Rows[0].V.MemberID != "M001" {
				t.Errorf("rows handed over before the bad one = %v, want M001 only", got.Rows)
			}
		})
	}
}

// TestMembersNoPHIInErrors: problems name the column, never the value.
func TestMembersNoPHIInErrors(t *testing.T) {
	t.Parallel()
	in := "member_id,first_name,last_name,birth_date,coverage_start,mbi,phone,postal_code\n" +
		"M001,Zelda,Quixote,1950-02-30,2025-13-01,1EG4TE5MK7X,5551234,9021\n"
	got := readMembers(in, intake.Options{SkipBadRows: true})
	if len(got.Summary.Errors) != 5 {
		t.Fatalf("errors = %v, want 5", got.Summary.Errors)
	}
	for _, e := range got.Summary.Errors {
		for _, phi := range []string{"Zelda", "Quixote", "1950", "2025-13", "1EG4", "5551234", "9021"} {
			if strings.Contains(e.Error(), phi) {
				t.Errorf("error %q echoes the value %q", e.Error(), phi)
			}
		}
	}
}
