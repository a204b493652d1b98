package batch

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

// readCounts are what a file held, for the summary.
type readCounts struct{ kept, cancelled, unknown, esrd int64 }

// addClaims reads rx_claims.csv in chunks and keeps every paid claim up to
// the as-of date that a reversal does not cancel and that either reaches
// into the rules' look-back with a drug the reference knows, or is a fill
// of the measurement year that a PDC counts or excludes by. Everything else
// is dropped as soon as it is parsed.
func (r *run) addClaims(ctx context.Context, members *elig.Members, rev *elig.Reversals, st *state) (readCounts, error) {
	var kept, cancelled, unknown atomic.Int64
	var header sync.Once
	opts := intake.Options{File: r.in.claims.Name()}
	st.startFile()
	err := r.in.claims.EachChunk(ctx, r.split, r.prog, func(c elig.Chunk) error {
		header.Do(func() { st.header = slices.Clone(c.Header()) })
		var (
			p       pending
			k, x, u int64
			bad     error
		)
		rows, names, find := c.Offsets(), r.names.cache(), members.Finder()
		sum, err := intake.Claims(c.Reader(), planID, r.cfg.Reference.NDC, opts, func(line int64, cl domain.Claim) error {
			if cl.Reversed || cl.FillDate > r.cfg.AsOf {
				return nil
			}
			name, info, err := names.get(cl.GenericName)
			if err != nil {
				bad = err
				return err
			}
			screened := info.screened && cl.FillDate.AddDays(int(cl.DaysSupply)-1) >= r.earliest
			measured := r.pdc && info.class.Relevant() && cl.FillDate >= r.y0 && cl.FillDate <= r.yLast
			if !screened && !measured {
				return nil
			}
			if rev.Has(cl.ClaimID) {
				x++
				return nil
			}
			i, ok := find.Find(cl.MemberID)
			if !ok {
				u++
				return nil
			}
			at := rows.At(line)
			if at > maxOffset {
				bad = fmt.Errorf("larger than %d bytes: too large for one run", int64(maxOffset))
				return bad
			}
			k++
			p.claims = append(p.claims, pendingClaim{member: i, rec: claimRec{ago: uint16(r.cfg.AsOf - cl.FillDate),
				supply: uint16(cl.DaysSupply), row: uint64(at)<<nameBits | uint64(name)}})
			return nil
		})
		r.prog.AddRows(sum.Rows)
		kept.Add(k)
		cancelled.Add(x)
		unknown.Add(u)
		if bad != nil {
			return bad // not a bad row: EachChunk names the file, not a line
		}
		if err != nil {
			return err
		}
		return st.commit(c.Seq(), &p)
	}, func(rd io.Reader) error {
		_, err := intake.Claims(rd, planID, r.cfg.Reference.NDC, opts, func(int64, domain.Claim) error { return nil })
		return err
	})
	return readCounts{kept: kept.Load(), cancelled: cancelled.Load(), unknown: unknown.Load()}, err
}

// addDiagnoses reads diagnoses.csv for the diagnoses of the look-back whose
// codes a rule looks for, and for ESRD diagnoses of the measurement year
// (a PDC exclusion).
func (r *run) addDiagnoses(ctx context.Context, members *elig.Members, st *state) (readCounts, error) {
	var kept, esrd, unknown atomic.Int64
	opts := intake.Options{File: r.in.diagnoses.Name()}
	st.startFile()
	err := r.in.diagnoses.EachChunk(ctx, r.split, r.prog, func(c elig.Chunk) error {
		var (
			p   pending
			u   int64
			bad error
		)
		codes, find := r.codes.cache(), members.Finder()
		sum, err := intake.Diagnoses(c.Reader(), planID, opts, func(_ int64, d domain.Diagnosis) error {
			if d.ServiceDate > r.cfg.AsOf {
				return nil
			}
			code, looked, err := codes.get(d.ICD10)
			if err != nil {
				bad = err
				return err
			}
			screened := looked && d.ServiceDate >= r.earliest
			isESRD := r.pdc && d.ServiceDate >= r.y0 && d.ServiceDate <= r.yLast && r.spec.IsESRD(d.ICD10)
			if !screened && !isESRD {
				return nil
			}
			i, ok := find.Find(d.MemberID)
			if !ok {
				u++
				return nil
			}
			if screened {
				p.dx = append(p.dx, pendingDx{member: i, rec: dxRec{ago: uint16(r.cfg.AsOf - d.ServiceDate), code: code}})
			}
			if isESRD {
				p.esrd = append(p.esrd, i)
			}
			return nil
		})
		r.prog.AddRows(sum.Rows)
		kept.Add(int64(len(p.dx)))
		esrd.Add(int64(len(p.esrd)))
		unknown.Add(u)
		if bad != nil {
			return bad
		}
		if err != nil {
			return err
		}
		return st.commit(c.Seq(), &p)
	}, func(rd io.Reader) error {
		_, err := intake.Diagnoses(rd, planID, opts, func(int64, domain.Diagnosis) error { return nil })
		return err
	})
	return readCounts{kept: kept.Load(), esrd: esrd.Load(), unknown: unknown.Load()}, err
}
