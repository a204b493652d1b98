package batch

import (
	"context"
	"io"
	"strconv"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/jsonenc"
)

// evalBlock is how many members one goroutine evaluates and encodes at a
// time: a few hundred kilobytes of output.
const evalBlock = 2048

// tally counts the results by targeting reason ("" = not eligible).
type tally map[string]int64

// write evaluates every member with domain.Evaluate, the service's
// evaluator, and writes one JSON line each to w in input order. Blocks of
// members are evaluated on workers goroutines and written in order.
func (pop *population) write(ctx context.Context, w io.Writer, rules domain.Rules, asOf civil.Date, workers int) (tally, error) {
	tallies := make([]tally, 2*workers)
	for k := range tallies {
		tallies[k] = tally{}
	}
	err := InBlocks(ctx, w, len(pop.members), evalBlock, len(tallies), func(k, lo, hi int, b []byte) ([]byte, error) {
		return pop.evaluate(b, lo, hi, rules, asOf, tallies[k]), nil
	})
	if err != nil {
		return nil, err
	}
	total := tally{}
	for _, t := range tallies {
		for reason, c := range t {
			total[reason] += c
		}
	}
	return total, nil
}

// evaluate appends the results of members lo to hi-1 to b, counting them
// in t.
func (pop *population) evaluate(b []byte, lo, hi int, rules domain.Rules, asOf civil.Date, t tally) []byte {
	for i := int32(lo); i < int32(hi); i++ {
		d := domain.Evaluate(pop.domain(i), pop.builders[i].Facts(), rules, asOf)
		t[d.Reason]++
		b = appendResult(b, d, pop.members[i].dmp)
	}
	return b
}

// appendResult appends the formats.md JSON line of a determination, with
// exactly its keys in its order; targeting_reason only when eligible.
func appendResult(b []byte, d domain.Determination, dmp bool) []byte {
	b = append(b, `{"member_id":`...)
	b = jsonenc.AppendString(b, d.MemberID)
	b = append(b, `,"eligible":`...)
	b = strconv.AppendBool(b, d.Eligible)
	if d.Eligible && d.Reason != "" {
		b = append(b, `,"targeting_reason":`...)
		b = jsonenc.AppendString(b, d.Reason)
	}
	b = append(b, `,"chronic_diseases":[`...)
	for i, c := range d.Diseases {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"disease":`...)
		b = jsonenc.AppendString(b, c.Disease)
		b = append(b, `,"source":`...)
		b = jsonenc.AppendString(b, c.Source)
		b = append(b, '}')
	}
	b = append(b, `],"maintenance_drug_count":`...)
	b = strconv.AppendInt(b, int64(d.MaintenanceDrugCount), 10)
	b = append(b, `,"projected_annual_cost":"`...)
	b = append(b, domain.FormatCents(d.ProjectedAnnualCostCents)...)
	b = append(b, `","dmp_at_risk":`...)
	b = strconv.AppendBool(b, dmp)
	return append(b, "}\n"...)
}
