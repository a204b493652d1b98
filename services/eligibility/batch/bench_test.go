package batch

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/reference"
)

// BenchmarkRun runs the batch, and its parse-only floor, over a synthetic
// population of 20,000 members (about 800,000 claim rows). The
// million-member figures come from scripts/bench-eligibility.sh.
func BenchmarkRun(b *testing.B) {
	ref, err := reference.Default()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	st, err := synth.Generate(context.Background(), synth.Config{Members: 20_000, Seed: 1}, ref, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, parseOnly := range []bool{true, false} {
		name := "batch"
		if parseOnly {
			name = "floor"
		}
		b.Run(name, func(b *testing.B) {
			cfg := Config{ContractYear: 2025, AsOf: synth.DefaultAsOf, Reference: ref, Progress: -1, ParseOnly: parseOnly,
				Members: filepath.Join(dir, synth.MembersFile), Claims: filepath.Join(dir, synth.ClaimsFile),
				Diagnoses: filepath.Join(dir, synth.DiagnosesFile)}
			for b.Loop() {
				if err := Run(context.Background(), cfg, io.Discard, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Claims)*float64(b.N)/b.Elapsed().Seconds(), "claim-rows/s")
		})
	}
}
