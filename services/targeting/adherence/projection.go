package adherence

import (
	"fmt"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// Outlook is what a member can still make of a measure by the end of the
// year: what outreach needs to know.
type Outlook uint8

// The outlooks.
const (
	// OutlookNone: no projection (the as-of date is the period's last day,
	// the member is excluded, or has no fill).
	OutlookNone Outlook = iota
	// OutlookSecured: the fills already made reach the threshold at year
	// end without another refill.
	OutlookSecured
	// OutlookReachable: the member reaches the threshold by refilling on
	// or before RefillBy and on time after that.
	OutlookReachable
	// OutlookLost: even refilling today and on time after that stays below
	// the threshold.
	OutlookLost
	numOutlooks
)

var outlookKeys = [numOutlooks]string{"none", "secured", "reachable", "lost"}

// String returns none, secured, reachable or lost.
func (o Outlook) String() string {
	if o < numOutlooks {
		return outlookKeys[o]
	}
	return fmt.Sprintf("outlook(%d)", o)
}

// Projection is the year-end PDC if the member refills on time from the
// as-of date: every treatment day from the as-of date to the end of the
// year (or of coverage) covered, the days before it as the fills made
// cover them. It assumes the member stays in the denominator (a member
// with one fill so far enters it with the next).
type Projection struct {
	Outlook Outlook
	// PeriodEnd is the end of the year, or of coverage when earlier.
	PeriodEnd civil.Date
	// TreatmentDays are the year-end treatment days; DaysCovered those the
	// member covers refilling on time from the as-of date.
	TreatmentDays, DaysCovered int
	// PDCBasisPoints is the projected PDC × 10000, rounded half up.
	PDCBasisPoints int
	// RunsOut is the first treatment day on or after the as-of date that
	// the fills made do not cover; zero when they cover the rest.
	RunsOut civil.Date
	// RefillBy is the last day a refill still reaches the threshold; set
	// only when the outlook is reachable.
	RefillBy civil.Date
}

// PDC returns the projected proportion of days covered, to 4 decimals.
func (p Projection) PDC() float64 { return float64(p.PDCBasisPoints) / 10000 }

// project fills r.Projection. cov holds the days the fills cover up to the
// year-end period's end pe, ip the inpatient days, both as offsets from
// the year start; index and asOf are offsets too.
func (e *Evaluator) project(r *Result, cov, ip *dayBits, year civil.Date, index, asOf, pe int) {
	if asOf >= pe || index > pe {
		return
	}
	raw := pe - index + 1
	if raw < e.spec.MinTreatmentDays {
		return
	}
	t := raw - ip.count(index, pe)
	if t <= 0 {
		return
	}
	p := &r.Projection
	p.PeriodEnd, p.TreatmentDays = year.AddDays(pe), t
	from := max(asOf, index)
	before := cov.count(index, from-1)
	// free(lo) is the treatment days from lo to pe: all of them covered
	// when the member refills on lo and on time after that.
	free := func(lo int) int { return (pe - lo + 1) - ip.count(lo, pe) }
	p.DaysCovered = before + free(from)
	p.PDCBasisPoints = basisPoints(p.DaysCovered, t)
	var covOrIP dayBits
	for i := range covOrIP {
		covOrIP[i] = cov[i] | ip[i]
	}
	if out := covOrIP.nextClear(from); out <= pe {
		p.RunsOut = year.AddDays(out)
	}
	meets := func(covered int) bool { return basisPoints(covered, t) >= e.spec.ThresholdBP }
	switch {
	case meets(cov.count(index, pe)):
		p.Outlook = OutlookSecured
	case !meets(p.DaysCovered):
		p.Outlook = OutlookLost
	default:
		// Refilling on day R gives cov[index, R-1] + free(R), which only
		// falls as R moves later: the last R that meets is found walking
		// from the end, where it is cheapest to update.
		p.Outlook = OutlookReachable
		covered := cov.count(index, pe) // a refill after pe adds nothing
		for rd := pe; rd >= from; rd-- {
			// moving the refill from rd+1 to rd covers day rd if it is a
			// treatment day, and no longer counts what cov had there.
			if !ip.has(rd) && !cov.has(rd) {
				covered++
			}
			if meets(covered) {
				p.RefillBy = year.AddDays(rd)
				break
			}
		}
	}
}

// basisPoints returns covered/days × 10000 rounded half up, exactly.
func basisPoints(covered, days int) int {
	if days <= 0 {
		return 0
	}
	return (covered*20000 + days) / (2 * days)
}
