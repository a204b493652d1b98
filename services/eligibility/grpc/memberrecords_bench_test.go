package grpc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/synth"
)

// BenchmarkStreamMemberRecords streams a whole synthetic plan (10,000
// members, about 40 claim rows each, their diagnoses and a stay for one
// member in ten) over gRPC on loopback from SQLite, as targeting reads it,
// and reports members and claims received per second.
func BenchmarkStreamMemberRecords(b *testing.B) {
	dir := b.TempDir()
	stats, err := synth.Generate(context.Background(), synth.Config{Members: 10000, Seed: 1}, ref(b), dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	var stays strings.Builder
	stays.WriteString("member_id,admit_date,discharge_date\n")
	c := dial(b)
	for _, f := range []struct {
		file string
		open func(context.Context, ...grpc.CallOption) (grpc.ClientStreamingClient[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary], error)
	}{
		{synth.MembersFile, c.ImportMembers}, {synth.ClaimsFile, c.ImportClaims}, {synth.DiagnosesFile, c.ImportDiagnoses},
	} {
		data, err := os.ReadFile(filepath.Join(dir, f.file))
		if err != nil {
			b.Fatal(err)
		}
		if f.file == synth.MembersFile {
			for i, line := range strings.Split(string(data), "\n")[1:] {
				if id, _, ok := strings.Cut(line, ","); ok && i%10 == 0 {
					fmt.Fprintf(&stays, "%s,2025-02-%02d,2025-02-%02d\n", id, 1+i%20, 3+i%20)
				}
			}
		}
		if _, err := upload(b, f.open, string(data)); err != nil {
			b.Fatalf("import %s: %v", f.file, err)
		}
	}
	if _, err := upload(b, c.ImportInpatientStays, stays.String()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var members, claims int64
	for range b.N {
		stream, err := c.StreamMemberRecords(key("analyst"), &eligibilityv1.StreamMemberRecordsRequest{Parent: "plans/acme"})
		if err != nil {
			b.Fatal(err)
		}
		for {
			r, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			members++
			claims += int64(len(r.GetClaims()))
		}
	}
	if members != stats.Members*int64(b.N) {
		b.Fatalf("streamed %d members, want %d", members, stats.Members*int64(b.N))
	}
	b.ReportMetric(float64(members)/b.Elapsed().Seconds(), "members/s")
	b.ReportMetric(float64(claims)/b.Elapsed().Seconds(), "claims/s")
}
