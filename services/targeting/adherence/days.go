package adherence

import "math/bits"

// dayBits is a set of days of one year, as offsets from 1 January (0 to
// 365): covered days, inpatient days. A fixed array, so that a member's
// computation allocates nothing and counting a period is a few popcounts.
type dayBits [6]uint64

// noDay is past every day of a year: what the searches return when they
// find nothing.
const noDay = len(dayBits{}) * 64

func (b *dayBits) has(d int) bool {
	return d >= 0 && d < noDay && b[d>>6]&(1<<(d&63)) != 0
}

// setRange adds days lo to hi, both included.
func (b *dayBits) setRange(lo, hi int) {
	lo, hi = max(lo, 0), min(hi, noDay-1)
	for lo <= hi {
		w, off := lo>>6, lo&63
		n := min(64-off, hi-lo+1)
		mask := ^uint64(0)
		if n < 64 {
			mask = (1<<n - 1) << off
		}
		b[w] |= mask
		lo += n
	}
}

// count returns how many days from lo to hi, both included, are in the set.
func (b *dayBits) count(lo, hi int) int {
	lo, hi = max(lo, 0), min(hi, noDay-1)
	c := 0
	for lo <= hi {
		w, off := lo>>6, lo&63
		n := min(64-off, hi-lo+1)
		mask := ^uint64(0)
		if n < 64 {
			mask = (1<<n - 1) << off
		}
		c += bits.OnesCount64(b[w] & mask)
		lo += n
	}
	return c
}

// nextSet returns the first day at or after d in the set, or noDay.
func (b *dayBits) nextSet(d int) int {
	d = max(d, 0)
	for d < noDay {
		w := b[d>>6] >> (d & 63)
		if w != 0 {
			return d + bits.TrailingZeros64(w)
		}
		d = (d>>6 + 1) << 6
	}
	return noDay
}

// nextClear returns the first day at or after d not in the set, or noDay.
func (b *dayBits) nextClear(d int) int {
	d = max(d, 0)
	for d < noDay {
		w := ^b[d>>6] >> (d & 63)
		if w != 0 {
			return d + bits.TrailingZeros64(w)
		}
		d = (d>>6 + 1) << 6
	}
	return noDay
}
