package domain

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestNewInpatientStay(t *testing.T) {
	t.Parallel()
	day := func(s string) civil.Date {
		d, err := civil.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name   string
		in     InpatientStayInput
		want   InpatientStay
		errors []errs.FieldViolation
	}{
		{name: "valid, trimmed", in: InpatientStayInput{MemberID: " M1 ", AdmitDate: "2025-01-10", DischargeDate: " 2025-01-14"},
			want: InpatientStay{PlanID: "acme", MemberID: "M1", Admit: day("2025-01-10"), Discharge: day("2025-01-14")}},
		{name: "one day", in: InpatientStayInput{MemberID: "M1", AdmitDate: "2025-03-01", DischargeDate: "2025-03-01"},
			want: InpatientStay{PlanID: "acme", MemberID: "M1", Admit: day("2025-03-01"), Discharge: day("2025-03-01")}},
		{name: "discharge before admit", in: InpatientStayInput{MemberID: "M1", AdmitDate: "2025-01-10", DischargeDate: "2025-01-09"},
			errors: []errs.FieldViolation{errs.Field("discharge_date", "must not be before admit_date")}},
		{name: "every field bad, in column order", in: InpatientStayInput{MemberID: "M 1", DischargeDate: "2025-02-30"},
			errors: []errs.FieldViolation{
				errs.Field("member_id", "may hold only letters, digits, '-', '_' and '.'"),
				errs.Field("admit_date", "is required"),
				errs.Field("discharge_date", "is not a calendar date"),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NewInpatientStay("acme", tt.in)
			var gotErrs []errs.FieldViolation
			var e *errs.Error
			if errors.As(err, &e) {
				gotErrs = e.Violations
			} else if err != nil {
				t.Fatalf("NewInpatientStay: %v, want an *errs.Error", err)
			}
			if diff := cmp.Diff(tt.errors, gotErrs); diff != "" {
				t.Fatalf("violations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("stay (-want +got):\n%s", diff)
			}
		})
	}
}
