package intake_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestRowErrorText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    intake.RowError
		want string
	}{
		{intake.RowError{File: "m.csv", Line: 12, Column: "birth_date", Problem: "is required"}, "m.csv:12: birth_date: is required"},
		{intake.RowError{File: "m.csv", Line: 3, Problem: "row has 2 fields, the header has 3"}, "m.csv:3: row has 2 fields, the header has 3"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.e.Error()); diff != "" {
			t.Errorf("Error() (-want +got):\n%s", diff)
		}
	}
}

func TestRejected(t *testing.T) {
	t.Parallel()
	first := intake.RowError{File: "m.csv", Line: 12, Column: "birth_date", Problem: "is required"}
	err := fmt.Errorf("import members: %w", rejected(first))

	var re *intake.RowError
	if !errors.As(err, &re) {
		t.Fatal("errors.As(*RowError) = false")
	}
	if diff := cmp.Diff(first, *re); diff != "" {
		t.Errorf("RowError (-want +got):\n%s", diff)
	}
	if got := errs.KindOf(err); got != errs.KindInvalid {
		t.Errorf("KindOf = %v, want invalid", got)
	}
	want := errs.Invalid(errs.Field("m.csv:12:birth_date", "is required"))
	if diff := cmp.Diff(error(want), intake.AsInvalid(err)); diff != "" {
		t.Errorf("AsInvalid (-want +got):\n%s", diff)
	}
	noColumn := rejected(intake.RowError{File: "m.csv", Line: 3, Problem: "row has 2 fields, the header has 3"})
	want = errs.Invalid(errs.Field("m.csv:3", "row has 2 fields, the header has 3"))
	if diff := cmp.Diff(error(want), intake.AsInvalid(noColumn)); diff != "" {
		t.Errorf("AsInvalid without a column (-want +got):\n%s", diff)
	}
	if other := io.EOF; intake.AsInvalid(other) != other {
		t.Error("AsInvalid changed an error that is not a rejection")
	}
}

func TestCallerErrorStopsTheRead(t *testing.T) {
	t.Parallel()
	stop := errors.New("store full")
	in := "member_id,icd10,service_date\nM1,I10,2025-01-02\nM2,I10,2025-01-02\nM3,I10,2025-01-02\n"
	var lines []int64
	sum, err := intake.Diagnoses(strings.NewReader(in), plan, intake.Options{}, func(line int64, d domain.Diagnosis) error {
		lines = append(lines, line)
		if d.MemberID == "M2" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want one wrapping %v", err, stop)
	}
	if diff := cmp.Diff("diagnoses.csv:3: store full", err.Error()); diff != "" {
		t.Errorf("error text (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{2, 3}, lines); diff != "" {
		t.Errorf("lines handed over (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(intake.Summary{Rows: 2}, sum); diff != "" {
		t.Errorf("Summary (-want +got):\n%s", diff)
	}
}

func TestReadFailure(t *testing.T) {
	t.Parallel()
	broken := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("member_id,icd10,service_date\nM1,I10,2025-01-02\n"), iotest.ErrReader(broken))
	_, err := intake.Diagnoses(r, plan, intake.Options{}, func(int64, domain.Diagnosis) error { return nil })
	var rej *intake.Rejected
	if !errors.Is(err, broken) || errors.As(err, &rej) {
		t.Errorf("err = %v, want the read failure, not a rejection", err)
	}
}

func TestDefaultErrorCap(t *testing.T) {
	t.Parallel()
	in := "member_id,icd10,service_date\n" + strings.Repeat("M1,I10\n", intake.DefaultMaxErrors+5)
	got := readDiagnoses(in, intake.Options{SkipBadRows: true})
	if got.Err != nil || got.Summary.Skipped != intake.DefaultMaxErrors+5 || len(got.Summary.Errors) != intake.DefaultMaxErrors {
		t.Errorf("err %v, skipped %d, kept %d errors; want nil, %d, %d",
			got.Err, got.Summary.Skipped, len(got.Summary.Errors), intake.DefaultMaxErrors+5, intake.DefaultMaxErrors)
	}
}
