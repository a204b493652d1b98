package domain

import (
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/targeting/screening"
)

// MeasureResult is a member's result on one adherence measure, as of a day.
type MeasureResult struct {
	Measure       string
	Year          int
	AsOf          civil.Date
	PDC           float64
	Adherent      bool
	DaysCovered   int
	TreatmentDays int
	// Outlook is none, secured, reachable or lost (adherence.Outlook);
	// ProjectedPDC the year-end PDC refilling on time from AsOf; RefillBy
	// the last day a refill still reaches 80% (zero unless reachable).
	Outlook      string
	ProjectedPDC float64
	RefillBy     civil.Date
	Fills        []FillUsed
}

// FillUsed is a fill a measure counted.
type FillUsed struct {
	ClaimID     string
	GenericName string
	FillDate    civil.Date
	CountedFrom civil.Date
	DaysSupply  int32
}

// Finding is a drug therapy problem stored for a member: the screening
// finding, its stable id and when it was first found.
type Finding struct {
	PlanID, MemberID string
	ID               string
	screening.Finding
	FoundAt time.Time
}

// Profile is what targeting keeps of an enrolled member's last assessment.
type Profile struct {
	PlanID, MemberID string
	Year             int
	Active           bool
	AssessedOn       civil.Date // zero before the first assessment
	Inputs           PriorityInputs
	Priority         Priority
}

// Enrollee is a member targeting assesses, and the program year it is
// enrolled for.
type Enrollee struct {
	MemberID string
	Year     int
}

// AsOf is the day to assess e on when today is today: today, or the last
// day of a program year that is over (late claims still change that year's
// measures and worklist).
func (e Enrollee) AsOf(today civil.Date) civil.Date { return min(today, civil.YearEnd(e.Year)) }

// Assessed is an assessment ready to store: the member's profile, its
// measure results of the year and its findings (FoundAt is the time of
// this assessment; the store keeps the first one of a finding it knows).
type Assessed struct {
	Profile  Profile
	Measures []MeasureResult
	Findings []Finding
}

// Outreach is what an intervention.identified event tells a pharmacy to
// prepare: the member's open findings (rule ids), the measures it is below
// threshold on, and its priority.
type Outreach struct {
	Findings []string
	Measures []string
	Priority float64
}
