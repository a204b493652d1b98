package adherence

import (
	"fmt"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// Member is what the measures read of a member.
type Member struct {
	MemberID  string
	BirthDate civil.Date
	// CoverageEnd is the last covered day; zero while coverage is open.
	CoverageEnd civil.Date
	Hospice     bool
}

// Fill is a paid, unreversed fill of a drug in at least one measure's value
// set (Class.Measures), or an insulin or sacubitril/valsartan fill.
type Fill struct {
	ClaimID    string // may be blank where nobody reads it back (the batch)
	FillDate   civil.Date
	DaysSupply int32
	Class      Class
}

// Stay is an inpatient stay: admitted on Admit, discharged on Discharge,
// both days spent in hospital.
type Stay struct {
	Admit, Discharge civil.Date
}

// Facts are a member's data for one measurement year, as of a day.
type Facts struct {
	// Fills may be in any order and may reach outside the year: Evaluate
	// keeps those of the year dated on or before the as-of date. It sorts
	// the slice in place.
	Fills []Fill
	// Stays are the member's inpatient stays (none when the plan supplies
	// none); any order, overlaps allowed.
	Stays []Stay
	// ESRD is set when a diagnosis with one of Spec.ESRDCodes is dated in
	// the measurement year on or before the as-of date.
	ESRD bool
}

// Period says what to measure: the measurement year, as of a day.
type Period struct {
	Year int
	// AsOf is the last day of data: fills, stays and diagnoses after it are
	// ignored, and the treatment period ends on it at the latest (a measure
	// to date). Zero, or a day after the year, means the end of the year.
	AsOf civil.Date
}

// bounds returns the first and last day of the year and the as-of day,
// clamped into the year.
func (p Period) bounds() (start, end, asOf civil.Date, err error) {
	if p.Year < 1971 || p.Year > 9998 {
		return 0, 0, 0, fmt.Errorf("adherence: measurement year %d is out of range", p.Year)
	}
	start, end = civil.YearStart(p.Year), civil.YearEnd(p.Year)
	asOf = p.AsOf
	if asOf == 0 || asOf > end {
		asOf = end
	}
	if asOf < start {
		return 0, 0, 0, fmt.Errorf("adherence: as-of date %s is before measurement year %d", p.AsOf, p.Year)
	}
	return start, end, asOf, nil
}

// Status says whether a member is in a measure's denominator, or why not.
type Status uint8

// The statuses. Exclusions are reported only for members with a fill of
// the measure's drugs.
const (
	StatusNoFills                     Status = iota // no fill of the measure's drugs in the period
	StatusInDenominator                             // counted: PDC and adherent are set
	StatusTooFewFills                               // fills on fewer than Spec.MinFillDates dates
	StatusPeriodTooShort                            // treatment period under Spec.MinTreatmentDays
	StatusAllInpatient                              // every day of the period was an inpatient day
	StatusExcludedHospice                           // in hospice
	StatusExcludedESRD                              // ESRD diagnosis in the year
	StatusExcludedAge                               // younger than Spec.MinAge
	StatusExcludedInsulin                           // an insulin fill in the year (diabetes)
	StatusExcludedSacubitrilValsartan               // a sacubitril/valsartan fill in the year (rasa)
	numStatuses
)

var statusKeys = [numStatuses]string{"no_fills", "in_denominator", "too_few_fills", "period_too_short",
	"all_inpatient", "excluded_hospice", "excluded_esrd", "excluded_age", "excluded_insulin",
	"excluded_sacubitril_valsartan"}

// String returns a lower_snake key: in_denominator, excluded_esrd, ...
func (s Status) String() string {
	if s < numStatuses {
		return statusKeys[s]
	}
	return fmt.Sprintf("status(%d)", s)
}

// Excluded reports whether s is one of the measure's exclusions.
func (s Status) Excluded() bool { return s >= StatusExcludedHospice && s < numStatuses }

// Result is one member's outcome for one measure.
type Result struct {
	Measure Measure
	Status  Status
	// IndexDate is the first fill of the measure's drugs in the year; set
	// whenever the member has one.
	IndexDate civil.Date
	// PeriodEnd is the last day of the treatment period: the end of the
	// year or of coverage, or the as-of date when earlier.
	PeriodEnd civil.Date
	// TreatmentDays are the days from IndexDate to PeriodEnd, both
	// included, less inpatient days; InpatientDays are those removed.
	TreatmentDays, InpatientDays int
	// DaysCovered are the treatment days covered by a fill.
	DaysCovered int
	// PDCBasisPoints is PDC × 10000, rounded half up: PDC to 4 decimals.
	PDCBasisPoints int
	// Adherent is PDC ≥ the spec's threshold (0.8).
	Adherent bool
	// Fills are the fills the measure counted, in the order counted, with
	// the day each was counted from; only when Evaluate is asked for detail.
	Fills []FillUse
	// Projection is the year-end outlook from the as-of date.
	Projection Projection
}

// PDC returns the proportion of days covered, to 4 decimals.
func (r Result) PDC() float64 { return float64(r.PDCBasisPoints) / 10000 }

// FillUse is how one fill counted in a measure.
type FillUse struct {
	ClaimID    string
	FillDate   civil.Date
	DaysSupply int32
	Drug       DrugID
	// CountedFrom is the first day of its supply: the fill date, or the day
	// after an earlier supply of the same drug runs out, moved past an
	// inpatient stay it would start in.
	CountedFrom civil.Date
	// DaysInPeriod are the days of its supply that fell on treatment days
	// up to the end of the year or of coverage (after shifts and stays;
	// supply past that end does not count), the as-of date aside.
	DaysInPeriod int
}
