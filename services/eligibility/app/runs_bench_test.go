package app_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/eligibility/store"
	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/service"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/reference"
)

// BenchmarkWorkerRun times full evaluation runs of a synthetic plan
// (OPENMTM_BENCH_RUN_MEMBERS members, 20,000 by default) by the worker
// alone on SQLite: BenchmarkEvaluationRun (services/openmtm/suite) less the
// API and the event relay. With OPENMTM_BENCH_CPUPROFILE=FILE it profiles
// the runs only, not the set-up.
func BenchmarkWorkerRun(b *testing.B) {
	members := 20_000
	if s := os.Getenv("OPENMTM_BENCH_RUN_MEMBERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("OPENMTM_BENCH_RUN_MEMBERS=%q: want a positive number", s)
		}
		members = n
	}
	ctx := context.Background()
	ref, err := reference.Default()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{Members: members, Seed: 1}, ref, dir, nil); err != nil {
		b.Fatal(err)
	}
	db, err := pstore.Open(ctx, "sqlite:"+b.TempDir(), "eligibility")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := service.Migrate(ctx, db, "eligibility", store.Migrations); err != nil {
		b.Fatal(err)
	}
	f := runFixture{t: b, db: db, st: store.New(db, nil), ref: ref}
	clk := newClock(synth.DefaultAsOf.Time().Add(12 * 3600e9))
	a := f.app(clk)
	for _, imp := range []struct {
		file string
		fn   func(context.Context, string, *os.File) error
	}{
		{synth.MembersFile, func(ctx context.Context, plan string, r *os.File) error {
			_, err := a.ImportMembers(ctx, plan, r, intake.Options{})
			return err
		}},
		{synth.ClaimsFile, func(ctx context.Context, plan string, r *os.File) error {
			_, err := a.ImportClaims(ctx, plan, r, intake.Options{})
			return err
		}},
		{synth.DiagnosesFile, func(ctx context.Context, plan string, r *os.File) error {
			_, err := a.ImportDiagnoses(ctx, plan, r, intake.Options{})
			return err
		}},
	} {
		r, err := os.Open(filepath.Join(dir, imp.file))
		if err != nil {
			b.Fatal(err)
		}
		err = imp.fn(ctx, "bench", r)
		r.Close()
		if err != nil {
			b.Fatalf("import %s: %v", imp.file, err)
		}
	}
	w, err := a.NewWorker(app.WorkerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	if path := os.Getenv("OPENMTM_BENCH_CPUPROFILE"); path != "" {
		out, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer out.Close()
		if err := pprof.StartCPUProfile(out); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	b.ResetTimer()
	for range b.N {
		r, err := a.StartEvaluationRun(ctx, "bench", 0, civil.YearEnd(2025), false)
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Drain(ctx); err != nil {
			b.Fatal(err)
		}
		if got, _ := a.GetEvaluationRun(ctx, "bench", r.ID); got.State != domain.RunSucceeded || got.MembersDone != int64(members) {
			b.Fatalf("run ended %s after %d members: %s", got.State, got.MembersDone, got.Error)
		}
	}
	b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
}
