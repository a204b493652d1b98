package suite_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/openmtm/internal/apitest"
	"github.com/openmtm/openmtm/services/openmtm/suite"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/logging"
	"github.com/openmtm/openmtm/services/reference"
)

// BenchmarkImportClaims streams a synthetic rx_claims.csv (5,000 members,
// about 200,000 rows) to a running suite over gRPC, as `openmtm import`
// does, and reports claim rows stored per second. Targets: 50,000 rows/s
// into SQLite, 100,000 into PostgreSQL.
func BenchmarkImportClaims(b *testing.B) {
	ref, err := reference.Default()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	stats, err := synth.Generate(context.Background(), synth.Config{Members: 5000, Seed: 1}, ref, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	claims := filepath.Join(dir, synth.ClaimsFile)
	for _, bk := range backends {
		b.Run(bk.name, func(b *testing.B) {
			cfg := bk.cfg(b)
			cfg.Services, cfg.GRPCAddr = []string{"eligibility"}, "127.0.0.1:0"
			cfg.BootstrapKey = apitest.BootstrapKey(b)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
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
			defer conn.Close()
			client := eligibilityv1.NewEligibilityServiceClient(conn)
			b.ResetTimer()
			for i := range b.N {
				// A new plan each round, so every round stores every row.
				sum := importOnce(b, client, claims, "plans/bench"+strconv.Itoa(i))
				if sum.GetRowsStored() == 0 {
					b.Fatalf("nothing stored: %v", sum)
				}
			}
			b.ReportMetric(float64(stats.Claims)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func importOnce(b *testing.B, client eligibilityv1.EligibilityServiceClient, path, parent string) *eligibilityv1.ImportSummary {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	stream, err := client.ImportClaims(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	msg := &eligibilityv1.ImportRequest{Parent: parent}
	buf := make([]byte, 256<<10)
	for {
		n, rerr := io.ReadFull(f, buf)
		if n > 0 {
			msg.Data = buf[:n]
			if err := stream.Send(msg); err != nil {
				break
			}
			msg = &eligibilityv1.ImportRequest{}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
	}
	sum, err := stream.CloseAndRecv()
	if err != nil {
		b.Fatal(err)
	}
	return sum
}
