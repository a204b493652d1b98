// Package assess turns one member's clinical record into what targeting
// keeps of the member: the adherence measures (package adherence), the drug
// therapy problems (package screening) and the inputs of the priority score
// (domain.Score). It is pure, so the service's event handlers, its RPCs and
// its plan-wide runs assess a member the same way.
package assess

import (
	"sync"

	edomain "github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
	"github.com/openmtm/openmtm/services/targeting/adherence"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/screening"
)

// Record is one member's clinical record as eligibility keeps it.
type Record struct {
	Member    edomain.Member
	Claims    []edomain.Claim
	Diagnoses []edomain.Diagnosis
	Stays     []adherence.Stay
}

// LookbackDays is how far before the as-of date a record must reach: the
// longest screening window (two years) plus a year of days supply that may
// carry a fill from before it into it.
const LookbackDays = 730 + 366

// Since is the first day of the records an assessment on asOf reads: the
// look-back, and never later than 1 January of the measurement year.
func Since(asOf civil.Date) civil.Date {
	return min(asOf.AddDays(-LookbackDays), civil.YearStart(asOf.Year()))
}

// Windows of the drug count and cost terms.
const (
	drugCountDays = 120
	costDays      = 365
)

// Assessor assesses members; it is safe for concurrent use.
type Assessor struct {
	classify *adherence.Classifier
	spec     adherence.Spec
	evals    sync.Pool // *adherence.Evaluator: not safe for concurrent use
}

// New returns an Assessor over the reference data's drugs and PQA's
// measure specification.
func New(ref *reference.Reference) (*Assessor, error) {
	spec := adherence.DefaultSpec()
	if _, err := adherence.NewEvaluator(spec); err != nil {
		return nil, err
	}
	return &Assessor{classify: adherence.NewClassifier(ref.Drugs), spec: spec}, nil
}

// Assessment is what one assessment found.
type Assessment struct {
	PlanID, MemberID string
	AsOf             civil.Date
	Measures         []domain.MeasureResult
	Findings         []screening.Finding
	// Inputs are the priority inputs but the CMR's, which the caller knows.
	Inputs domain.PriorityInputs
}

// Assess measures and screens rec as of asOf with the rules rs.
func (a *Assessor) Assess(rec Record, asOf civil.Date, rs *screening.RuleSet) (Assessment, error) {
	m := rec.Member
	out := Assessment{PlanID: m.PlanID, MemberID: m.MemberID, AsOf: asOf}
	period := adherence.Period{Year: asOf.Year(), AsOf: asOf}
	measures, err := a.Measures(rec, period)
	if err != nil {
		return out, err
	}
	out.Measures = measures
	pdc := make(map[string]float64, len(measures))
	for _, r := range measures {
		pdc[r.Measure] = r.PDC
		switch r.Outlook {
		case adherence.OutlookReachable.String():
			out.Inputs.AdherenceClosable++
		case adherence.OutlookLost.String():
			out.Inputs.AdherenceLost++
		case adherence.OutlookNone.String():
			if !r.Adherent {
				out.Inputs.AdherenceLost++
			}
		}
	}
	out.Findings = rs.Screen(screening.MemberInput{
		Age:       screening.AgeOn(m.BirthDate, asOf),
		Hospice:   m.Hospice,
		Claims:    rec.Claims,
		Diagnoses: rec.Diagnoses,
		PDC:       pdc,
	}, asOf)
	for _, f := range out.Findings {
		switch f.Severity {
		case screening.High:
			out.Inputs.FindingsHigh++
		case screening.Moderate:
			out.Inputs.FindingsModerate++
		default:
			out.Inputs.FindingsLow++
		}
	}
	out.Inputs.DrugCount, out.Inputs.CostCents = usage(rec.Claims, asOf)
	return out, nil
}

// Measures computes the member's adherence measures for period, those
// whose denominator the member is in, with the fills used.
func (a *Assessor) Measures(rec Record, period adherence.Period) ([]domain.MeasureResult, error) {
	asOf := period.AsOf
	if end := civil.YearEnd(period.Year); asOf == 0 || asOf > end {
		asOf = end
	}
	var out []domain.MeasureResult
	err := a.evaluate(rec, period, true, func(results []adherence.Result) {
		for _, r := range results {
			if r.Status != adherence.StatusInDenominator {
				continue
			}
			mr := domain.MeasureResult{
				Measure: r.Measure.String(), Year: period.Year, AsOf: asOf,
				PDC: r.PDC(), Adherent: r.Adherent, DaysCovered: r.DaysCovered, TreatmentDays: r.TreatmentDays,
				Outlook: r.Projection.Outlook.String(), ProjectedPDC: r.Projection.PDC(), RefillBy: r.Projection.RefillBy,
			}
			for _, f := range r.Fills {
				mr.Fills = append(mr.Fills, domain.FillUsed{ClaimID: f.ClaimID, GenericName: a.classify.DrugName(f.Drug),
					FillDate: f.FillDate, CountedFrom: f.CountedFrom, DaysSupply: f.DaysSupply})
			}
			out = append(out, mr)
		}
	})
	return out, err
}

// AddRates counts rec's results for period into rs, for a plan's report.
func (a *Assessor) AddRates(rec Record, period adherence.Period, rs *adherence.Rates) error {
	return a.evaluate(rec, period, false, rs.Add)
}

// evaluate runs the measures on a pooled evaluator and hands the results,
// which the evaluator reuses, to use.
func (a *Assessor) evaluate(rec Record, period adherence.Period, detail bool, use func([]adherence.Result)) error {
	facts, err := adherence.NewFacts(a.classify, a.spec, period, rec.Claims, rec.Diagnoses, rec.Stays)
	if err != nil {
		return err
	}
	ev, _ := a.evals.Get().(*adherence.Evaluator)
	if ev == nil {
		if ev, err = adherence.NewEvaluator(a.spec); err != nil {
			return err
		}
	}
	defer a.evals.Put(ev)
	m := rec.Member
	member := adherence.Member{MemberID: m.MemberID, BirthDate: m.BirthDate, Hospice: m.Hospice}
	if m.CoverageEnd != nil {
		member.CoverageEnd = *m.CoverageEnd
	}
	results, err := ev.Evaluate(period, member, facts, detail)
	if err != nil {
		return err
	}
	use(results)
	return nil
}

// usage counts the distinct active ingredients with supply in the last
// drugCountDays and adds up the cost of the last costDays, over paid claims
// no reversal cancels.
func usage(claims []edomain.Claim, asOf civil.Date) (drugs int, cents int64) {
	reversed := map[string]bool{}
	for _, c := range claims {
		if c.Reversed {
			reversed[c.ClaimID] = true
		}
	}
	seen := map[string]bool{}
	recent, yearAgo := asOf.AddDays(-(drugCountDays - 1)), asOf.AddDays(-(costDays - 1))
	for _, c := range claims {
		if c.Reversed || reversed[c.ClaimID] || c.FillDate > asOf {
			continue
		}
		if c.FillDate >= yearAgo {
			cents += c.TotalCost
		}
		if c.FillDate.AddDays(int(c.DaysSupply)-1) >= recent {
			for _, ing := range c.Ingredients() {
				seen[ing] = true
			}
		}
	}
	return len(seen), cents
}
