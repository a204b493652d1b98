package app_test

import (
	"context"
	"fmt"
	"testing"

	edomain "github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/targeting/internal/targetingtest"
)

// BenchmarkRecordsChanged is targeting's own part of recomputing one
// enrolled member after a claim: the records come from memory, the store
// is SQLite. BenchmarkRecomputeMember (services/openmtm/suite) measures the
// whole path in a running suite.
func BenchmarkRecordsChanged(b *testing.B) {
	ctx := context.Background()
	env := targetingtest.New(b, storetest.SQLite(b), day(today))
	const members = 500
	for i := range members {
		id := fmt.Sprintf("M%04d", i)
		var claims []edomain.Claim
		for j, g := range []string{"atorvastatin", "lisinopril", "metformin", "amlodipine"} {
			for k := range 10 {
				claims = append(claims, rx(fmt.Sprintf("%s-%d-%d", id, j, k), g, day("2025-01-05").AddDays(k*30).String(), 30))
			}
		}
		env.Records.Put(record(id, "1950-01-01", claims...))
		if err := env.App.Enrolled(ctx, "acme", id, 2025, day("2025-01-02")); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := env.App.RecordsChanged(ctx, "acme", []string{fmt.Sprintf("M%04d", i%members)}); err != nil {
			b.Fatal(err)
		}
	}
}
