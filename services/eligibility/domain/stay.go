package domain

import (
	"strings"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// InpatientStay is a hospital stay from a medical claim: a row of
// inpatient_stays.csv (services/README.md). Both days are inpatient days;
// the PQA PDC removes them from a treatment period.
type InpatientStay struct {
	PlanID    string
	MemberID  string
	Admit     civil.Date
	Discharge civil.Date
}

// InpatientStayInput is a stay as a caller sends it, before validation.
type InpatientStayInput struct {
	MemberID, AdmitDate, DischargeDate string
}

// NewInpatientStay validates in (field names are the inpatient_stays.csv
// columns). A discharge before the admission is refused on discharge_date.
func NewInpatientStay(planID string, in InpatientStayInput) (InpatientStay, error) {
	var v errs.Violations
	s := InpatientStay{PlanID: planID, MemberID: strings.TrimSpace(in.MemberID)}
	if p := checkMemberID(s.MemberID); p != "" {
		v.Add("member_id", p)
	}
	s.Admit = requiredDate(&v, "admit_date", in.AdmitDate)
	s.Discharge = requiredDate(&v, "discharge_date", in.DischargeDate)
	if err := v.Err(); err != nil {
		return InpatientStay{}, err
	}
	if s.Discharge < s.Admit {
		return InpatientStay{}, errs.Invalid(errs.Field("discharge_date", "must not be before admit_date"))
	}
	return s, nil
}
