package synth

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkGenerate writes 20,000 members (about 800,000 claim rows) per
// iteration and reports members/s and the bytes written as MB/s.
func BenchmarkGenerate(b *testing.B) {
	ref := mustRef(b)
	dir := b.TempDir()
	const members = 20_000
	var bytes int64
	for b.Loop() {
		if _, err := Generate(context.Background(), Config{Members: members, Seed: 1}, ref, dir, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	for _, name := range outputNames {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		bytes += fi.Size()
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(members)*float64(b.N)/b.Elapsed().Seconds(), "members/s")
}
