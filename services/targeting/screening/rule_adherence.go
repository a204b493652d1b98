package screening

import (
	"fmt"
	"math"
	"slices"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// pdcRule reports an adherence measure whose PDC is below the threshold.
// The PDC comes from the adherence package through MemberInput.PDC: this
// rule only judges it, so that screening and the adherence reports can
// never disagree about a member's PDC.
type pdcRule struct {
	ruleBase
	threshold float64
}

func (r *pdcRule) params() []param {
	return []param{floatParam("pdc_threshold", &r.threshold, 0, 1)}
}

func (r *pdcRule) prepare(*RuleSet, string, *errs.Violations) {}

func (r *pdcRule) clone() rule { c := *r; return &c }

func (r *pdcRule) screen(s *Screener) {
	var keys [8]string
	measures := keys[:0]
	for m := range s.in.PDC {
		measures = append(measures, m)
	}
	slices.Sort(measures)
	for _, m := range measures {
		pdc := s.in.PDC[m]
		if pdc >= r.threshold || math.IsNaN(pdc) {
			continue
		}
		s.emit(&r.ruleBase, r.severity, m,
			fmt.Sprintf("PDC %.4f for the %s adherence measure is below %.2f", pdc, m, r.threshold),
			Evidence{Measure: m, PDC: pdc})
	}
}

// overdueRule reports a maintenance drug whose refill is overdue by more
// than overdue_days. The due date is the day after the supply runs out,
// counted the way PQA counts coverage: a refill of the drug while an
// earlier supply still lasts starts the day after it ends, so an early
// refill moves the due date rather than being lost.
//
// A drug counts per active ingredient (a combination product counts for
// each of its ingredients), once the member has min_fills fills of it in
// the window. It is left alone when the supply ran out more than
// max_overdue_days ago (most likely stopped, not missed), and, with
// ignore_class_switch, when a later fill of another maintenance drug of a
// shared class suggests a switch (or an add-on: the pharmacist sees the
// class's adherence through its PDC either way).
type overdueRule struct {
	ruleBase
	win               window
	minFills          int
	overdueDays       int
	maxOverdueDays    int
	ignoreClassSwitch bool
	maintenance       []bool // by drug ID
}

func (r *overdueRule) params() []param {
	return []param{
		windowParam("window", &r.win),
		intParam("min_fills", &r.minFills, 1, 100),
		intParam("overdue_days", &r.overdueDays, 0, 365),
		intParam("max_overdue_days", &r.maxOverdueDays, 1, maxWindowDays),
		boolParam("ignore_class_switch", &r.ignoreClassSwitch),
	}
}

func (r *overdueRule) prepare(rs *RuleSet, path string, vs *errs.Violations) {
	if r.maxOverdueDays <= r.overdueDays {
		vs.Add(path+".max_overdue_days", "must be more than overdue_days")
	}
	r.maintenance = make([]bool, rs.drugs.Len())
	for _, d := range rs.drugs.All() {
		r.maintenance[d.ID] = d.Maintenance
	}
}

func (r *overdueRule) clone() rule { c := *r; return &c }

func (r *overdueRule) lookbackDays() int { return r.win.maxDays() }

func (r *overdueRule) screen(s *Screener) {
	sp := s.spanOf(r.win)
	for ui := range s.uses {
		u := &s.uses[ui]
		if !r.maintenance[u.id] {
			continue
		}
		fills := s.fillsOf(u)
		inWindow := 0
		var due civil.Date // the first day without supply
		for i, fi := range fills {
			f := &s.fills[fi]
			if sp.contains(f.date) {
				inWindow++
			}
			if i == 0 || f.date > due {
				due = f.date
			}
			due += civil.Date(f.days)
		}
		overdue := int(s.asOf - due)
		if inWindow < r.minFills || overdue <= r.overdueDays || overdue > r.maxOverdueDays {
			continue
		}
		last := fills[len(fills)-1]
		if r.ignoreClassSwitch && s.switchedFrom(u, s.fills[last].date, r.maintenance) {
			continue
		}
		name := s.ingredient(u.id)
		s.emit(&r.ruleBase, r.severity, name,
			fmt.Sprintf("Refill of %s is overdue by %d days", name, overdue),
			Evidence{
				Claims:      []ClaimRef{s.claimRef(last)},
				Ingredients: []string{name},
				Days:        overdue,
				From:        due,
				To:          s.asOf,
			})
	}
}

// switchedFrom reports whether, after day since, the member filled another
// maintenance drug that shares a class with u's.
func (s *Screener) switchedFrom(u *drugUse, since civil.Date, maintenance []bool) bool {
	mine := s.rs.classes.byDrug[u.id]
	for vi := range s.uses {
		v := &s.uses[vi]
		if v.id == u.id || !maintenance[v.id] || !sharesAny(mine, s.rs.classes.byDrug[v.id]) {
			continue
		}
		fills := s.fillsOf(v)
		if s.fills[fills[len(fills)-1]].date > since {
			return true
		}
	}
	return false
}

// sharesAny reports whether a and b have an element in common.
func sharesAny(a, b []uint16) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// maxDays is the longest the window can reach back, for the look-back.
func (w window) maxDays() int {
	if w.year {
		return 366
	}
	return w.days
}
