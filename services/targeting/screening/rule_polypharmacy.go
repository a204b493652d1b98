package screening

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// polypharmacyRule reports a member with at least min_drugs maintenance
// drugs supplied on one day of the window: distinct active ingredients
// flagged maintenance in the drug reference, a combination product counting
// each of its own (as the eligibility drug count does). Supply after the
// as-of date does not count. The evidence is the busiest day and the drugs
// supplied on it.
type polypharmacyRule struct {
	ruleBase
	win         window
	minDrugs    int
	maintenance []bool // by drug ID
}

func (r *polypharmacyRule) params() []param {
	return []param{
		windowParam("window", &r.win),
		intParam("min_drugs", &r.minDrugs, 2, 100),
	}
}

func (r *polypharmacyRule) prepare(rs *RuleSet, _ string, _ *errs.Violations) {
	r.maintenance = make([]bool, rs.drugs.Len())
	for _, d := range rs.drugs.All() {
		r.maintenance[d.ID] = d.Maintenance
	}
}

func (r *polypharmacyRule) clone() rule { c := *r; return &c }

func (r *polypharmacyRule) lookbackDays() int { return r.win.maxDays() }

func (r *polypharmacyRule) screen(s *Screener) {
	sp := s.spanOf(r.win)
	covers := s.covers[:0]
	for ui := range s.uses {
		u := &s.uses[ui]
		if !r.maintenance[u.id] {
			continue
		}
		var d daySet
		for _, fi := range s.fillsOf(u) {
			d.addSupply(sp, &s.fills[fi])
		}
		if d.first() >= 0 {
			covers = append(covers, useCover{use: int32(ui), days: d})
		}
	}
	s.covers = covers
	if len(covers) < r.minDrugs {
		return
	}
	// Count the drugs supplied on each day; keep the first busiest day.
	var perDay [dayWords * 64]uint16
	for i := range covers {
		for w, word := range covers[i].days {
			for word != 0 {
				perDay[w<<6+bits.TrailingZeros64(word)]++
				word &= word - 1
			}
		}
	}
	peak, most := 0, uint16(0)
	for day, n := range perDay[:sp.n] {
		if n > most {
			peak, most = day, n
		}
	}
	if int(most) < r.minDrugs {
		return
	}
	ev := Evidence{Count: int(most), From: sp.day(peak), To: sp.day(peak)}
	for _, c := range covers {
		if c.days[peak>>6]&(1<<(peak&63)) != 0 {
			ev.Ingredients = append(ev.Ingredients, s.ingredient(s.uses[c.use].id))
		}
	}
	slices.Sort(ev.Ingredients)
	s.emit(&r.ruleBase, r.severity, "maintenance_drugs",
		fmt.Sprintf("%d maintenance drugs supplied on the same day (threshold %d)", most, r.minDrugs),
		ev)
}

// useCover is the window days one drug's supply covers.
type useCover struct {
	use  int32
	days daySet
}
