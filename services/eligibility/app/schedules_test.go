package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// runs lists the ids of every run stored, oldest first.
func (f runFixture) runs() []string {
	f.t.Helper()
	rows, err := f.db.Query(context.Background(), `SELECT id FROM evaluation_runs ORDER BY created_at, id`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestScheduledRuns(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := newRunFixture(t, tgt)
		f.seed(7)
		set := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
		clk := newClock(set)
		a, b := f.app(clk), f.app(clk) // two replicas
		wa, wb := f.worker(a, nil), f.worker(b, nil)

		sc, err := a.UpdateEvaluationSchedule(ctx, "acme", "0 2 1 */3 *", true)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2025, 4, 1, 2, 0, 0, 0, time.UTC); !sc.NextRunAt().Equal(want) {
			t.Errorf("next run at %v, want %v", sc.NextRunAt(), want)
		}

		// Before the fire time nothing starts.
		clk.set(time.Date(2025, 4, 1, 1, 59, 59, 0, time.UTC))
		if err := wa.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if ids := f.runs(); len(ids) != 0 {
			t.Fatalf("runs before the fire time: %v", ids)
		}

		// At it, both replicas look; one run starts and completes.
		clk.set(time.Date(2025, 4, 1, 2, 0, 30, 0, time.UTC))
		for _, w := range []interface{ Drain(context.Context) error }{wa, wb, wa} {
			if err := w.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		ids := f.runs()
		if len(ids) != 1 {
			t.Fatalf("runs for one fire time: %v", ids)
		}
		r, err := b.GetEvaluationRun(ctx, "acme", ids[0])
		if err != nil {
			t.Fatal(err)
		}
		asOf, _ := civil.Parse("2025-04-01")
		if r.State != domain.RunSucceeded || !r.Scheduled || !r.Incremental || r.AsOf != asOf || r.ContractYear != 2025 || r.MembersDone != 7 {
			t.Errorf("scheduled run: %+v", r)
		}
		got, err := b.GetEvaluationSchedule(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if got.LastRunID != ids[0] || !got.LastRunAt.Equal(time.Date(2025, 4, 1, 2, 0, 0, 0, time.UTC)) {
			t.Errorf("schedule's last run %s at %v", got.LastRunID, got.LastRunAt)
		}
		if want := time.Date(2025, 7, 1, 2, 0, 0, 0, time.UTC); !got.NextRunAt().Equal(want) {
			t.Errorf("next run at %v, want %v", got.NextRunAt(), want)
		}

		// The service was down from June to mid-August: one run, for July.
		clk.set(time.Date(2025, 8, 15, 0, 0, 0, 0, time.UTC))
		for _, w := range []interface{ Drain(context.Context) error }{wb, wa} {
			if err := w.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if ids := f.runs(); len(ids) != 2 {
			t.Fatalf("runs after missed fire times: %v", ids)
		}
		got, _ = a.GetEvaluationSchedule(ctx, "acme")
		if !got.LastRunAt.Equal(time.Date(2025, 7, 1, 2, 0, 0, 0, time.UTC)) {
			t.Errorf("caught up to %v, want the July fire time", got.LastRunAt)
		}

		// Turning the schedule off stops it.
		if _, err := a.UpdateEvaluationSchedule(ctx, "acme", "", false); err != nil {
			t.Fatal(err)
		}
		clk.set(time.Date(2025, 10, 1, 3, 0, 0, 0, time.UTC))
		if err := wa.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if ids := f.runs(); len(ids) != 2 {
			t.Errorf("runs with the schedule off: %v", ids)
		}
	})
}

func TestUpdateEvaluationScheduleRefusals(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t, storetest.SQLite(t))
	a := f.app(newClock(runNow))
	ctx := context.Background()
	for _, cron := range []string{"0 2 1 */3", "0 2 1 1,7 *", "61 * * * *"} {
		_, err := a.UpdateEvaluationSchedule(ctx, "acme", cron, false)
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.KindInvalid || len(e.Violations) != 1 || e.Violations[0].Field != "cron" {
			t.Errorf("UpdateEvaluationSchedule(%q) error %v, want Invalid on cron", cron, err)
		}
	}
	// Nothing was stored.
	sc, err := a.GetEvaluationSchedule(ctx, "acme")
	if err != nil || !sc.Cron.IsZero() {
		t.Errorf("schedule after refusals: %+v, %v", sc, err)
	}
}
