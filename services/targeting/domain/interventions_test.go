package domain

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func date(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

type due struct{ Kind, Period, DueOn string }

func dues(is []Intervention) []due {
	var out []due
	for _, i := range is {
		out = append(out, due{string(i.Kind), i.Period, i.DueOn.String()})
	}
	return out
}

func TestDueFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		enrolled string
		days     int
		want     []due
	}{
		{"enrolled in January", "2025-01-15", 60, []due{
			{"CMR", "2025", "2025-03-16"},
			{"TMR", "2025Q1", "2025-03-31"}, {"TMR", "2025Q2", "2025-06-30"},
			{"TMR", "2025Q3", "2025-09-30"}, {"TMR", "2025Q4", "2025-12-31"},
		}},
		{"enrolled on the last day of a quarter", "2025-06-30", 60, []due{
			{"CMR", "2025", "2025-08-29"},
			{"TMR", "2025Q2", "2025-06-30"}, {"TMR", "2025Q3", "2025-09-30"}, {"TMR", "2025Q4", "2025-12-31"},
		}},
		{"CMR due by year end at the latest", "2025-12-15", 60, []due{
			{"CMR", "2025", "2025-12-31"}, {"TMR", "2025Q4", "2025-12-31"},
		}},
		{"a plan's shorter CMR window", "2025-04-01", 30, []due{
			{"CMR", "2025", "2025-05-01"},
			{"TMR", "2025Q2", "2025-06-30"}, {"TMR", "2025Q3", "2025-09-30"}, {"TMR", "2025Q4", "2025-12-31"},
		}},
	}
	for _, tt := range tests {
		got, err := DueFor("acme", "M1", 2025, date(tt.enrolled), tt.days)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, dues(got)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if _, err := DueFor("acme", "M1", 2025, date("2024-12-31"), 60); errs.KindOf(err) != errs.KindInvalid {
		t.Errorf("enrollment outside the year: %v", err)
	}
	if _, err := DueFor("acme", "M1", 2025, date("2025-01-01"), 0); errs.KindOf(err) != errs.KindInvalid {
		t.Errorf("zero CMR days: %v", err)
	}
}

func TestInterventionTransitions(t *testing.T) {
	t.Parallel()
	is, _ := DueFor("acme", "M1", 2025, date("2025-01-15"), 60)
	cmr := is[0]
	if cmr.Overdue(date("2025-03-16")) || !cmr.Overdue(date("2025-03-17")) {
		t.Error("a CMR is overdue from the day after its due date")
	}
	if err := cmr.Complete(date("2025-03-20")); err != nil || cmr.Overdue(date("2025-04-01")) {
		t.Errorf("complete: %v %+v", err, cmr)
	}
	if err := cmr.Complete(date("2025-05-01")); err != nil || *cmr.CompletedOn != date("2025-03-20") {
		t.Errorf("second completion changed the date: %+v", cmr)
	}
	tmr := is[2]
	if !tmr.Cancel() || tmr.Cancel() {
		t.Error("cancel an open TMR once")
	}
	if err := tmr.Complete(date("2025-05-01")); errs.KindOf(err) != errs.KindFailedPrecondition {
		t.Errorf("completing a cancelled TMR: %v", err)
	}
	if cmr.ID() != "M1-CMR-2025" || PeriodOf(TMR, date("2025-08-01")) != "2025Q3" || PeriodOf(CMR, date("2025-08-01")) != "2025" {
		t.Error("ids and periods")
	}
}
