package domain

import (
	"fmt"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// InterventionKind is what a pharmacist owes an enrollee.
type InterventionKind string

// The review kinds (domain.md 2.1, 2.2).
const (
	CMR InterventionKind = "CMR" // comprehensive medication review, at least once a program year
	TMR InterventionKind = "TMR" // targeted medication review, at least quarterly
	// FindingFollowUp is a pharmacist's follow-up of a new high-severity
	// finding; its period is the finding's id.
	FindingFollowUp InterventionKind = "FINDING"
)

// InterventionState is where an intervention stands.
type InterventionState string

// The states.
const (
	Open      InterventionState = "open"
	Completed InterventionState = "completed"
	Cancelled InterventionState = "cancelled"
)

// DefaultCMROfferDays is how soon after enrollment a CMR is due. domain.md
// 2.1 gives 60 days from a secondary source (UNCONFIRMED in CMS text), so it
// is a plan setting with this default.
const DefaultCMROfferDays = 60

// Intervention is one review due for one member in one period: the CMR of a
// program year ("2025"), the TMR of a quarter ("2025Q3"), or the follow-up
// of one finding (the finding's id).
type Intervention struct {
	PlanID      string
	MemberID    string
	Kind        InterventionKind
	Period      string
	DueOn       civil.Date
	State       InterventionState
	CompletedOn *civil.Date
	// Priority is the member's priority score when last assessed.
	Priority float64
	// Findings are the rule ids of the member's open findings (of the one
	// finding, for a follow-up).
	Findings []string
}

// ID is the intervention's id within its plan: stable, so the same
// enrollment applied twice yields the same interventions.
func (i Intervention) ID() string { return i.MemberID + "-" + string(i.Kind) + "-" + i.Period }

// Overdue reports whether the intervention is open past its due date.
func (i Intervention) Overdue(today civil.Date) bool { return i.State == Open && today > i.DueOn }

// DueFor lists what an enrollee is owed for the rest of the program year
// from enrolledOn: a CMR due cmrDays after enrollment (and by year end), and
// a TMR due by the end of each quarter from the enrollment's quarter on.
func DueFor(planID, memberID string, year int, enrolledOn civil.Date, cmrDays int) ([]Intervention, error) {
	if enrolledOn.Year() != year {
		return nil, errs.Invalid(errs.Field("enrolled_on", "must fall in the program year"))
	}
	if cmrDays < 1 || cmrDays > 365 {
		return nil, errs.Invalid(errs.Field("cmr_offer_days", "must be from 1 to 365"))
	}
	yearEnd := civil.YearEnd(year)
	out := []Intervention{{
		PlanID: planID, MemberID: memberID, Kind: CMR, Period: fmt.Sprint(year),
		DueOn: min(enrolledOn.AddDays(cmrDays), yearEnd), State: Open,
	}}
	_, month, _ := enrolledOn.YMD()
	for q := (month-1)/3 + 1; q <= 4; q++ {
		end, _ := civil.New(year, q*3+1, 1)
		if q == 4 {
			end = yearEnd.AddDays(1)
		}
		out = append(out, Intervention{
			PlanID: planID, MemberID: memberID, Kind: TMR, Period: fmt.Sprintf("%dQ%d", year, q),
			DueOn: end.AddDays(-1), State: Open,
		})
	}
	return out, nil
}

// PeriodOf is the period a review of kind done on day on counts for.
func PeriodOf(kind InterventionKind, on civil.Date) string {
	y, m, _ := on.YMD()
	if kind == CMR {
		return fmt.Sprint(y)
	}
	return fmt.Sprintf("%dQ%d", y, (m-1)/3+1)
}

// Complete records the review done on day on. Completing twice keeps the
// first date; a cancelled intervention cannot be completed.
func (i *Intervention) Complete(on civil.Date) error {
	switch i.State {
	case Completed:
		return nil
	case Cancelled:
		return errs.FailedPrecondition("the %s of %s was cancelled (the member opted out)", i.Kind, i.Period)
	}
	i.State, i.CompletedOn = Completed, &on
	return nil
}

// FollowUp is the intervention a new high-severity finding f calls for,
// due days after on.
func FollowUp(f Finding, on civil.Date, days int) Intervention {
	return Intervention{PlanID: f.PlanID, MemberID: f.MemberID, Kind: FindingFollowUp, Period: f.ID,
		DueOn: on.AddDays(days), State: Open, Findings: []string{f.RuleID}}
}

// Cancel closes an open intervention (the member opted out).
func (i *Intervention) Cancel() bool {
	if i.State != Open {
		return false
	}
	i.State = Cancelled
	return true
}

// Worklist selects a page of a plan's interventions: highest priority
// first, then soonest due.
type Worklist struct {
	PlanID string
	State  InterventionState
	// Finding, Measure and Language keep only members with an open finding
	// of that rule, below threshold on that measure, or speaking that
	// language; empty keeps everyone.
	Finding, Measure, Language string
	// After is where the previous page ended; nil for the first page.
	After *WorklistKey
	Limit int
}

// WorklistKey is an intervention's place in the worklist order.
type WorklistKey struct {
	Priority float64
	DueOn    civil.Date
	MemberID string
	Kind     InterventionKind
	Period   string
}

// Key is the intervention's place in the worklist order.
func (i Intervention) Key() WorklistKey {
	return WorklistKey{Priority: i.Priority, DueOn: i.DueOn, MemberID: i.MemberID, Kind: i.Kind, Period: i.Period}
}
