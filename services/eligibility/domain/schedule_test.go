package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestNewEvaluationSchedule(t *testing.T) {
	t.Parallel()
	now := at("2025-05-20 09:00")
	tests := []struct {
		name, cron string
		wantCron   string
		wantErr    bool
	}{
		{"quarterly", "0 2 1 */3 *", "0 2 1 */3 *", false},
		{"monthly", "30 1 1 * *", "30 1 1 * *", false},
		{"blank: no schedule", "  ", "", false},
		{"twice a year is less than quarterly", "0 2 1 1,7 *", "", true},
		{"never fires", "0 0 30 2 *", "", true},
		{"not cron", "quarterly", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := domain.NewEvaluationSchedule("acme", tt.cron, true, now)
			if tt.wantErr {
				if errs.KindOf(err) != errs.KindInvalid {
					t.Fatalf("error = %v, want Invalid", err)
				}
				var e *errs.Error
				if !errors.As(err, &e) || len(e.Violations) != 1 || e.Violations[0].Field != "cron" {
					t.Errorf("violations = %+v, want one on cron", e)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := domain.EvaluationSchedule{PlanID: "acme", Incremental: true, UpdatedAt: now}
			if tt.wantCron != "" {
				want.Cron, _ = domain.ParseCron(tt.wantCron)
			}
			if diff := cmp.Diff(want, s, cmp.Comparer(func(a, b domain.Cron) bool { return a.String() == b.String() })); diff != "" {
				t.Errorf("schedule (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluationScheduleDue(t *testing.T) {
	t.Parallel()
	quarterly, err := domain.ParseCron("0 2 1 */3 *")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		lastRun   string // "" for none
		updated   string
		now       string
		wantFire  string // "" for not due
		wantNextT string
	}{
		{"before the first fire time", "", "2025-02-10 12:00", "2025-03-31 23:59", "", "2025-04-01 02:00"},
		{"at the fire time", "", "2025-02-10 12:00", "2025-04-01 02:00", "2025-04-01 02:00", "2025-04-01 02:00"},
		{"a minute after", "", "2025-02-10 12:00", "2025-04-01 02:01", "2025-04-01 02:00", "2025-04-01 02:00"},
		{"already started for it", "2025-04-01 02:00", "2025-02-10 12:00", "2025-04-01 02:05", "", "2025-07-01 02:00"},
		{"set after the last fire time", "", "2025-04-01 03:00", "2025-04-01 03:01", "", "2025-07-01 02:00"},
		{"set exactly at it", "", "2025-04-01 02:00", "2025-04-01 02:00", "", "2025-07-01 02:00"},
		{"missed fire times start one run, the latest", "2025-01-01 02:00", "2024-12-01 00:00", "2025-08-15 00:00", "2025-07-01 02:00", "2025-04-01 02:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := domain.EvaluationSchedule{PlanID: "acme", Cron: quarterly, UpdatedAt: at(tt.updated)}
			if tt.lastRun != "" {
				s.LastRunAt = at(tt.lastRun)
			}
			fire, due := s.Due(at(tt.now))
			if want := tt.wantFire != ""; due != want {
				t.Fatalf("Due(%s) due = %v, want %v", tt.now, due, want)
			}
			if due && !fire.Equal(at(tt.wantFire)) {
				t.Errorf("Due(%s) fire = %v, want %s", tt.now, fire, tt.wantFire)
			}
			if got := s.NextRunAt(); !got.Equal(at(tt.wantNextT)) {
				t.Errorf("NextRunAt = %v, want %s", got, tt.wantNextT)
			}
		})
	}
	// No cron: never due.
	if _, due := (domain.EvaluationSchedule{PlanID: "acme"}).Due(at("2025-04-01 02:00")); due {
		t.Error("a schedule without a cron is due")
	}
}

func TestScheduledRun(t *testing.T) {
	t.Parallel()
	s := domain.EvaluationSchedule{PlanID: "acme", Incremental: true}
	now := at("2026-01-01 02:00").Add(1500 * time.Millisecond)
	got := s.Run("R1", at("2026-01-01 02:00"), now)
	asOf, _ := civil.Parse("2026-01-01")
	want := domain.EvaluationRun{PlanID: "acme", ID: "R1", ContractYear: 2026, AsOf: asOf, Incremental: true,
		Scheduled: true, State: domain.RunPending, CreatedAt: now}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("run (-want +got):\n%s", diff)
	}
}
