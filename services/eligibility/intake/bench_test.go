package intake_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

const benchRows = 200_000

// claimsFile writes n claim rows shaped like a PDE extract: every column,
// a few combination products, some NDC-only rows and reversals.
func claimsFile(n int) []byte {
	generics := []string{"atorvastatin", "lisinopril", "metformin", "amlodipine", "levothyroxine",
		"amlodipine / benazepril", "losartan / hydrochlorothiazide", "insulin glargine", "sertraline",
		"sacubitril / valsartan", "omeprazole", "tiotropium", "alendronate", "donepezil"}
	npis := validNPIs(8)
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	b.WriteString("claim_id,member_id,fill_date,generic_name,ndc,days_supply,quantity,total_cost,pharmacy_npi,prescriber_npi,status\n")
	for i := range n {
		generic, ndc := generics[rng.IntN(len(generics))], ""
		if i%20 == 0 {
			generic, ndc = "", "00093718056"
		}
		status := "paid"
		if i%50 == 0 {
			status = "reversed"
		}
		days := []int{30, 90}[rng.IntN(2)]
		fmt.Fprintf(&b, "C%09d,M%07d,2025-%02d-%02d,%s,%s,%d,%d,%d.%02d,%s,%s,%s\n",
			i, rng.IntN(1_000_000), 1+rng.IntN(12), 1+rng.IntN(28), generic, ndc, days, days,
			rng.IntN(400), rng.IntN(100), npis[rng.IntN(len(npis))], npis[rng.IntN(len(npis))], status)
	}
	return b.Bytes()
}

// validNPIs finds n NPIs with valid check digits.
func validNPIs(n int) []string {
	var out []string
	for p := 123456780; len(out) < n; p++ {
		for d := range 10 {
			if s := strconv.Itoa(p) + strconv.Itoa(d); domain.ValidNPI(s) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// BenchmarkClaims parses claim rows from memory into domain claims, the
// floor of the batch command and of every claims import.
func BenchmarkClaims(b *testing.B) {
	data := claimsFile(benchRows)
	ndc := fakeNDC{"00093718056": "lisinopril"}
	fn := func(int64, domain.Claim) error { return nil }
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		sum, err := intake.Claims(bytes.NewReader(data), plan, ndc, intake.Options{}, fn)
		if err != nil || sum.Rows != benchRows {
			b.Fatalf("Claims: %d rows, %v", sum.Rows, err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	rows := float64(benchRows) * float64(b.N)
	b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/rows, "allocs/row")
}
