package domain

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// The priority terms: what a member's need is made of. A plan weighs them
// (Settings.Weights); the score is the sum of value × weight, and every term
// is shown with its value, weight and contribution, so that a pharmacist or
// an auditor can see why one member comes before another.
const (
	TermFindingsHigh      = "findings.high"      // open high-severity findings
	TermFindingsModerate  = "findings.moderate"  // open moderate findings
	TermFindingsLow       = "findings.low"       // open low findings
	TermAdherenceClosable = "adherence.closable" // measures below threshold the member can still reach by year end
	TermAdherenceLost     = "adherence.lost"     // measures below threshold the member can no longer reach
	TermDrugCount         = "drug_count"         // distinct active ingredients with supply in the last 120 days
	TermCost              = "cost"               // drug cost of the last 365 days, thousands of dollars
	TermCMRUrgency        = "cmr.urgency"        // how close the open CMR is to its due date (see CMRUrgency)
)

// DefaultWeights are the weights of a plan that sets none. A high-severity
// finding outweighs everything but several of the others together; a gap
// that can still close comes next (outreach can change the year's rate);
// drug count and cost separate members with equal problems.
func DefaultWeights() map[string]float64 {
	return map[string]float64{
		TermFindingsHigh:      10,
		TermFindingsModerate:  4,
		TermFindingsLow:       1,
		TermAdherenceClosable: 8,
		TermAdherenceLost:     2,
		TermDrugCount:         0.5,
		TermCost:              0.25,
		TermCMRUrgency:        5,
	}
}

// Terms lists the term names in the order a Priority shows them.
func Terms() []string {
	return []string{TermFindingsHigh, TermFindingsModerate, TermFindingsLow, TermAdherenceClosable,
		TermAdherenceLost, TermDrugCount, TermCost, TermCMRUrgency}
}

// MaxWeight bounds a weight's size, so that one term cannot be made to
// swamp every other by a typo.
const MaxWeight = 1000

// CheckWeights validates a plan's weights; field is the path of the map.
func CheckWeights(field string, ws map[string]float64) errs.Violations {
	var v errs.Violations
	keys := make([]string, 0, len(ws))
	for k := range ws {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w := ws[k]
		switch {
		case !slices.Contains(Terms(), k):
			v.Add(field+"."+k, "unknown priority term (known: "+strings.Join(Terms(), ", ")+")")
		case math.IsNaN(w) || w < -MaxWeight || w > MaxWeight:
			v.Addf(field+"."+k, "must be a number from %d to %d", -MaxWeight, MaxWeight)
		}
	}
	return v
}

// CMRHorizonDays is how far ahead of its due date an open CMR starts to
// raise a member's priority.
const CMRHorizonDays = 60

// CMRUrgency is the cmr.urgency value of an open CMR due in dueIn days
// (negative when overdue): 0 while it is CMRHorizonDays or more away, rising
// to 1 on the due day and on to at most 2 when it is that long overdue.
func CMRUrgency(dueIn int) float64 {
	u := float64(CMRHorizonDays-dueIn) / CMRHorizonDays
	return math.Max(0, math.Min(2, u))
}

// PriorityInputs are the values the terms are computed from.
type PriorityInputs struct {
	FindingsHigh, FindingsModerate, FindingsLow int
	AdherenceClosable, AdherenceLost            int
	DrugCount                                   int
	CostCents                                   int64
	// CMRDueIn is the days until the open CMR is due (negative: overdue);
	// nil when the member has no open CMR.
	CMRDueIn *int
}

// Term is one part of a priority score.
type Term struct {
	Name                        string
	Value, Weight, Contribution float64
}

// Priority is a member's explainable priority: Score is the sum of the
// terms' contributions.
type Priority struct {
	Score float64
	Terms []Term
}

// Score weighs in's terms with ws (terms missing from ws take the default
// weight). The score is rounded to 4 decimals so that equal inputs order
// equally however the floats added up.
func Score(in PriorityInputs, ws map[string]float64) Priority {
	urgency := 0.0
	if in.CMRDueIn != nil {
		urgency = CMRUrgency(*in.CMRDueIn)
	}
	values := map[string]float64{
		TermFindingsHigh:      float64(in.FindingsHigh),
		TermFindingsModerate:  float64(in.FindingsModerate),
		TermFindingsLow:       float64(in.FindingsLow),
		TermAdherenceClosable: float64(in.AdherenceClosable),
		TermAdherenceLost:     float64(in.AdherenceLost),
		TermDrugCount:         float64(in.DrugCount),
		TermCost:              float64(in.CostCents) / 100_000,
		TermCMRUrgency:        urgency,
	}
	defaults := DefaultWeights()
	var p Priority
	for _, name := range Terms() {
		w, ok := ws[name]
		if !ok {
			w = defaults[name]
		}
		t := Term{Name: name, Value: round4(values[name]), Weight: w}
		t.Contribution = round4(t.Value * w)
		p.Terms = append(p.Terms, t)
		p.Score += t.Contribution
	}
	p.Score = round4(p.Score)
	return p
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }
