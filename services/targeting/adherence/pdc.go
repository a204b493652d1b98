package adherence

import (
	"cmp"
	"slices"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// Evaluator computes members' measures. It keeps scratch space between
// calls, so that a batch of a million members allocates almost nothing;
// it is not safe for concurrent use (make one per goroutine).
type Evaluator struct {
	spec    Spec
	cursors []cursor
	results [numMeasures]Result
}

// cursor is where the next fill of one drug may start: the day after its
// supply so far runs out (an offset from 1 January).
type cursor struct {
	drug DrugID
	next int
}

// NewEvaluator returns an evaluator following spec.
func NewEvaluator(spec Spec) (*Evaluator, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	return &Evaluator{spec: spec}, nil
}

// Spec returns the specification the evaluator follows.
func (e *Evaluator) Spec() Spec { return e.spec }

// Evaluate computes the three measures of member m from its facts, in
// Measures order. The slice is the evaluator's and is overwritten by the
// next call; the Fills of each result are new when detail is set (and nil
// otherwise). It sorts f.Fills in place.
func (e *Evaluator) Evaluate(p Period, m Member, f Facts, detail bool) ([]Result, error) {
	y0, ye, asOf, err := p.bounds()
	if err != nil {
		return nil, err
	}
	pe := int(ye - y0) // last day of the year-end period
	if m.CoverageEnd != 0 && m.CoverageEnd < ye {
		pe = int(m.CoverageEnd - y0)
	}
	a := int(asOf - y0)
	last := min(a, pe) // last day of the period to date

	slices.SortFunc(f.Fills, func(x, y Fill) int {
		// Drug ids depend on the order the classifier first met each
		// drug, so claim ids order same-day fills: the coverage does not
		// depend on that order, but the fills reported do.
		return cmp.Or(cmp.Compare(x.FillDate, y.FillDate), cmp.Compare(x.ClaimID, y.ClaimID),
			cmp.Compare(x.Class.Drug, y.Class.Drug), cmp.Compare(x.DaysSupply, y.DaysSupply))
	})
	var insulin, sacVal bool
	for _, fl := range f.Fills {
		if fl.FillDate >= y0 && fl.FillDate <= asOf {
			insulin = insulin || fl.Class.Insulin
			sacVal = sacVal || fl.Class.SacubitrilValsartan
		}
	}
	var ip dayBits
	for _, s := range f.Stays {
		if s.Admit <= asOf && s.Discharge >= y0 && s.Discharge >= s.Admit {
			ip.setRange(int(s.Admit-y0), min(int(s.Discharge-y0), pe))
		}
	}
	young := civil.Age(m.BirthDate, ye) < e.spec.MinAge

	for _, ms := range Measures {
		r := &e.results[ms]
		*r = Result{Measure: ms}
		first := -1
		for i, fl := range f.Fills {
			if fl.Class.Measures.Has(ms) && fl.FillDate >= y0 && int(fl.FillDate-y0) <= last {
				first = i
				break
			}
		}
		if first < 0 {
			continue // StatusNoFills
		}
		index := int(f.Fills[first].FillDate - y0)
		r.IndexDate = y0.AddDays(index)
		general := ms != Statins || e.spec.StatinsExclusions
		switch {
		case general && m.Hospice:
			r.Status = StatusExcludedHospice
		case general && f.ESRD:
			r.Status = StatusExcludedESRD
		case young:
			r.Status = StatusExcludedAge
		case ms == Diabetes && insulin:
			r.Status = StatusExcludedInsulin
		case ms == RASA && sacVal:
			r.Status = StatusExcludedSacubitrilValsartan
		}
		if r.Status.Excluded() {
			continue
		}
		var uses *[]FillUse
		if detail {
			uses = &r.Fills
		}
		cov, dates := e.cover(f.Fills[first:], ms, &ip, y0, last, pe, uses)
		e.measure(r, &cov, &ip, y0, index, last, dates)
		e.project(r, &cov, &ip, y0, index, a, pe)
	}
	return e.results[:], nil
}

// measure sets the status and the figures of the period to date, index to
// last, from the covered and inpatient days.
func (e *Evaluator) measure(r *Result, cov, ip *dayBits, y0 civil.Date, index, last, dates int) {
	raw := last - index + 1
	r.PeriodEnd = y0.AddDays(last)
	r.InpatientDays = ip.count(index, last)
	r.TreatmentDays = raw - r.InpatientDays
	r.DaysCovered = cov.count(index, last)
	switch {
	case dates < e.spec.MinFillDates:
		r.Status = StatusTooFewFills
	case raw < e.spec.MinTreatmentDays:
		r.Status = StatusPeriodTooShort
	case r.TreatmentDays <= 0:
		r.Status = StatusAllInpatient
	default:
		r.Status = StatusInDenominator
		r.PDCBasisPoints = basisPoints(r.DaysCovered, r.TreatmentDays)
		r.Adherent = r.PDCBasisPoints >= e.spec.ThresholdBP
	}
}

// cover lays the measure's fills, sorted, from the index fill on, onto the
// days up to pe, the end of the year-end period: the days they cover (never
// an inpatient day), and how many different dates they were filled on up
// to last. Only fills dated up to last are read.
func (e *Evaluator) cover(fills []Fill, ms Measure, ip *dayBits, y0 civil.Date, last, pe int, uses *[]FillUse) (cov dayBits, dates int) {
	e.cursors = e.cursors[:0]
	prev := -1
	for _, fl := range fills {
		day := int(fl.FillDate - y0)
		if day > last {
			break
		}
		if !fl.Class.Measures.Has(ms) {
			continue
		}
		if day != prev {
			dates, prev = dates+1, day
		}
		c := e.cursor(fl.Class.Drug)
		// The same drug filled before the earlier supply runs out starts
		// the day after it does; a start on an inpatient day moves past
		// the stay.
		start := max(day, c.next)
		if ip.has(start) {
			start = ip.nextClear(start)
		}
		d, left, counted := start, int(fl.DaysSupply), 0
		for left > 0 && d <= pe {
			// Supply is used on treatment days only: the run of them from
			// d ends at the next inpatient day, the period end, or when
			// the supply does.
			stop := min(ip.nextSet(d)-1, pe, d+left-1)
			cov.setRange(d, stop)
			counted += stop - d + 1
			left -= stop - d + 1
			d = stop + 1
			if left > 0 && d <= pe {
				d = ip.nextClear(d)
			}
		}
		c.next = d + left // supply past the period end pushes later fills along
		if uses != nil {
			*uses = append(*uses, FillUse{ClaimID: fl.ClaimID, FillDate: fl.FillDate, DaysSupply: fl.DaysSupply,
				Drug: fl.Class.Drug, CountedFrom: y0.AddDays(start), DaysInPeriod: counted})
		}
	}
	return cov, dates
}

// cursor returns the cursor of drug, adding one at day 0.
func (e *Evaluator) cursor(drug DrugID) *cursor {
	for i := range e.cursors {
		if e.cursors[i].drug == drug {
			return &e.cursors[i]
		}
	}
	e.cursors = append(e.cursors, cursor{drug: drug})
	return &e.cursors[len(e.cursors)-1]
}
