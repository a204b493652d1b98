package screening

import (
	"fmt"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
)

// supdRule is PQA Statin Use in Persons with Diabetes (SUPD), turned from a
// plan-level rate into a per-member gap: a member aged min_age to max_age
// on the as-of date with diabetes-medication fills on at least
// min_diabetes_fill_dates different dates in the window and no statin fill
// in it needs additional drug therapy (a statin). The PQA exclusions
// (hospice, ESRD, rhabdomyolysis or myopathy, pregnancy, lactation or
// fertility, liver disease, pre-diabetes, polycystic ovary syndrome) are
// skip_hospice and the diagnosis prefixes of exclude_diagnoses, whose code
// lists the shipped file marks UNCONFIRMED against PQA's value sets.
type supdRule struct {
	ruleBase
	win               window
	minAge, maxAge    int
	minFillDates      int
	diabetesSets      []string
	statinSets        []string
	excludeDiagnoses  []string
	diabetes, statins []bool // by drug ID
}

func (r *supdRule) params() []param {
	return []param{
		windowParam("window", &r.win),
		intParam("min_age", &r.minAge, 0, 130),
		intParam("max_age", &r.maxAge, 0, 130),
		intParam("min_diabetes_fill_dates", &r.minFillDates, 1, 100),
		stringsParam("diabetes_value_sets", &r.diabetesSets, knownValueSet),
		stringsParam("statin_value_sets", &r.statinSets, knownValueSet),
		icd10Prefixes("exclude_diagnoses", &r.excludeDiagnoses),
	}
}

func (r *supdRule) prepare(rs *RuleSet, path string, vs *errs.Violations) {
	if r.maxAge < r.minAge {
		vs.Add(path+".max_age", "must not be less than min_age")
	}
	if len(r.diabetesSets) == 0 {
		vs.Add(path+".diabetes_value_sets", "must name at least one value set")
	}
	if len(r.statinSets) == 0 {
		vs.Add(path+".statin_value_sets", "must name at least one value set")
	}
	r.diabetes = drugsInValueSets(rs, r.diabetesSets)
	r.statins = drugsInValueSets(rs, r.statinSets)
}

func (r *supdRule) clone() rule { c := *r; return &c }

func (r *supdRule) lookbackDays() int { return r.win.maxDays() }

func (r *supdRule) diagnosisPrefixes() []string { return r.excludeDiagnoses }

func (r *supdRule) screen(s *Screener) {
	if s.in.Age < r.minAge || s.in.Age > r.maxAge {
		return
	}
	sp := s.spanOf(r.win)
	if _, ok := s.diagnosisIn(sp, r.excludeDiagnoses); ok {
		return
	}
	var dates int
	var idx []int32
	for fi := range s.fills {
		f := &s.fills[fi]
		if !sp.contains(f.date) {
			continue
		}
		if f.has(r.statins) {
			return // the member has a statin: no gap
		}
		if f.has(r.diabetes) {
			if len(idx) == 0 || s.fills[idx[len(idx)-1]].date != f.date {
				dates++ // fills are in date order
			}
			idx = append(idx, int32(fi))
		}
	}
	if dates < r.minFillDates {
		return
	}
	ev := Evidence{Claims: make([]ClaimRef, len(idx))}
	for i, fi := range idx {
		ev.Claims[i] = s.claimRef(fi)
		for _, id := range s.fills[fi].drugs {
			if name := s.ingredient(id); r.diabetes[id] && !slices.Contains(ev.Ingredients, name) {
				ev.Ingredients = append(ev.Ingredients, name)
			}
		}
	}
	slices.Sort(ev.Ingredients)
	ev.Count = dates
	ev.From, ev.To = sp.start, s.asOf
	s.emit(&r.ruleBase, r.severity, "statin",
		fmt.Sprintf("Diabetes medication (%s) filled on %d dates with no statin fill: a statin is indicated for persons with diabetes aged %d to %d",
			strings.Join(ev.Ingredients, ", "), dates, r.minAge, r.maxAge),
		ev)
}

// knownValueSet checks a PQA value set key.
func knownValueSet(v string) string {
	if !slices.Contains(reference.ValueSetKeys, v) {
		return "is not a value set (" + strings.Join(reference.ValueSetKeys, ", ") + ")"
	}
	return ""
}

// drugsInValueSets returns a table by drug ID of the drugs in any of sets.
func drugsInValueSets(rs *RuleSet, sets []string) []bool {
	match := make([]bool, rs.drugs.Len())
	for _, d := range rs.drugs.All() {
		for _, v := range sets {
			if d.InValueSet(v) {
				match[d.ID] = true
			}
		}
	}
	return match
}

// diagnosisIn returns the first of the member's diagnoses dated in the
// window whose code starts with one of prefixes.
func (s *Screener) diagnosisIn(sp span, prefixes []string) (DiagnosisRef, bool) {
	if len(prefixes) == 0 {
		return DiagnosisRef{}, false
	}
	for i := range s.in.Diagnoses {
		d := &s.in.Diagnoses[i]
		if !sp.contains(d.ServiceDate) {
			continue
		}
		for _, p := range prefixes {
			if strings.HasPrefix(d.ICD10, p) {
				return DiagnosisRef{ICD10: d.ICD10, ServiceDate: d.ServiceDate}, true
			}
		}
	}
	return DiagnosisRef{}, false
}
