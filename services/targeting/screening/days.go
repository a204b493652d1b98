package screening

import (
	"math/bits"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// daySet is a set of days of a window, bit i standing for the window's
// first day plus i. A fixed array rather than a slice keeps it on the
// stack: coverage and overlap cost no allocation.
type daySet [dayWords]uint64

const dayWords = (maxWindowDays + 1 + 63) / 64

// span is a window: its first day and its day count, as-of day included.
type span struct {
	start civil.Date
	n     int
}

// spanOf returns the window w ending on the screener's as-of date.
func (s *Screener) spanOf(w window) span {
	start := w.start(s.asOf, s.yearStart)
	return span{start: start, n: int(s.asOf-start) + 1}
}

// contains reports whether day d lies in the window.
func (sp span) contains(d civil.Date) bool { return d >= sp.start && int(d-sp.start) < sp.n }

// day returns the date of bit i.
func (sp span) day(i int) civil.Date { return sp.start + civil.Date(i) }

// addSupply sets the days of f's supply that fall in the window: supply
// before the window or after the as-of date does not count.
func (d *daySet) addSupply(sp span, f *fill) {
	lo, hi := int(f.date-sp.start), int(f.last()-sp.start)
	d.addRange(max(lo, 0), min(hi, sp.n-1))
}

// addRange sets bits lo..hi, both included; an empty range sets nothing.
func (d *daySet) addRange(lo, hi int) {
	if lo > hi {
		return
	}
	lw, hw := lo>>6, hi>>6
	lm := ^uint64(0) << (lo & 63)
	hm := ^uint64(0) >> (63 - hi&63)
	if lw == hw {
		d[lw] |= lm & hm
		return
	}
	d[lw] |= lm
	for w := lw + 1; w < hw; w++ {
		d[w] = ^uint64(0)
	}
	d[hw] |= hm
}

// and returns the days in both sets.
func (d *daySet) and(o *daySet) daySet {
	var r daySet
	for i := range d {
		r[i] = d[i] & o[i]
	}
	return r
}

// count returns the number of days in the set.
func (d *daySet) count() int {
	n := 0
	for _, w := range d {
		n += bits.OnesCount64(w)
	}
	return n
}

// first returns the lowest day in the set, or -1 when it is empty.
func (d *daySet) first() int {
	for i, w := range d {
		if w != 0 {
			return i<<6 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

// last returns the highest day in the set, or -1 when it is empty.
func (d *daySet) last() int {
	for i := len(d) - 1; i >= 0; i-- {
		if w := d[i]; w != 0 {
			return i<<6 + 63 - bits.LeadingZeros64(w)
		}
	}
	return -1
}

// overlapEvidence fills in the period and count of an overlap.
func overlapEvidence(sp span, both *daySet, ev *Evidence) {
	ev.Days = both.count()
	if ev.Days > 0 {
		ev.From, ev.To = sp.day(both.first()), sp.day(both.last())
	}
}
