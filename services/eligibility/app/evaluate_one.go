package app

import (
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// evaluate decides one member from their records under rules as of asOf,
// with the evidence a recorded determination keeps. It is the one
// per-member evaluation of the service: EvaluateMember and evaluation runs
// both call it, so a run decides exactly as :evaluate does. fb must have
// been made for rules and asOf; it is reset first.
func evaluate(fb *domain.FactsBuilder, mr MemberRecords, rules domain.Rules, asOf civil.Date) domain.Determination {
	fb.Reset()
	for _, c := range mr.Claims {
		fb.AddClaim(c)
	}
	for _, d := range mr.Diagnoses {
		fb.AddDiagnosis(d)
	}
	return domain.Evaluate(mr.Member, fb.Facts(), rules, asOf)
}

// dataSince is the first day of data evaluating under rules as of asOf
// reads: the start of its longest window.
func dataSince(rules domain.Rules, asOf civil.Date) civil.Date {
	longest := max(rules.DiseaseWindowDays, rules.DrugWindowDays, rules.CostWindowDays)
	return asOf.AddDays(1 - longest)
}

// enroll applies determination d, recorded under id, to the member's
// enrollment record: the opt-out program enrolls an eligible member on the
// day they were found eligible.
func enroll(e *domain.Enrollment, d domain.Determination, id string) {
	e.Apply(d, id, d.AsOf)
}
