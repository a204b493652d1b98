package suite_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/openmtm/internal/apitest"
	"github.com/openmtm/openmtm/services/openmtm/suite"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/logging"
	"github.com/openmtm/openmtm/services/reference"
)

// BenchmarkEvaluationRun imports a synthetic plan (OPENMTM_BENCH_RUN_MEMBERS
// members, 100,000 by default, with their claims and diagnoses) into a
// running eligibility service on SQLite over gRPC, then times full
// plan-wide evaluation runs, from StartEvaluationRun until the run reports
// SUCCEEDED: every member evaluated, its determination and enrollment
// recorded with their events. The first round is a plan's first run of the
// year (every member's first determination, every enrollment); later rounds
// re-evaluate. Target: 100,000 members in under 10 s on 2 cores. With
// OPENMTM_BENCH_CPUPROFILE=FILE it profiles the runs, not the set-up.
//
//	go test -run '^$' -bench EvaluationRun -benchtime 1x ./services/openmtm/suite/
func BenchmarkEvaluationRun(b *testing.B) {
	members := 100_000
	if s := os.Getenv("OPENMTM_BENCH_RUN_MEMBERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("OPENMTM_BENCH_RUN_MEMBERS=%q: want a positive number", s)
		}
		members = n
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, client, stats := benchPlan(ctx, b, members, "eligibility")

	asOf := &typev1.Date{Year: int32(synth.DefaultAsOf.Year()), Month: 12, Day: 31}
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
	for i := range b.N {
		began := time.Now()
		run, err := client.StartEvaluationRun(ctx, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/bench", AsOf: asOf})
		if err != nil {
			b.Fatal(err)
		}
		run = waitForRun(ctx, b, client, run.GetName())
		b.Logf("round %d: %d members (%d eligible) in %s", i+1, run.GetMembersDone(), run.GetMembersEligible(), time.Since(began).Round(time.Millisecond))
		if run.GetState() != eligibilityv1.RunState_RUN_STATE_SUCCEEDED || run.GetMembersDone() != stats.Members {
			b.Fatalf("run ended %v after %d of %d members: %s", run.GetState(), run.GetMembersDone(), stats.Members, run.GetError())
		}
	}
	b.ReportMetric(float64(stats.Members)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
}

// benchPlan starts a suite running services on SQLite and embedded NATS
// until ctx ends, and imports a synthetic population of members (members,
// claims, diagnoses) into plan bench over gRPC, as `openmtm import` does.
func benchPlan(ctx context.Context, b *testing.B, members int, services ...string) (*suite.Process, eligibilityv1.EligibilityServiceClient, synth.Stats) {
	b.Helper()
	ref, err := reference.Default()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	stats, err := synth.Generate(ctx, synth.Config{Members: members, Seed: 1}, ref, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	cfg := suite.Config{DataDir: b.TempDir(), Services: services, GRPCAddr: "127.0.0.1:0",
		BootstrapKey: apitest.BootstrapKey(b)}
	p, err := suite.Start(ctx, cfg, logging.New(io.Discard, 0))
	if err != nil {
		b.Fatal(err)
	}
	go p.Run(ctx)
	conn, err := grpc.NewClient(p.GRPCAddr(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(auth.BearerCredentials(cfg.BootstrapKey)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	client := eligibilityv1.NewEligibilityServiceClient(conn)
	start := time.Now()
	for _, f := range []struct {
		name string
		call func(context.Context, ...grpc.CallOption) (grpc.ClientStreamingClient[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary], error)
	}{{synth.MembersFile, client.ImportMembers}, {synth.ClaimsFile, client.ImportClaims}, {synth.DiagnosesFile, client.ImportDiagnoses}} {
		if err := benchImport(ctx, f.call, filepath.Join(dir, f.name), "plans/bench"); err != nil {
			b.Fatalf("import %s: %v", f.name, err)
		}
	}
	b.Logf("imported %d members, %d claim rows, %d diagnoses in %s", stats.Members, stats.Claims, stats.Diagnoses, time.Since(start).Round(time.Millisecond))
	return p, client, stats
}

// waitForRun polls a run until it ends, as a client of the API would.
func waitForRun(ctx context.Context, b *testing.B, client eligibilityv1.EligibilityServiceClient, name string) *eligibilityv1.EvaluationRun {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		run, err := client.GetEvaluationRun(ctx, &eligibilityv1.GetEvaluationRunRequest{Name: name})
		if err != nil {
			b.Fatal(err)
		}
		if s := run.GetState(); s == eligibilityv1.RunState_RUN_STATE_SUCCEEDED || s == eligibilityv1.RunState_RUN_STATE_FAILED {
			return run
		}
		<-tick.C
	}
}

// benchImport streams one CSV file to an import RPC in 256 KiB chunks.
func benchImport(ctx context.Context,
	call func(context.Context, ...grpc.CallOption) (grpc.ClientStreamingClient[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary], error),
	path, parent string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	stream, err := call(ctx)
	if err != nil {
		return err
	}
	msg := &eligibilityv1.ImportRequest{Parent: parent, FileName: filepath.Base(path)}
	buf := make([]byte, 256<<10)
	for {
		n, rerr := io.ReadFull(f, buf)
		if n > 0 {
			msg.Data = buf[:n]
			if err := stream.Send(msg); err != nil {
				break // the server answered early: CloseAndRecv says why
			}
			msg = &eligibilityv1.ImportRequest{}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	_, err = stream.CloseAndRecv()
	return err
}
