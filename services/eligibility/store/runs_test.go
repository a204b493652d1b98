package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

var t0 = time.Date(2025, 6, 15, 14, 0, 0, 0, time.UTC)

func TestClaimRun(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s := open(t, tgt).s
		if _, err := s.ImportMembers(ctx, func(put func(domain.Member) error) error {
			for _, id := range []string{"M1", "M2", "M3"} {
				if err := put(member(t, "acme", id, nil)); err != nil {
					return err
				}
			}
			return nil
		}, t0); err != nil {
			t.Fatal(err)
		}
		lease := t0.Add(time.Minute)
		if _, ok, err := s.ClaimRun(ctx, "w1", t0, lease); err != nil || ok {
			t.Fatalf("claimed a run from an empty table: %v, %v", ok, err)
		}
		older := domain.NewEvaluationRun("acme", "R1", 2025, civil.Of(t0), false, t0)
		newer := domain.NewEvaluationRun("acme", "R2", 2025, civil.Of(t0), true, t0.Add(time.Second))
		for _, r := range []domain.EvaluationRun{newer, older} {
			if err := s.CreateRun(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.CreateRun(ctx, older); err == nil {
			t.Error("created the same run twice")
		}

		// The oldest pending run goes first, counted.
		got, ok, err := s.ClaimRun(ctx, "w1", t0, lease)
		if err != nil || !ok {
			t.Fatalf("ClaimRun: %v, %v", ok, err)
		}
		want := older
		want.State, want.Worker, want.LeaseUntil, want.MembersTotal = domain.RunRunning, "w1", lease, 3
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("claimed run (-want +got):\n%s", diff)
		}
		// A run held under a live lease is not handed out again.
		got, _, _ = s.ClaimRun(ctx, "w2", t0.Add(30*time.Second), lease)
		if got.ID != "R2" || got.Worker != "w2" {
			t.Errorf("second claim got %s by %s, want R2 by w2", got.ID, got.Worker)
		}
		if _, ok, _ := s.ClaimRun(ctx, "w3", t0.Add(30*time.Second), lease); ok {
			t.Error("claimed a run whose lease is live")
		}

		// Once w1's lease has passed, w3 takes R1 over and w1 may write no more.
		later := t0.Add(2 * time.Minute)
		got, ok, err = s.ClaimRun(ctx, "w3", later, later.Add(time.Minute))
		if err != nil || !ok || got.ID != "R1" || got.Worker != "w3" {
			t.Fatalf("take-over: %+v, %v, %v", got, ok, err)
		}
		stale := want
		stale.Progress(1, 0, "M1")
		if err := s.SaveRun(ctx, stale); !errors.Is(err, app.ErrRunLost) {
			t.Errorf("SaveRun by the old worker: %v, want ErrRunLost", err)
		}
		d := domain.Determination{PlanID: "acme", MemberID: "M1", ContractYear: 2025, AsOf: civil.Of(t0), RuleSet: "cms/2025"}
		err = s.RecordRunBatch(ctx, stale, []domain.Determination{d}, t0, func(*domain.Enrollment, domain.Determination, string) {})
		if !errors.Is(err, app.ErrRunLost) {
			t.Errorf("RecordRunBatch by the old worker: %v, want ErrRunLost", err)
		}
		if ds, _ := s.ListDeterminations(ctx, "acme", "M1", "", 10); len(ds) != 0 {
			t.Errorf("the old worker's batch was recorded: %d determinations", len(ds))
		}

		// The new holder finishes it.
		got.Progress(3, 1, "M3")
		got.Finish("", later)
		if err := s.SaveRun(ctx, got); err != nil {
			t.Fatal(err)
		}
		stored, err := s.GetRun(ctx, "acme", "R1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(got, stored); diff != "" {
			t.Errorf("finished run (-want +got):\n%s", diff)
		}
		if _, err := s.GetRun(ctx, "other", "R1"); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("another plan's run: %v", err)
		}
	})
}

func TestStartScheduledRun(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s := open(t, tgt).s
		sc, err := domain.NewEvaluationSchedule("acme", "0 2 1 */3 *", false, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PutSchedule(ctx, sc); err != nil {
			t.Fatal(err)
		}
		read, err := s.GetSchedule(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		if read.Cron.String() != sc.Cron.String() || !read.UpdatedAt.Equal(sc.UpdatedAt) {
			t.Errorf("schedule read back %+v, want %+v", read, sc)
		}
		fire := time.Date(2025, 7, 1, 2, 0, 0, 0, time.UTC)
		// Two workers read the same schedule and both find the fire time due.
		var started []bool
		for _, id := range []string{"R1", "R2"} {
			ok, err := s.StartScheduledRun(ctx, read, fire, read.Run(id, fire, fire))
			if err != nil {
				t.Fatal(err)
			}
			started = append(started, ok)
		}
		if diff := cmp.Diff([]bool{true, false}, started); diff != "" {
			t.Errorf("started (-want +got):\n%s", diff)
		}
		if _, err := s.GetRun(ctx, "acme", "R2"); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("the losing worker's run exists: %v", err)
		}
		after, _ := s.GetSchedule(ctx, "acme")
		if after.LastRunID != "R1" || !after.LastRunAt.Equal(fire) {
			t.Errorf("schedule after the run: %+v", after)
		}
		all, err := s.ListSchedules(ctx)
		if err != nil || len(all) != 1 || all[0].PlanID != "acme" {
			t.Errorf("ListSchedules: %+v, %v", all, err)
		}
		none, err := s.GetSchedule(ctx, "other")
		if err != nil || !none.Cron.IsZero() || none.PlanID != "other" {
			t.Errorf("a plan without a schedule: %+v, %v", none, err)
		}
	})
}
