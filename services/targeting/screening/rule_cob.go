package screening

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// cobRule is PQA Concurrent Use of Opioids and Benzodiazepines (COB, NQF
// #3389) per member: aged min_age or more, opioid fills on at least
// min_opioid_fill_dates dates with min_opioid_days days of supply in all,
// benzodiazepine fills on at least min_benzodiazepine_fill_dates dates, all
// dated in the window, and the two supplies overlapping on at least
// min_overlap_days days of the window (PQA: 30 cumulative days). The PQA
// exclusions are hospice (skip_hospice), cancer and sickle cell disease
// (exclude_diagnoses, code prefixes UNCONFIRMED against PQA's value sets).
type cobRule struct {
	ruleBase
	win              window
	minAge           int
	opioidClasses    []string
	benzoClasses     []string
	minOpioidDates   int
	minOpioidDays    int
	minBenzoDates    int
	minOverlap       int
	excludeDiagnoses []string
	opioid, benzo    []bool // by drug ID
}

func (r *cobRule) params() []param {
	return []param{
		windowParam("window", &r.win),
		intParam("min_age", &r.minAge, 0, 130),
		stringsParam("opioid_classes", &r.opioidClasses, nonEmpty),
		stringsParam("benzodiazepine_classes", &r.benzoClasses, nonEmpty),
		intParam("min_opioid_fill_dates", &r.minOpioidDates, 1, 100),
		intParam("min_opioid_days", &r.minOpioidDays, 1, 3650),
		intParam("min_benzodiazepine_fill_dates", &r.minBenzoDates, 1, 100),
		intParam("min_overlap_days", &r.minOverlap, 1, maxWindowDays),
		icd10Prefixes("exclude_diagnoses", &r.excludeDiagnoses),
	}
}

func (r *cobRule) prepare(rs *RuleSet, path string, vs *errs.Violations) {
	checkNames(r.opioidClasses, path+".opioid_classes", rs.knownClass, vs)
	checkNames(r.benzoClasses, path+".benzodiazepine_classes", rs.knownClass, vs)
	if len(r.opioidClasses) == 0 {
		vs.Add(path+".opioid_classes", "must name at least one class")
	}
	if len(r.benzoClasses) == 0 {
		vs.Add(path+".benzodiazepine_classes", "must name at least one class")
	}
	r.opioid = rs.drugsMatching(nil, r.opioidClasses)
	r.benzo = rs.drugsMatching(nil, r.benzoClasses)
}

func (r *cobRule) clone() rule { c := *r; return &c }

func (r *cobRule) lookbackDays() int { return r.win.maxDays() }

func (r *cobRule) diagnosisPrefixes() []string { return r.excludeDiagnoses }

// side is what one class of a concurrent-use rule adds up to in a window.
type side struct {
	dates, days int
	lastDate    int32 // fill index of the last counted date, -1 before any
	cover       daySet
	fills       []int32
}

func (r *cobRule) screen(s *Screener) {
	if s.in.Age < r.minAge {
		return
	}
	sp := s.spanOf(r.win)
	if _, ok := s.diagnosisIn(sp, r.excludeDiagnoses); ok {
		return
	}
	op := side{lastDate: -1, fills: s.sideFills[0][:0]}
	bz := side{lastDate: -1, fills: s.sideFills[1][:0]}
	defer func() { s.sideFills[0], s.sideFills[1] = op.fills[:0], bz.fills[:0] }()
	for fi := range s.fills {
		f := &s.fills[fi]
		if !sp.contains(f.date) {
			continue
		}
		isOp, isBz := f.has(r.opioid), f.has(r.benzo)
		if isOp && !isBz {
			op.add(s, sp, int32(fi))
		}
		if isBz && !isOp {
			bz.add(s, sp, int32(fi))
		}
	}
	if op.dates < r.minOpioidDates || op.days < r.minOpioidDays || bz.dates < r.minBenzoDates {
		return
	}
	both := op.cover.and(&bz.cover)
	if both.count() < r.minOverlap {
		return
	}
	var ev Evidence
	overlapEvidence(sp, &both, &ev)
	all := append(slices.Clone(op.fills), bz.fills...)
	slices.Sort(all)
	for _, fi := range all {
		ev.Claims = append(ev.Claims, s.claimRef(fi))
		for _, id := range s.fills[fi].drugs {
			if name := s.ingredient(id); (r.opioid[id] || r.benzo[id]) && !slices.Contains(ev.Ingredients, name) {
				ev.Ingredients = append(ev.Ingredients, name)
			}
		}
	}
	slices.Sort(ev.Ingredients)
	s.emit(&r.ruleBase, r.severity, "opioid+benzodiazepine",
		fmt.Sprintf("Concurrent opioid and benzodiazepine supply for %d days (%s)", ev.Days, strings.Join(ev.Ingredients, ", ")),
		ev)
}

// add counts fill fi, whose date is not before the last one counted.
func (sd *side) add(s *Screener, sp span, fi int32) {
	f := &s.fills[fi]
	sd.cover.addSupply(sp, f)
	if sd.lastDate < 0 || s.fills[sd.lastDate].date != f.date {
		sd.dates++
		sd.lastDate = fi
	}
	sd.days += int(f.days)
	sd.fills = append(sd.fills, fi)
}
