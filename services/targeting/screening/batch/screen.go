package batch

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/targeting/adherence"
	"github.com/openmtm/openmtm/services/targeting/screening"
)

// block is how many members one goroutine screens, names and encodes at a
// time: a few hundred kilobytes of findings.
const block = 2048

// tally counts what the run wrote, for the summary.
type tally struct {
	findings, members, ids int64
	byRule                 map[string]int64
}

func (t *tally) merge(o tally) {
	t.findings, t.members, t.ids = t.findings+o.findings, t.members+o.members, t.ids+o.ids
	for id, n := range o.byRule {
		t.byRule[id] += n
	}
}

// worker is one slot's reusable scratch.
type worker struct {
	screener *screening.Screener
	eval     *adherence.Evaluator
	facts    adherence.Facts
	pdc      map[string]float64
	claims   []domain.Claim
	rows     []int64 // the file offset of each of claims
	dx       []domain.Diagnosis
	// indexes are the claim ids the screener is given: a claim's index in
	// claims, so that a finding's claims can be traced back to their rows.
	indexes []string
	found   []memberFindings
	refs    []claimRef
	ids     *idReader
	t       tally
}

// memberFindings are one member's findings, awaiting their claim ids.
type memberFindings struct {
	member   int32
	findings []screening.Finding
}

// claimRef is a claim a finding names, and the row its id is on.
type claimRef struct {
	ref *screening.ClaimRef
	row int64
}

// write screens every member and writes the findings to w in members.csv
// order: blocks of members are screened on the workers, the ids of the
// claims their findings name are read back from rx_claims.csv, and the
// blocks are written in order.
func (r *run) write(ctx context.Context, w io.Writer, members *elig.Members, st *state) (tally, error) {
	total := tally{byRule: map[string]int64{}}
	ids, ok := elig.ClaimIDsOf(st.header)
	if !ok {
		return total, fmt.Errorf("%s: no claim_id column", r.in.claims.Name())
	}
	f, err := os.Open(r.in.claims.Name())
	if err != nil {
		return total, fmt.Errorf("open %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return total, err
	}
	workers := make([]*worker, 2*r.split.Workers)
	for k := range workers {
		eval, err := adherence.NewEvaluator(r.spec)
		if err != nil {
			return total, err
		}
		workers[k] = &worker{screener: screening.NewScreener(r.rules), eval: eval, pdc: map[string]float64{},
			ids: &idReader{f: f, size: info.Size(), ids: ids, file: r.in.claims.Name()}, t: tally{byRule: map[string]int64{}}}
	}
	err = elig.InBlocks(ctx, w, members.Len(), block, len(workers), func(k, lo, hi int, buf []byte) ([]byte, error) {
		buf, err := r.screenBlock(workers[k], members, st, lo, hi, buf)
		r.prog.AddRows(int64(hi - lo))
		return buf, err
	})
	for _, wk := range workers {
		total.merge(wk.t)
	}
	return total, err
}

// screenBlock appends the findings of members lo to hi-1 to buf.
func (r *run) screenBlock(wk *worker, members *elig.Members, st *state, lo, hi int, buf []byte) ([]byte, error) {
	wk.found, wk.refs = wk.found[:0], wk.refs[:0]
	for i := int32(lo); i < int32(hi); i++ {
		if st.claimsOf[i] == 0 {
			continue // every rule reads claims, the adherence rule through PDCs
		}
		findings, err := r.screen(wk, members, st, i)
		if err != nil {
			return buf, err
		}
		if len(findings) == 0 {
			continue
		}
		for j := range findings {
			f := &findings[j]
			wk.t.byRule[f.RuleID]++
			for c := range f.Evidence.Claims {
				ref := &f.Evidence.Claims[c]
				k, err := strconv.Atoi(ref.ClaimID)
				if err != nil || k >= len(wk.rows) {
					return buf, fmt.Errorf("screening named claim %q, which it was not given", ref.ClaimID)
				}
				wk.refs = append(wk.refs, claimRef{ref: ref, row: wk.rows[k]})
			}
		}
		wk.found = append(wk.found, memberFindings{member: i, findings: findings})
	}
	n, err := wk.ids.name(wk.refs)
	if err != nil {
		return buf, err
	}
	wk.t.ids += int64(n)
	for _, mf := range wk.found {
		id := members.ID(mf.member)
		for j := range mf.findings {
			if buf, err = appendFinding(buf, id, &mf.findings[j]); err != nil {
				return buf, err
			}
		}
		wk.t.findings += int64(len(mf.findings))
		wk.t.members++
	}
	return buf, nil
}

// screen rebuilds member i's claims, diagnoses and PDCs from what the run
// kept, as the service would hand them over (claims and diagnoses in file
// order), and screens them.
func (r *run) screen(wk *worker, members *elig.Members, st *state, i int32) ([]screening.Finding, error) {
	wk.claims, wk.rows, wk.facts.Fills = wk.claims[:0], wk.rows[:0], wk.facts.Fills[:0]
	for at := st.claimsOf[i]; at != 0; {
		c := st.claims.At(at)
		at = c.next
		date, name := r.cfg.AsOf-civil.Date(c.ago), uint32(c.row&maxNames)
		info := r.names.facts(name)
		if info.screened && date.AddDays(int(c.supply)-1) >= r.earliest {
			wk.claims = append(wk.claims, domain.Claim{FillDate: date, GenericName: r.names.word(name), DaysSupply: int32(c.supply)})
			wk.rows = append(wk.rows, int64(c.row>>nameBits))
		}
		if r.pdc && info.class.Relevant() && date >= r.y0 && date <= r.yLast {
			wk.facts.Fills = append(wk.facts.Fills, adherence.Fill{FillDate: date, DaysSupply: int32(c.supply), Class: info.class})
		}
	}
	slices.Reverse(wk.claims)
	slices.Reverse(wk.rows)
	for k := range wk.claims {
		wk.claims[k].ClaimID = wk.index(k)
	}
	wk.dx = wk.dx[:0]
	for at := st.dxOf[i]; at != 0; {
		d := st.dx.At(at)
		at = d.next
		wk.dx = append(wk.dx, domain.Diagnosis{ICD10: r.codes.word(d.code), ServiceDate: r.cfg.AsOf - civil.Date(d.ago)})
	}
	slices.Reverse(wk.dx)

	mf := members.Facts(i)
	clear(wk.pdc)
	if len(wk.facts.Fills) > 0 {
		wk.facts.ESRD = st.esrd[i]
		m := adherence.Member{BirthDate: mf.BirthDate, Hospice: mf.Hospice}
		if mf.CoverageEnded {
			m.CoverageEnd = mf.CoverageEnd
		}
		results, err := wk.eval.Evaluate(r.period, m, wk.facts, false)
		if err != nil {
			return nil, err
		}
		for _, res := range results {
			if res.Status == adherence.StatusInDenominator {
				wk.pdc[res.Measure.String()] = res.PDC()
			}
		}
	}
	if len(wk.claims) == 0 && len(wk.pdc) == 0 {
		return nil, nil
	}
	return wk.screener.Screen(screening.MemberInput{Age: screening.AgeOn(mf.BirthDate, r.cfg.AsOf), Hospice: mf.Hospice,
		Claims: wk.claims, Diagnoses: wk.dx, PDC: wk.pdc}, r.cfg.AsOf), nil
}

// index returns claim k's stand-in id, the number k.
func (wk *worker) index(k int) string {
	for len(wk.indexes) <= k {
		wk.indexes = append(wk.indexes, strconv.Itoa(len(wk.indexes)))
	}
	return wk.indexes[k]
}
