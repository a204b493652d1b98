package domain

import (
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// EnrollmentStatus is a member's state in the MTM program for one year.
type EnrollmentStatus string

// The enrollment states.
const (
	NotEnrolled EnrollmentStatus = "not_enrolled"
	Enrolled    EnrollmentStatus = "enrolled"
	OptedOut    EnrollmentStatus = "opted_out"
)

// OptOutReason is CMS's OPT_OUT_REASON (domain.md 1.5).
type OptOutReason string

// The CMS opt-out reasons.
const (
	OptOutDeath         OptOutReason = "01"
	OptOutDisenrollment OptOutReason = "02"
	OptOutMemberRequest OptOutReason = "03"
	OptOutOther         OptOutReason = "99"
)

// Valid reports whether r is a CMS opt-out reason code.
func (r OptOutReason) Valid() bool {
	switch r {
	case OptOutDeath, OptOutDisenrollment, OptOutMemberRequest, OptOutOther:
		return true
	}
	return false
}

// Enrollment is a member's MTM enrollment record for one program year: the
// CMS beneficiary-level fields (domain.md 3.1). Its zero value (with ids and
// year set) is a member never enrolled.
type Enrollment struct {
	PlanID      string
	MemberID    string
	ProgramYear int
	Status      EnrollmentStatus
	// Reason is the targeting reason at enrollment ("01", "02", "03").
	Reason          string
	DeterminationID string
	MetCriteriaOn   *civil.Date
	EnrolledOn      *civil.Date
	OptedOutOn      *civil.Date
	OptOutReason    OptOutReason
	CMROfferedOn    *civil.Date
	CMRDates        []civil.Date
	TMRCount        int
	// The latest determination of the year, whatever the status: what a
	// plan filters its worklist by.
	LastDeterminationID string
	Eligible            bool
	Diseases            []string
}

// NewEnrollment is the record of a member not (yet) enrolled in year.
func NewEnrollment(planID, memberID string, year int) Enrollment {
	return Enrollment{PlanID: planID, MemberID: memberID, ProgramYear: year, Status: NotEnrolled}
}

// Apply records determination d (made with id on day on) and enrolls the
// member when d finds them eligible: the program is opt-out, so eligible
// members are enrolled automatically. A member stays enrolled for the rest
// of the program year whatever later determinations find, and one who opted
// out is not enrolled again that year. It reports whether the member was
// newly enrolled.
func (e *Enrollment) Apply(d Determination, id string, on civil.Date) bool {
	if d.ContractYear != e.ProgramYear {
		return false
	}
	e.LastDeterminationID, e.Eligible = id, d.Eligible
	e.Diseases = make([]string, 0, len(d.Diseases))
	for _, c := range d.Diseases {
		e.Diseases = append(e.Diseases, c.Disease)
	}
	if !d.Eligible || e.Status != NotEnrolled {
		return false
	}
	met := d.AsOf
	e.Status = Enrolled
	e.Reason = d.Reason
	e.DeterminationID = id
	e.MetCriteriaOn = &met
	e.EnrolledOn = &on
	return true
}

// OptOut records that the member left the program on day on for reason. A
// member may opt out before being enrolled (they declined when offered),
// which keeps them out for the year. Opting out twice keeps the first date
// and reason.
func (e *Enrollment) OptOut(on civil.Date, reason OptOutReason) (changed bool, err error) {
	if !reason.Valid() {
		return false, errs.Invalid(errs.Field("reason", "must be a CMS opt-out reason: 01 death, 02 disenrollment, 03 member request, 99 other"))
	}
	if on.Year() != e.ProgramYear {
		return false, errs.Invalid(errs.Field("opted_out_on", "must fall in the program year"))
	}
	if e.Status == OptedOut {
		return false, nil
	}
	if e.EnrolledOn != nil && on < *e.EnrolledOn {
		return false, errs.Invalid(errs.Field("opted_out_on", "must not be before the enrollment date"))
	}
	e.Status = OptedOut
	e.OptedOutOn = &on
	e.OptOutReason = reason
	return true, nil
}
