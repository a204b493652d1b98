package screening

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// duplicationRule reports two different active ingredients of one
// therapeutic class (the drug reference's classes) whose supplies overlap
// on at least min_overlap_days days of the window.
//
// The ingredients of one combination product are never counted against
// each other: a claim that holds both ingredients of a pair adds to
// neither side of that pair, so amlodipine / benazepril alone is no
// duplication, while losartan next to sacubitril / valsartan is (two ARBs).
// Classes in except_classes are not checked: umbrella classes whose
// members are combined by design (antidiabetic, antiretroviral, diuretic,
// ...), where the narrower class beneath them is checked instead. The
// shipped file gives the reason for each.
type duplicationRule struct {
	ruleBase
	win           window
	minOverlap    int
	exceptClasses []string
	highClasses   []string
	checked       [][]uint16 // by drug ID: its classes that are checked
	high          []bool     // by class index
}

func (r *duplicationRule) params() []param {
	return []param{
		windowParam("window", &r.win),
		intParam("min_overlap_days", &r.minOverlap, 1, maxWindowDays),
		stringsParam("except_classes", &r.exceptClasses, nonEmpty),
		stringsParam("high_severity_classes", &r.highClasses, nonEmpty),
	}
}

func (r *duplicationRule) prepare(rs *RuleSet, path string, vs *errs.Violations) {
	checkNames(r.exceptClasses, path+".except_classes", rs.knownClass, vs)
	checkNames(r.highClasses, path+".high_severity_classes", rs.knownClass, vs)
	except := make([]bool, len(rs.classes.names))
	for _, c := range r.exceptClasses {
		if i, ok := rs.classes.byName[c]; ok {
			except[i] = true
		}
	}
	r.high = make([]bool, len(rs.classes.names))
	for _, c := range r.highClasses {
		if i, ok := rs.classes.byName[c]; ok {
			r.high[i] = true
		}
	}
	r.checked = make([][]uint16, rs.drugs.Len())
	for id, cls := range rs.classes.byDrug {
		for _, c := range cls {
			if !except[c] {
				r.checked[id] = append(r.checked[id], c)
			}
		}
	}
}

func (r *duplicationRule) clone() rule { c := *r; return &c }

func (r *duplicationRule) lookbackDays() int { return r.win.maxDays() }

func (r *duplicationRule) screen(s *Screener) {
	sp := s.spanOf(r.win)
	for i := range s.uses {
		a := &s.uses[i]
		if len(r.checked[a.id]) == 0 {
			continue
		}
		for j := i + 1; j < len(s.uses); j++ {
			b := &s.uses[j]
			if !sharesAny(r.checked[a.id], r.checked[b.id]) {
				continue
			}
			var covA, covB daySet
			s.coverExcept(&covA, sp, a, b.id)
			s.coverExcept(&covB, sp, b, a.id)
			both := covA.and(&covB)
			if both.count() < r.minOverlap {
				continue
			}
			r.report(s, sp, a, b, &both)
		}
	}
}

func (r *duplicationRule) report(s *Screener, sp span, a, b *drugUse, both *daySet) {
	names := []string{s.ingredient(a.id), s.ingredient(b.id)}
	slices.Sort(names)
	sev := r.severity
	var classes []string
	for _, c := range r.checked[a.id] {
		if slices.Contains(r.checked[b.id], c) {
			classes = append(classes, s.rs.classes.names[c])
			if r.high[c] {
				sev = High
			}
		}
	}
	slices.Sort(classes)
	ev := Evidence{Ingredients: names, Classes: classes}
	overlapEvidence(sp, both, &ev)
	ev.Claims = s.claimsOverlapping(sp, both, func(f *fill) bool {
		return !slices.Contains(f.drugs, a.id) || !slices.Contains(f.drugs, b.id)
	}, a, b)
	s.emit(&r.ruleBase, sev, names[0]+"+"+names[1],
		fmt.Sprintf("Therapeutic duplication: %s and %s (%s) overlap %d days",
			names[0], names[1], strings.Join(classes, ", "), ev.Days),
		ev)
}

// coverExcept sets the window days u's supply covers, leaving out the
// fills that also contain drug other (one combination product is not a
// duplication of itself).
func (s *Screener) coverExcept(d *daySet, sp span, u *drugUse, other uint16) {
	for _, fi := range s.fillsOf(u) {
		f := &s.fills[fi]
		if !slices.Contains(f.drugs, other) {
			d.addSupply(sp, f)
		}
	}
}

// claimsOverlapping returns the claims of uses that keep accepts and whose
// supply in the window meets the days of both, in date order.
func (s *Screener) claimsOverlapping(sp span, both *daySet, keep func(*fill) bool, uses ...*drugUse) []ClaimRef {
	var idx []int32
	for _, u := range uses {
		for _, fi := range s.fillsOf(u) {
			if !keep(&s.fills[fi]) {
				continue
			}
			var d daySet
			d.addSupply(sp, &s.fills[fi])
			if x := d.and(both); x.count() > 0 && !slices.Contains(idx, fi) {
				idx = append(idx, fi)
			}
		}
	}
	slices.Sort(idx) // fill indexes are in date order
	refs := make([]ClaimRef, len(idx))
	for i, fi := range idx {
		refs[i] = s.claimRef(fi)
	}
	return refs
}

// nonEmpty is the shape check of a list item; names are checked against
// the reference in prepare.
func nonEmpty(s string) string {
	if s == "" {
		return "must not be empty"
	}
	return ""
}

// checkNames reports the names that known refuses, as field[i].
func checkNames(names []string, field string, known func(string) string, vs *errs.Violations) {
	for i, n := range names {
		if p := known(n); p != "" {
			vs.Add(fmt.Sprintf("%s[%d]", field, i), p)
		}
	}
}
