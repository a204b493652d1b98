package intake_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

func TestInpatientStays(t *testing.T) {
	t.Parallel()
	re := func(line int64, col, problem string) intake.RowError {
		return intake.RowError{File: intake.StaysFile, Line: line, Column: col, Problem: problem}
	}
	stay := func(member, admit, discharge string) domain.InpatientStay {
		return domain.InpatientStay{PlanID: plan, MemberID: member, Admit: date(admit), Discharge: date(discharge)}
	}
	const head = "member_id,admit_date,discharge_date\n"
	tests := []struct {
		name string
		in   string
		skip bool
		want result[domain.InpatientStay]
	}{
		{
			name: "columns in any order, unknown ignored, BOM",
			in:   "\xEF\xBB\xBFdischarge_date,Member_ID ,facility,admit_date\n2025-01-14,M1,X,2025-01-10\n2025-03-01,M2,,2025-03-01\n",
			want: result[domain.InpatientStay]{
				Rows:    []row[domain.InpatientStay]{{2, stay("M1", "2025-01-10", "2025-01-14")}, {3, stay("M2", "2025-03-01", "2025-03-01")}},
				Summary: intake.Summary{Rows: 2},
			},
		},
		{
			name: "missing column",
			in:   "member_id,admit_date\nM1,2025-01-10\n",
			want: result[domain.InpatientStay]{
				Summary: intake.Summary{Errors: []intake.RowError{re(1, "discharge_date", "required column is missing")}},
				Err:     rejected(re(1, "discharge_date", "required column is missing")),
			},
		},
		{
			name: "no header",
			in:   "M1,2025-01-10,2025-01-14\n",
			want: result[domain.InpatientStay]{
				Summary: intake.Summary{Errors: []intake.RowError{re(1, "", "no header row: the first row names none of the required columns member_id, admit_date, discharge_date")}},
				Err:     rejected(re(1, "", "no header row: the first row names none of the required columns member_id, admit_date, discharge_date")),
			},
		},
		{
			name: "bad date names line and column, not the value",
			in:   head + "M1,2025-01-10,2025-01-14\nM2,2025-02-30,2025-03-02\n",
			want: result[domain.InpatientStay]{
				Rows:    []row[domain.InpatientStay]{{2, stay("M1", "2025-01-10", "2025-01-14")}},
				Summary: intake.Summary{Rows: 2, Errors: []intake.RowError{re(3, "admit_date", "is not a calendar date")}},
				Err:     rejected(re(3, "admit_date", "is not a calendar date")),
			},
		},
		{
			name: "discharge before admit",
			in:   head + "M1,2025-01-10,2025-01-09\n",
			want: result[domain.InpatientStay]{
				Summary: intake.Summary{Rows: 1, Errors: []intake.RowError{re(2, "discharge_date", "must not be before admit_date")}},
				Err:     rejected(re(2, "discharge_date", "must not be before admit_date")),
			},
		},
		{
			name: "skip bad rows",
			in:   head + "M1,,2025-01-14\nM 2,2025-01-10,2025-01-14\nM3,2025-01-10,2025-01-14\n",
			skip: true,
			want: result[domain.InpatientStay]{
				Rows: []row[domain.InpatientStay]{{4, stay("M3", "2025-01-10", "2025-01-14")}},
				Summary: intake.Summary{Rows: 3, Skipped: 2, Errors: []intake.RowError{
					re(2, "admit_date", "is required"),
					re(3, "member_id", "may hold only letters, digits, '-', '_' and '.'"),
				}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, readStays(tt.in, intake.Options{SkipBadRows: tt.skip})); diff != "" {
				t.Errorf("InpatientStays (-want +got):\n%s", diff)
			}
		})
	}
}
