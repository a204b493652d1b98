package adherence

import (
	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// NewFacts builds a member's facts from the records the eligibility
// service stores: its claims (paid and reversed: a reversal cancels the
// paid claim with the same claim_id), its diagnoses and its inpatient
// stays. Claims in no measure and not excluding from one are dropped, and
// so are records outside the period; the classifier names the drugs.
func NewFacts(c *Classifier, spec Spec, p Period, claims []domain.Claim, diagnoses []domain.Diagnosis, stays []Stay) (Facts, error) {
	y0, _, asOf, err := p.bounds()
	if err != nil {
		return Facts{}, err
	}
	var reversed map[string]bool
	for _, cl := range claims {
		if cl.Reversed {
			if reversed == nil {
				reversed = map[string]bool{}
			}
			reversed[cl.ClaimID] = true
		}
	}
	var f Facts
	for _, cl := range claims {
		if cl.Reversed || reversed[cl.ClaimID] || cl.FillDate < y0 || cl.FillDate > asOf {
			continue
		}
		if class := c.Classify(cl.GenericName); class.Relevant() {
			f.Fills = append(f.Fills, Fill{ClaimID: cl.ClaimID, FillDate: cl.FillDate, DaysSupply: cl.DaysSupply, Class: class})
		}
	}
	for _, d := range diagnoses {
		if d.ServiceDate >= y0 && d.ServiceDate <= asOf && spec.IsESRD(d.ICD10) {
			f.ESRD = true
			break
		}
	}
	for _, s := range stays {
		if s.Admit <= asOf && s.Discharge >= y0 {
			f.Stays = append(f.Stays, s)
		}
	}
	return f, nil
}
