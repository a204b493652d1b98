package adherence

import "testing"

// BenchmarkEvaluate measures one member's three measures with a year of
// monthly fills of four drugs (48 fills), a stay and a projection from
// 30 June: the cost of recomputing a member after a new claim.
func BenchmarkEvaluate(b *testing.B) {
	var fills []Fill
	for month := 1; month <= 12; month++ {
		d := "2025-" + string(rune('0'+month/10)) + string(rune('0'+month%10)) + "-03"
		fills = append(fills, rx(b, d, "metformin", 30), rx(b, d, "lisinopril", 30),
			rx(b, d, "amlodipine / benazepril", 30), rx(b, d, "atorvastatin", 30))
	}
	f := Facts{Fills: fills, Stays: []Stay{stay(b, "2025-04-01", "2025-04-06")}}
	e, err := NewEvaluator(DefaultSpec())
	if err != nil {
		b.Fatal(err)
	}
	p, m := Period{Year: 2025, AsOf: mustDay("2025-06-30")}, adult(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Evaluate(p, m, f, true); err != nil {
			b.Fatal(err)
		}
	}
}
