package intake_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

func TestDiagnoses(t *testing.T) {
	t.Parallel()
	re := func(line int64, col, problem string) intake.RowError {
		return intake.RowError{File: "diagnoses.csv", Line: line, Column: col, Problem: problem}
	}
	tests := []struct {
		name string
		in   string
		want result[domain.Diagnosis]
	}{
		{
			name: "good, reordered, unknown column, BOM before a quoted name",
			in:   "\ufeff\"service_date\",source,ICD10,member_id\n2025-02-03,\"claim\n#7, line 2\",e11.9,M1\n2025-02-04,x,I10,M2\n",
			want: result[domain.Diagnosis]{
				Rows: []row[domain.Diagnosis]{
					{2, domain.Diagnosis{PlanID: plan, MemberID: "M1", ICD10: "E119", ServiceDate: date("2025-02-03")}},
					{4, domain.Diagnosis{PlanID: plan, MemberID: "M2", ICD10: "I10", ServiceDate: date("2025-02-04")}},
				},
				Summary: intake.Summary{Rows: 2},
			},
		},
		{
			name: "bad ICD-10 code",
			in:   "member_id,icd10,service_date\nM1,E1,2025-02-03\n",
			want: result[domain.Diagnosis]{
				Summary: intake.Summary{Rows: 1, Errors: []intake.RowError{re(2, "icd10",
					"must be an ICD-10-CM code: a letter, two characters, then up to 4 more (dot optional)")}},
				Err: rejected(re(2, "icd10", "must be an ICD-10-CM code: a letter, two characters, then up to 4 more (dot optional)")),
			},
		},
		{
			name: "missing service date and member id",
			in:   "member_id,icd10,service_date\n,I10,\n",
			want: result[domain.Diagnosis]{
				Summary: intake.Summary{Rows: 1, Errors: []intake.RowError{re(2, "member_id", "is required"), re(2, "service_date", "is required")}},
				Err:     rejected(re(2, "member_id", "is required")),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, readDiagnoses(tt.in, intake.Options{})); diff != "" {
				t.Errorf("Diagnoses (-want +got):\n%s", diff)
			}
		})
	}
}
