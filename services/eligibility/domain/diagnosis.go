package domain

import (
	"strings"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// Diagnosis is an ICD-10-CM code from a medical claim: a row of
// diagnoses.csv.
type Diagnosis struct {
	PlanID      string
	MemberID    string
	ICD10       string // upper case, without the dot
	ServiceDate civil.Date
}

// DiagnosisInput is a diagnosis as a caller sends it, before validation.
type DiagnosisInput struct {
	MemberID, ICD10, ServiceDate string
}

// NewDiagnosis validates in (field names are the diagnoses.csv columns).
func NewDiagnosis(planID string, in DiagnosisInput) (Diagnosis, error) {
	var v errs.Violations
	d := Diagnosis{
		PlanID:   planID,
		MemberID: strings.TrimSpace(in.MemberID),
		ICD10:    strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(in.ICD10), ".", "")),
	}
	if p := checkMemberID(d.MemberID); p != "" {
		v.Add("member_id", p)
	}
	if !validICD10(d.ICD10) {
		v.Add("icd10", "must be an ICD-10-CM code: a letter, two characters, then up to 4 more (dot optional)")
	}
	d.ServiceDate = requiredDate(&v, "service_date", in.ServiceDate)
	if err := v.Err(); err != nil {
		return Diagnosis{}, err
	}
	return d, nil
}

// validICD10 checks the shape of an ICD-10-CM code without its dot: a
// letter, a digit, a letter or digit, then 0 to 4 letters or digits.
func validICD10(s string) bool {
	if len(s) < 3 || len(s) > 7 {
		return false
	}
	if s[0] < 'A' || s[0] > 'Z' || s[1] < '0' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
