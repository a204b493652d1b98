package adherence

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestReadStays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		csv     string
		skip    bool
		want    []string // member admit discharge @line
		wantErr string
		skipped int64
	}{
		{
			name: "columns in any order, unknown ignored, BOM",
			csv:  "\xEF\xBB\xBFdischarge_date,Member_ID ,facility,admit_date\n2025-01-14,M1,X,2025-01-10\n2025-03-01,M2,,2025-03-01\n",
			want: []string{"M1 2025-01-10 2025-01-14 @2", "M2 2025-03-01 2025-03-01 @3"},
		},
		{
			name:    "missing column",
			csv:     "member_id,admit_date\nM1,2025-01-10\n",
			wantErr: "file rejected: inpatient_stays.csv:1: discharge_date: required column is missing",
		},
		{
			name:    "no header",
			csv:     "M1,2025-01-10,2025-01-14\n",
			wantErr: "file rejected: inpatient_stays.csv:1: no header row: the first row names none of the required columns member_id, admit_date, discharge_date",
		},
		{
			name:    "empty file",
			csv:     "",
			wantErr: "file rejected: inpatient_stays.csv:1: the file is empty: a header row is required",
		},
		{
			name:    "bad date names line and column, not the value",
			csv:     "member_id,admit_date,discharge_date\nM1,2025-01-10,2025-01-14\nM2,2025-02-30,2025-03-02\n",
			wantErr: "file rejected: inpatient_stays.csv:3: admit_date: is not a calendar date",
		},
		{
			name:    "discharge before admit",
			csv:     "member_id,admit_date,discharge_date\nM1,2025-01-10,2025-01-09\n",
			wantErr: "file rejected: inpatient_stays.csv:2: discharge_date: must not be before admit_date",
		},
		{
			name:    "wrong width",
			csv:     "member_id,admit_date,discharge_date\nM1,2025-01-10\n",
			wantErr: "file rejected: inpatient_stays.csv:2: row has 2 fields, the header has 3",
		},
		{
			name:    "bad member id",
			csv:     "member_id,admit_date,discharge_date\nM 1,2025-01-10,2025-01-14\n",
			wantErr: "file rejected: inpatient_stays.csv:2: member_id: may hold only letters, digits, '-', '_' and '.'",
		},
		{
			name:    "skip bad rows",
			csv:     "member_id,admit_date,discharge_date\nM1,,2025-01-14\nM2,2025-01-10,2025-01-14\n",
			skip:    true,
			want:    []string{"M2 2025-01-10 2025-01-14 @3"},
			skipped: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			sum, err := ReadStays(strings.NewReader(tt.csv), intake.Options{SkipBadRows: tt.skip}, func(line int64, s MemberStay) error {
				got = append(got, s.MemberID+" "+s.Admit.String()+" "+s.Discharge.String()+" @"+strconv.FormatInt(line, 10))
				return nil
			})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				var rej *intake.Rejected
				if !errors.As(err, &rej) || errs.KindOf(err) != errs.KindInvalid {
					t.Errorf("error %T is not an invalid *intake.Rejected", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stays (-want +got):\n%s", diff)
			}
			if sum.Skipped != tt.skipped {
				t.Errorf("skipped %d, want %d", sum.Skipped, tt.skipped)
			}
		})
	}
}
