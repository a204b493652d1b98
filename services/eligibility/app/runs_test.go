package app_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/store"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/service"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/reference"
)

// runFixture is a migrated store of one target, shared by the apps (one
// per worker, each with its own clock) a test builds over it.
type runFixture struct {
	t   testing.TB
	db  *pstore.DB
	st  *store.Store
	ref *reference.Reference
}

func newRunFixture(t *testing.T, tgt storetest.Target) runFixture {
	t.Helper()
	db := storetest.Open(t, tgt, "eligibility")
	if err := service.Migrate(context.Background(), db, "eligibility", store.Migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	ref, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	return runFixture{t: t, db: db, st: store.New(db, nil), ref: ref}
}

// runClock is a settable clock for an app.
type runClock struct{ us atomic.Int64 }

func newClock(at time.Time) *runClock { c := &runClock{}; c.set(at); return c }
func (c *runClock) set(at time.Time)  { c.us.Store(at.UnixMicro()) }
func (c *runClock) now() time.Time    { return time.UnixMicro(c.us.Load()).UTC() }

func pageOf(n int) paging.Page { return paging.Page{Size: n} }

func (f runFixture) app(c *runClock) *app.App {
	f.t.Helper()
	a, err := app.New(f.st, app.WithClock(c.now), app.WithReference(f.ref))
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f runFixture) worker(a *app.App, afterBatch func(domain.EvaluationRun)) *app.Worker {
	f.t.Helper()
	w, err := a.NewWorker(app.WorkerConfig{BatchSize: 5, AfterBatch: afterBatch})
	if err != nil {
		f.t.Fatal(err)
	}
	return w
}

var runNow = time.Date(2025, 6, 15, 14, 0, 0, 0, time.UTC)

// seed stores n members M00, M01, ... of plan acme: every fourth is a DMP
// at-risk beneficiary (eligible on that alone), and every third has fills
// and diagnoses to evaluate. It returns how many are eligible.
func (f runFixture) seed(n int) int64 {
	f.t.Helper()
	ctx := context.Background()
	var (
		members  []domain.Member
		claims   []domain.Claim
		dx       []domain.Diagnosis
		eligible int64
	)
	for i := range n {
		id := fmt.Sprintf("M%02d", i)
		m, err := domain.NewMember("acme", domain.MemberInput{
			MemberID: id, FirstName: "Test", LastName: "Sample", BirthDate: "1950-01-01", Sex: "F",
			PostalCode: "02139", CoverageStart: "2025-01-01", DMPAtRisk: i%4 == 0,
		}, civil.Of(runNow))
		if err != nil {
			f.t.Fatal(err)
		}
		members = append(members, m)
		if i%4 == 0 {
			eligible++
		}
		if i%3 == 0 {
			for j, drug := range []string{"atorvastatin", "lisinopril", "metformin"} {
				claims = append(claims, domain.Claim{PlanID: "acme", ClaimID: fmt.Sprintf("C%s-%d", id, j), MemberID: id,
					FillDate: civil.Of(runNow).AddDays(-10 * (j + 1)), GenericName: drug, DaysSupply: 30, Quantity: 30, TotalCost: 2500})
			}
			d, _ := civil.Parse("2025-02-01")
			dx = append(dx, domain.Diagnosis{PlanID: "acme", MemberID: id, ICD10: "E119", ServiceDate: d})
		}
	}
	if _, err := f.st.ImportMembers(ctx, feed(members...), runNow); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.ImportClaims(ctx, "acme", feed(claims...)); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.st.ImportDiagnoses(ctx, "acme", feed(dx...)); err != nil {
		f.t.Fatal(err)
	}
	return eligible
}

func feed[T any](rows ...T) func(put func(T) error) error {
	return func(put func(T) error) error {
		for _, r := range rows {
			if err := put(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// determinations counts each member's determinations.
func (f runFixture) determinations() map[string]int {
	f.t.Helper()
	rows, err := f.db.Query(context.Background(), `SELECT member_id, COUNT(*) FROM determinations GROUP BY member_id`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			id string
			n  int
		)
		if err := rows.Scan(&id, &n); err != nil {
			f.t.Fatal(err)
		}
		out[id] = n
	}
	return out
}

func each(n, count int) map[string]int {
	out := map[string]int{}
	for i := range n {
		out[fmt.Sprintf("M%02d", i)] = count
	}
	return out
}

// progress is the part of a run the tests compare.
type progress struct {
	State                  domain.RunState
	Total, Done, Eligible  int64
	LastMemberID, Error    string
	Incremental, Scheduled bool
}

func progressOf(r domain.EvaluationRun) progress {
	return progress{r.State, r.MembersTotal, r.MembersDone, r.MembersEligible, r.LastMemberID, r.Error, r.Incremental, r.Scheduled}
}

func TestEvaluationRun(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := newRunFixture(t, tgt)
		eligible := f.seed(23)
		a := f.app(newClock(runNow))

		r, err := a.StartEvaluationRun(ctx, "acme", 0, civil.Of(runNow), false)
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(progress{State: domain.RunPending}, progressOf(r)); diff != "" {
			t.Errorf("started run (-want +got):\n%s", diff)
		}
		var batches []int64
		if err := f.worker(a, func(r domain.EvaluationRun) { batches = append(batches, r.MembersDone) }).Drain(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := a.GetEvaluationRun(ctx, "acme", r.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := progress{State: domain.RunSucceeded, Total: 23, Done: 23, Eligible: eligible, LastMemberID: "M22"}
		if diff := gocmp.Diff(want, progressOf(got)); diff != "" {
			t.Errorf("finished run (-want +got):\n%s", diff)
		}
		if got.ContractYear != 2025 || got.AsOf != civil.Of(runNow) || !got.EndedAt.Equal(runNow) {
			t.Errorf("run year %d, as of %s, ended %v", got.ContractYear, got.AsOf, got.EndedAt)
		}
		if diff := gocmp.Diff([]int64{5, 10, 15, 20, 23}, batches); diff != "" {
			t.Errorf("progress after each batch (-want +got):\n%s", diff)
		}
		if diff := gocmp.Diff(each(23, 1), f.determinations()); diff != "" {
			t.Errorf("determinations per member (-want +got):\n%s", diff)
		}
		es, _, err := a.ListEnrollments(ctx, "acme", 2025, app.EnrollmentFilter{Status: domain.Enrolled}, pageOf(100))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(es)) != eligible {
			t.Errorf("%d members enrolled, want %d", len(es), eligible)
		}

		// The run decided M03 (claims and a diagnosis) exactly as :evaluate does.
		ds, _, err := a.ListDeterminations(ctx, "acme", "M03", pageOf(10))
		if err != nil || len(ds) != 1 {
			t.Fatalf("M03 determinations %d, %v", len(ds), err)
		}
		one, err := a.EvaluateMember(ctx, "acme", "M03", 0, civil.Of(runNow))
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(one.Determination, ds[0].Determination, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("run vs :evaluate (-evaluate +run):\n%s", diff)
		}
		if len(one.Diseases) == 0 || one.MaintenanceDrugCount != 3 {
			t.Errorf("M03 evaluated without its data: %+v", one.Determination)
		}
	})
}

func TestIncrementalEvaluationRun(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := newRunFixture(t, tgt)
		f.seed(12)
		a := f.app(newClock(runNow))
		w := f.worker(a, nil)
		asOf := civil.Of(runNow)

		// First incremental run of the year: nobody was evaluated in 2025.
		first, err := a.StartEvaluationRun(ctx, "acme", 0, asOf, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.GetEvaluationRun(ctx, "acme", first.ID); got.MembersDone != 12 {
			t.Errorf("first incremental run did %d members, want all 12", got.MembersDone)
		}

		// A new claim for M05, a diagnosis for M07 and a changed member M10.
		if _, err := f.st.ImportClaims(ctx, "acme", feed(domain.Claim{PlanID: "acme", ClaimID: "NEW", MemberID: "M05",
			FillDate: asOf, GenericName: "lisinopril", DaysSupply: 30, Quantity: 30, TotalCost: 900})); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.ImportDiagnoses(ctx, "acme", feed(domain.Diagnosis{PlanID: "acme", MemberID: "M07", ICD10: "I10", ServiceDate: asOf})); err != nil {
			t.Fatal(err)
		}
		if _, err := a.UpsertMember(ctx, "acme", domain.MemberInput{MemberID: "M10", FirstName: "Test", LastName: "Sample",
			BirthDate: "1950-01-01", Sex: "F", PostalCode: "02139", CoverageStart: "2025-01-01", DMPAtRisk: true}); err != nil {
			t.Fatal(err)
		}
		second, err := a.StartEvaluationRun(ctx, "acme", 0, asOf, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := a.GetEvaluationRun(ctx, "acme", second.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := progress{State: domain.RunSucceeded, Total: 3, Done: 3, Eligible: 1, LastMemberID: "M10", Incremental: true}
		if diff := gocmp.Diff(want, progressOf(got)); diff != "" {
			t.Errorf("incremental run (-want +got):\n%s", diff)
		}
		wantDs := each(12, 1)
		wantDs["M05"], wantDs["M07"], wantDs["M10"] = 2, 2, 2
		if diff := gocmp.Diff(wantDs, f.determinations()); diff != "" {
			t.Errorf("determinations per member (-want +got):\n%s", diff)
		}

		// Nothing changed since: an incremental run has nothing to do, a
		// full one does everyone.
		third, _ := a.StartEvaluationRun(ctx, "acme", 0, asOf, true)
		full, _ := a.StartEvaluationRun(ctx, "acme", 0, asOf, false)
		if err := w.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			id   string
			want int64
		}{{third.ID, 0}, {full.ID, 12}} {
			got, _ := a.GetEvaluationRun(ctx, "acme", c.id)
			if got.State != domain.RunSucceeded || got.MembersDone != c.want || got.MembersTotal != c.want {
				t.Errorf("run %s: %+v, want %d members done", c.id, progressOf(got), c.want)
			}
		}
	})
}

func TestEvaluationRunResumesAfterStop(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		f := newRunFixture(t, tgt)
		eligible := f.seed(23)
		clk := newClock(runNow)
		a := f.app(clk)
		r, err := a.StartEvaluationRun(context.Background(), "acme", 0, civil.Of(runNow), false)
		if err != nil {
			t.Fatal(err)
		}

		// The first worker stops (its process shuts down) after two batches.
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		_ = f.worker(a, func(r domain.EvaluationRun) {
			if r.MembersDone == 10 {
				stop()
			}
		}).Drain(ctx)
		mid, err := a.GetEvaluationRun(context.Background(), "acme", r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := gocmp.Diff(progress{State: domain.RunRunning, Total: 23, Done: 10, Eligible: 3, LastMemberID: "M09"}, progressOf(mid)); diff != "" {
			t.Errorf("stopped run (-want +got):\n%s", diff)
		}
		if !mid.LeaseUntil.IsZero() {
			t.Errorf("a stopped worker kept its lease until %v", mid.LeaseUntil)
		}

		// Another process's worker goes on from M10.
		clk.set(runNow.Add(time.Minute))
		if err := f.worker(f.app(clk), nil).Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		done, _ := a.GetEvaluationRun(context.Background(), "acme", r.ID)
		if diff := gocmp.Diff(progress{State: domain.RunSucceeded, Total: 23, Done: 23, Eligible: eligible, LastMemberID: "M22"}, progressOf(done)); diff != "" {
			t.Errorf("resumed run (-want +got):\n%s", diff)
		}
		if diff := gocmp.Diff(each(23, 1), f.determinations()); diff != "" {
			t.Errorf("determinations per member (-want +got):\n%s", diff)
		}
	})
}

func TestEvaluationRunRefusals(t *testing.T) {
	t.Parallel()
	f := newRunFixture(t, storetest.SQLite(t))
	a := f.app(newClock(runNow))
	ctx := context.Background()
	tests := []struct {
		name string
		year int
		asOf civil.Date
		want errs.Kind
	}{
		{"as of after today", 0, civil.Of(runNow).AddDays(1), errs.KindInvalid},
		{"a year without a confirmed cost threshold", 2026, civil.Of(runNow), errs.KindFailedPrecondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := a.StartEvaluationRun(ctx, "acme", tt.year, tt.asOf, false)
			if errs.KindOf(err) != tt.want {
				t.Errorf("StartEvaluationRun error = %v, want kind %v", err, tt.want)
			}
		})
	}
	if _, err := a.GetEvaluationRun(ctx, "acme", "nope"); errs.KindOf(err) != errs.KindNotFound {
		t.Errorf("GetEvaluationRun of a missing run: %v", err)
	}
}
