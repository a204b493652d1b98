package suite_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/targeting"
)

// BenchmarkRecomputeMember measures what the issue's "recomputing one
// member after a new claim: under 5 ms at p99 in the running service"
// asks: in a running all-in-one suite (SQLite, embedded NATS), after one
// new claim of an enrolled member is imported (not timed), targeting's
// handling of the change — reading the member's records from eligibility
// over gRPC, PDC, screening, priority and storing the result in one
// transaction — is timed per member. It reports p50 and p99 in ms. 2,000
// synthetic members (about 40 claims a year each) are enrolled first.
func BenchmarkRecomputeMember(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const members = 2000
	p, client, _ := benchPlan(ctx, b, members, "eligibility", "targeting")

	app := p.Service(targeting.Name).(*targeting.Service).App()
	asOf := synth.DefaultAsOf
	ids := make([]string, 0, members)
	list, err := client.ListMembers(ctx, &eligibilityv1.ListMembersRequest{Parent: "plans/bench", PageSize: 1000})
	for err == nil {
		for _, m := range list.GetMembers() {
			ids = append(ids, m.GetMemberId())
		}
		if list.GetNextPageToken() == "" {
			break
		}
		list, err = client.ListMembers(ctx, &eligibilityv1.ListMembersRequest{Parent: "plans/bench", PageSize: 1000, PageToken: list.GetNextPageToken()})
	}
	if err != nil {
		b.Fatal(err)
	}
	for _, id := range ids {
		if err := app.Enrolled(ctx, "bench", id, asOf.Year(), civil.YearStart(asOf.Year())); err != nil {
			b.Fatal(err)
		}
	}

	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		id := ids[i%len(ids)]
		claim := fmt.Sprintf("claim_id,member_id,fill_date,generic_name,days_supply,total_cost\nBENCH%d,%s,%s,atorvastatin,30,12.00\n",
			i, id, asOf.AddDays(-(i % 90)))
		if err := importCSV(ctx, client, claim); err != nil {
			b.Fatal(err)
		}
		// The import's records.changed event makes targeting recompute the
		// member by itself; let that finish so that the timed recompute
		// measures the work, not a wait for the other one's transaction.
		time.Sleep(settle)
		b.StartTimer()
		began := time.Now()
		if _, err := app.RecordsChanged(ctx, "bench", []string{id}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(began))
	}
	b.StopTimer()
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// settle is how long the benchmark leaves targeting to apply an import's
// event (a few ms on loopback) before timing its own recompute.
const settle = 5 * time.Millisecond

// importCSV imports a small rx_claims.csv into plan bench.
func importCSV(ctx context.Context, client eligibilityv1.EligibilityServiceClient, csv string) error {
	stream, err := client.ImportClaims(ctx)
	if err != nil {
		return err
	}
	if err := stream.Send(&eligibilityv1.ImportRequest{Parent: "plans/bench", FileName: "claim.csv", Data: []byte(csv)}); err != nil {
		return err
	}
	_, err = stream.CloseAndRecv()
	return err
}
