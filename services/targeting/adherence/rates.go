package adherence

// Rate is a plan's result for one measure: the members in the denominator
// and the adherent ones among them.
type Rate struct {
	Measure                Measure
	Numerator, Denominator int64
}

// Value returns numerator / denominator, or 0 for an empty denominator.
func (r Rate) Value() float64 {
	if r.Denominator == 0 {
		return 0
	}
	return float64(r.Numerator) / float64(r.Denominator)
}

// Rates adds up members' results into the three measures' rates. The zero
// value is ready to use; it is not safe for concurrent use (add up per
// goroutine, then Merge).
type Rates [numMeasures]Rate

// Add counts one member's results.
func (rs *Rates) Add(results []Result) {
	for _, r := range results {
		if r.Status != StatusInDenominator || r.Measure >= numMeasures {
			continue
		}
		rt := &rs[r.Measure]
		rt.Measure = r.Measure
		rt.Denominator++
		if r.Adherent {
			rt.Numerator++
		}
	}
}

// Merge adds o's counts to rs.
func (rs *Rates) Merge(o Rates) {
	for m := range rs {
		rs[m].Measure = Measure(m)
		rs[m].Numerator += o[m].Numerator
		rs[m].Denominator += o[m].Denominator
	}
}

// List returns the rates in Measures order, every measure named.
func (rs *Rates) List() []Rate {
	out := make([]Rate, numMeasures)
	for m := range rs {
		out[m] = Rate{Measure: Measure(m), Numerator: rs[m].Numerator, Denominator: rs[m].Denominator}
	}
	return out
}
