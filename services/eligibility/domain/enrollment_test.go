package domain

import (
	"testing"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func day(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestEnrollmentAcrossTheYear(t *testing.T) {
	t.Parallel()
	e := NewEnrollment("acme", "M1", 2025)
	eligible := Determination{ContractYear: 2025, AsOf: day("2025-03-31"), Eligible: true, Reason: ReasonCriteria}
	notEligible := Determination{ContractYear: 2025, AsOf: day("2025-06-30")}

	if e.Apply(notEligible, "d0", day("2025-01-02")) || e.Status != NotEnrolled {
		t.Fatalf("an ineligible determination enrolled: %+v", e)
	}
	if !e.Apply(eligible, "d1", day("2025-04-01")) || e.Status != Enrolled || *e.EnrolledOn != day("2025-04-01") ||
		*e.MetCriteriaOn != day("2025-03-31") || e.Reason != "01" || e.DeterminationID != "d1" {
		t.Fatalf("eligible determination: %+v", e)
	}
	// Enrolled for the rest of the year, whatever later determinations say.
	if e.Apply(notEligible, "d2", day("2025-07-01")) || e.Status != Enrolled || e.DeterminationID != "d1" {
		t.Errorf("a later ineligible determination changed the enrollment: %+v", e)
	}
	// A determination of another year does not touch this year's record.
	next := Determination{ContractYear: 2026, AsOf: day("2026-01-31"), Eligible: true, Reason: "02"}
	if e.Apply(next, "d3", day("2026-02-01")) {
		t.Error("a 2026 determination changed the 2025 record")
	}
}

func TestOptOut(t *testing.T) {
	t.Parallel()
	e := NewEnrollment("acme", "M1", 2025)
	e.Apply(Determination{ContractYear: 2025, AsOf: day("2025-03-31"), Eligible: true, Reason: "03"}, "d1", day("2025-04-01"))

	for _, tt := range []struct {
		name   string
		on     string
		reason OptOutReason
	}{
		{"unknown reason", "2025-05-01", "04"},
		{"another year", "2026-01-05", OptOutMemberRequest},
		{"before enrollment", "2025-03-01", OptOutMemberRequest},
	} {
		if _, err := e.OptOut(day(tt.on), tt.reason); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("%s: error = %v, want invalid", tt.name, err)
		}
	}
	changed, err := e.OptOut(day("2025-05-01"), OptOutMemberRequest)
	if err != nil || !changed || e.Status != OptedOut || e.OptOutReason != "03" {
		t.Fatalf("opt out = %v, %v, %+v", changed, err, e)
	}
	// Again: idempotent, first date kept.
	if changed, err := e.OptOut(day("2025-06-01"), OptOutOther); err != nil || changed || *e.OptedOutOn != day("2025-05-01") {
		t.Errorf("second opt-out changed the record: %v %v %+v", changed, err, e)
	}
	// Not enrolled again in the same year.
	if e.Apply(Determination{ContractYear: 2025, AsOf: day("2025-09-30"), Eligible: true, Reason: "01"}, "d9", day("2025-10-01")) {
		t.Error("an opted-out member was re-enrolled in the same year")
	}
}

func TestOptOutBeforeEnrollmentKeepsMemberOut(t *testing.T) {
	t.Parallel()
	e := NewEnrollment("acme", "M1", 2025)
	if _, err := e.OptOut(day("2025-02-01"), OptOutMemberRequest); err != nil {
		t.Fatal(err)
	}
	if e.Apply(Determination{ContractYear: 2025, AsOf: day("2025-03-31"), Eligible: true, Reason: "01"}, "d1", day("2025-04-01")) {
		t.Error("a member who declined was enrolled")
	}
}
