package batch

import (
	"context"
	"io"
	"strconv"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/platform/jsonenc"
	"github.com/openmtm/openmtm/services/targeting/adherence"
)

// block is how many members one goroutine computes and encodes at a time.
const block = 4096

// worker is one goroutine's reusable scratch.
type worker struct {
	eval  *adherence.Evaluator
	facts adherence.Facts
	buf   []byte
	rates adherence.Rates
	lines int64
}

// write computes every member's measures with adherence.Evaluator and
// writes the formats.md lines to w in members.csv order: blocks of members
// are computed on the workers and written in order.
func (r *run) write(ctx context.Context, w io.Writer, members *elig.Members, st *state) (adherence.Rates, int64, error) {
	var (
		total adherence.Rates
		lines int64
	)
	workers := make([]*worker, r.split.Workers)
	for k := range workers {
		e, err := adherence.NewEvaluator(r.spec)
		if err != nil {
			return total, 0, err
		}
		workers[k] = &worker{eval: e}
	}
	err := elig.InBlocks(ctx, w, members.Len(), block, len(workers), func(k, from, to int, buf []byte) ([]byte, error) {
		wk := workers[k]
		wk.buf = buf
		err := r.compute(wk, members, st, from, to)
		r.prog.AddRows(int64(to - from))
		return wk.buf, err
	})
	if err != nil {
		return total, 0, err
	}
	for _, wk := range workers {
		total.Merge(wk.rates)
		lines += wk.lines
	}
	return total, lines, nil
}

// compute appends the lines of members from to to-1 to wk.buf.
func (r *run) compute(wk *worker, members *elig.Members, st *state, from, to int) error {
	for i := int32(from); i < int32(to); i++ {
		if st.heads[i] == 0 {
			continue // no fill of any measure: in no denominator
		}
		st.facts(i, r.y0, &wk.facts)
		mf := members.Facts(i)
		m := adherence.Member{BirthDate: mf.BirthDate, Hospice: mf.Hospice}
		if mf.CoverageEnded {
			m.CoverageEnd = mf.CoverageEnd
		}
		results, err := wk.eval.Evaluate(r.period, m, wk.facts, false)
		if err != nil {
			return err
		}
		wk.rates.Add(results)
		id := members.ID(i)
		for _, res := range results {
			if res.Status == adherence.StatusInDenominator {
				wk.buf = appendLine(wk.buf, id, res)
				wk.lines++
			}
		}
	}
	return nil
}

// appendLine appends the formats.md line of one result, with exactly its
// keys in its order:
// {"member_id":"M001","measure":"statins","pdc":0.8356,"adherent":true,"days_covered":290,"treatment_days":347}
func appendLine(b []byte, memberID string, r adherence.Result) []byte {
	b = append(b, `{"member_id":`...)
	b = jsonenc.AppendString(b, memberID)
	b = append(b, `,"measure":"`...)
	b = append(b, r.Measure.String()...)
	b = append(b, `","pdc":`...)
	// The shortest form that reads back as the same double: 0.8356, 0.8, 1.
	b = strconv.AppendFloat(b, r.PDC(), 'f', -1, 64)
	b = append(b, `,"adherent":`...)
	b = strconv.AppendBool(b, r.Adherent)
	b = append(b, `,"days_covered":`...)
	b = strconv.AppendInt(b, int64(r.DaysCovered), 10)
	b = append(b, `,"treatment_days":`...)
	b = strconv.AppendInt(b, int64(r.TreatmentDays), 10)
	return append(b, "}\n"...)
}
