package domain

import (
	"fmt"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// Evaluate decides whether member m qualifies for MTM on asOf under rules,
// from facts f built with the same rules and as-of date. It is the one
// evaluator the service and the batch command share.
//
// The criteria, in order: COVERAGE (m's coverage includes asOf);
// CHRONIC_DISEASES (core diseases of the rules found, against MinDiseases),
// MAINTENANCE_DRUGS (against MinDrugs) and ANNUAL_COST (projected cost
// against the threshold, met when equal), or instead of those three the
// PROGRAM criterion of a CEL program; then DMP_AT_RISK. A member is eligible
// when covered and either meeting every criterion between or being a DMP
// at-risk beneficiary (domain.md 1.2), with targeting reason 01 (criteria),
// 02 (DMP only) or 03 (both).
func Evaluate(m Member, f Facts, rules Rules, asOf civil.Date) Determination {
	f.AsOf = asOf
	f = f.WithMember(m)
	core := DiseaseSetOf(rules.CoreDiseases...)
	diagnosed, implied := f.Diagnosed&core, f.DrugImplied&core
	d := Determination{
		PlanID:                   m.PlanID,
		MemberID:                 m.MemberID,
		ContractYear:             rules.ContractYear,
		AsOf:                     asOf,
		RuleSet:                  rules.Name,
		Diseases:                 conditions(diagnosed, implied),
		MaintenanceDrugCount:     len(f.Ingredients),
		ProjectedAnnualCostCents: f.ProjectedAnnualCostCents,
		Criteria:                 make([]Criterion, 0, 5),
	}
	ev := f.Evidence
	if ev == nil {
		ev = &FactsEvidence{}
	}

	covered := m.Covers(asOf)
	d.Criteria = append(d.Criteria, yesNo(CriterionCoverage, covered, coverageDetail(m, asOf)))

	var criteriaMet bool
	if rules.Program != nil {
		f.Diagnosed, f.DrugImplied = diagnosed, implied
		ok, err := rules.Program.Eval(f)
		c := yesNo(CriterionProgram, ok && err == nil, rules.Program.Source())
		if err != nil {
			c.Detail = fmt.Sprintf("%s (not met: %v)", rules.Program.Source(), err)
		}
		// The diseases and drugs behind the facts; cost rows would repeat
		// the drug fills.
		c.Evidence = append(append([]Evidence(nil), ev.Diseases...), ev.Drugs...)
		d.Criteria = append(d.Criteria, c)
		criteriaMet = c.Met
	} else {
		n := (diagnosed | implied).Len()
		d.Criteria = append(d.Criteria,
			Criterion{Kind: CriterionChronicDiseases, Value: int64(n), Threshold: int64(rules.MinDiseases),
				Met: n >= rules.MinDiseases, Evidence: ev.Diseases},
			Criterion{Kind: CriterionMaintenanceDrugs, Value: int64(len(f.Ingredients)), Threshold: int64(rules.MinDrugs),
				Met: len(f.Ingredients) >= rules.MinDrugs, Evidence: ev.Drugs},
			Criterion{Kind: CriterionAnnualCost, Value: f.ProjectedAnnualCostCents, Threshold: rules.CostThresholdCents,
				Met: f.ProjectedAnnualCostCents >= rules.CostThresholdCents, Evidence: ev.Cost},
		)
		criteriaMet = d.Criteria[1].Met && d.Criteria[2].Met && d.Criteria[3].Met
	}

	dmp := m.DMPAtRisk
	d.Criteria = append(d.Criteria, yesNo(CriterionDMPAtRisk, dmp, ""))

	d.Eligible = covered && (criteriaMet || dmp)
	switch {
	case !d.Eligible:
	case criteriaMet && dmp:
		d.Reason = ReasonBoth
	case dmp:
		d.Reason = ReasonDMP
	default:
		d.Reason = ReasonCriteria
	}
	return d
}

// yesNo builds a criterion whose value is 1 (yes) or 0 (no) against 1.
func yesNo(kind string, met bool, detail string) Criterion {
	c := Criterion{Kind: kind, Met: met, Threshold: 1, Detail: detail}
	if met {
		c.Value = 1
	}
	return c
}

func coverageDetail(m Member, asOf civil.Date) string {
	end := "open"
	if m.CoverageEnd != nil {
		end = m.CoverageEnd.String()
	}
	verb := "includes"
	if !m.Covers(asOf) {
		verb = "does not include"
	}
	return fmt.Sprintf("coverage %s to %s %s %s", m.CoverageStart, end, verb, asOf)
}

// conditions lists the diseases found with their source, by disease key.
func conditions(diagnosed, implied DiseaseSet) []ConditionFound {
	keys := (diagnosed | implied).Keys()
	out := make([]ConditionFound, len(keys))
	for i, k := range keys {
		src := SourceBoth
		switch {
		case !implied.Has(k):
			src = SourceDiagnosis
		case !diagnosed.Has(k):
			src = SourceDrug
		}
		out[i] = ConditionFound{Disease: k, Source: src}
	}
	return out
}
