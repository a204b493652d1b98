// Package adherence computes the PQA proportion of days covered (PDC) of
// the three Part D Star adherence measures, exactly as ../shared/formats.md
// (`openmtm adherence`) and ../shared/domain.md section 5 specify: diabetes
// (non-insulin diabetes drugs), rasa (ACE inhibitors, ARBs, direct renin
// inhibitors) and statins. It is pure: no gRPC, SQL or NATS, so that the
// batch command and the targeting service give the same answer for the
// same data.
//
// The rules, in the order they apply:
//   - value sets come from the drug reference (reference.Drugs): a claim
//     belongs to a measure when one of its active ingredients is in the
//     measure's value set, so a combination product counts for each measure
//     one of its ingredients belongs to;
//   - a member is excluded from every measure when in hospice or with ESRD
//     (a diagnosis N18.6 or Z99.2 dated in the measurement year), from
//     diabetes with any insulin fill in the year, from rasa with any
//     sacubitril/valsartan fill in the year; and when younger than Spec.MinAge;
//   - the member needs fills on at least two different dates in the year;
//     the first is the index date, and the treatment period runs from it to
//     the end of the year or of coverage (or the as-of date, for a measure
//     to date), both days included, and must be at least 91 days;
//   - a fill of the same drug (the same active ingredients) while an
//     earlier one still lasts starts the day after that one runs out;
//     different drugs of the class overlap without shifting; supply past
//     the end of the period does not count;
//   - inpatient days, when the plan supplies stays, are removed from the
//     period, and supply that falls on them moves to after discharge,
//     pushing later fills of the same drug along with it;
//   - pdc = days covered / treatment days, rounded to 4 decimals; adherent
//     when pdc ≥ 0.8.
//
// All dates of one computation lie in one measurement year, so days are
// kept as offsets from 1 January in fixed 366-bit sets: a member's measure
// costs no allocation beyond its fills.
package adherence

import (
	"fmt"
	"strings"
)

// Measure is one of the three Part D adherence measures.
type Measure uint8

// The measures, in the order formats.md writes them.
const (
	Diabetes Measure = iota // PDC-DR: non-insulin diabetes medications
	RASA                    // PDC-RASA: renin angiotensin system antagonists
	Statins                 // PDC-STA: statins
	numMeasures
)

// Measures lists every measure in output order: diabetes, rasa, statins.
var Measures = [numMeasures]Measure{Diabetes, RASA, Statins}

var measureKeys = [numMeasures]string{"diabetes", "rasa", "statins"}

// String returns the formats.md key: diabetes, rasa or statins.
func (m Measure) String() string {
	if m < numMeasures {
		return measureKeys[m]
	}
	return fmt.Sprintf("measure(%d)", m)
}

// ParseMeasure reads a formats.md measure key, in any case.
func ParseMeasure(s string) (Measure, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for m, k := range measureKeys {
		if k == s {
			return Measure(m), true
		}
	}
	return 0, false
}

// MeasureSet is a set of measures, one bit each.
type MeasureSet uint8

// Has reports whether m is in the set.
func (s MeasureSet) Has(m Measure) bool { return s&(1<<m) != 0 }

// With returns the set with m added.
func (s MeasureSet) With(m Measure) MeasureSet { return s | 1<<m }

// Spec holds the values of the measure specification. DefaultSpec is PQA's
// as formats.md fixes it; values domain.md marks UNCONFIRMED are fields
// here, never constants in the rules, so that a plan can follow the
// current CMS technical notes without a code change.
type Spec struct {
	// MinFillDates is how many different fill dates of the measure's drugs
	// the year must hold (PQA: 2).
	MinFillDates int
	// MinTreatmentDays is the shortest treatment period, index date to end
	// of period both included, that puts a member in the denominator
	// (PQA: 91; index on 2 October of a 365-day year is in, 3 October out).
	MinTreatmentDays int
	// ThresholdBP is the adherence threshold in basis points of PDC
	// (PQA: 8000, i.e. PDC ≥ 0.8).
	ThresholdBP int
	// MinAge is the youngest age in the denominator, taken on the last day
	// of the measurement year. domain.md 5.1 gives "age ≥18" [S31][S32];
	// the day the age is taken on is UNCONFIRMED: the older PQA
	// specification [S31] takes the last day of the measurement period,
	// which is what this default follows.
	MinAge int
	// ESRDCodes are the ICD-10-CM codes, without the dot, whose diagnosis in
	// the measurement year excludes a member (formats.md: N18.6, Z99.2).
	ESRDCodes []string
	// StatinsExclusions applies the hospice and ESRD exclusions to statins
	// too. formats.md applies them to all three measures; domain.md 5.2
	// marks them UNCONFIRMED for statins specifically (by analogy with
	// PDC-DR and PDC-RASA).
	StatinsExclusions bool
}

// DefaultSpec returns the specification formats.md fixes.
func DefaultSpec() Spec {
	return Spec{
		MinFillDates:      2,
		MinTreatmentDays:  91,
		ThresholdBP:       8000,
		MinAge:            18,
		ESRDCodes:         []string{"N186", "Z992"},
		StatinsExclusions: true,
	}
}

// validate refuses a spec the computation cannot follow.
func (s Spec) validate() error {
	switch {
	case s.MinFillDates < 1:
		return fmt.Errorf("adherence spec: min fill dates must be at least 1")
	case s.MinTreatmentDays < 1 || s.MinTreatmentDays > 366:
		return fmt.Errorf("adherence spec: min treatment days must be from 1 to 366")
	case s.ThresholdBP < 1 || s.ThresholdBP > 10000:
		return fmt.Errorf("adherence spec: threshold must be from 1 to 10000 basis points")
	case s.MinAge < 0:
		return fmt.Errorf("adherence spec: min age must not be negative")
	}
	return nil
}

// IsESRD reports whether icd10 (upper case, without the dot) is one of the
// spec's ESRD codes.
func (s Spec) IsESRD(icd10 string) bool {
	for _, c := range s.ESRDCodes {
		if c == icd10 {
			return true
		}
	}
	return false
}
