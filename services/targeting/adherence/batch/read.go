package batch

import (
	"context"
	"io"
	"sync/atomic"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

// claimCounts are what the claims file held, for the summary.
type claimCounts struct{ kept, cancelled, unknown int64 }

// addClaims reads rx_claims.csv in chunks and keeps every paid claim of
// the year, up to the as-of date, that a measure counts or that excludes
// from one, unless a reversal cancels it. Everything else is dropped as
// soon as it is parsed.
func (r *run) addClaims(ctx context.Context, members *elig.Members, rev *elig.Reversals, st *state) (claimCounts, error) {
	var kept, cancelled, unknown atomic.Int64
	ref := r.cfg.Reference
	opts := intake.Options{File: r.in.claims.Name()}
	err := r.in.claims.Each(ctx, r.split, r.prog, func(_ int, rd io.Reader) error {
		var p pending
		var k, c, u int64
		find := members.Finder()
		sum, err := intake.Claims(rd, planID, ref.NDC, opts, func(_ int64, cl domain.Claim) error {
			if cl.Reversed || cl.FillDate < r.y0 || cl.FillDate > r.last {
				return nil
			}
			class := r.classify.Classify(cl.GenericName)
			if !class.Relevant() {
				return nil
			}
			if rev.Has(cl.ClaimID) {
				c++
				return nil
			}
			i, ok := find.Find(cl.MemberID)
			if !ok {
				u++
				return nil
			}
			k++
			var flag uint8
			if class.Insulin {
				flag |= flagInsulin
			}
			if class.SacubitrilValsartan {
				flag |= flagSacVal
			}
			if flag != 0 {
				p.flags = append(p.flags, pendingFlag{member: i, flag: flag})
			}
			if class.Measures != 0 {
				p.fills = append(p.fills, pendingFill{member: i, rec: fillRec{day: uint16(cl.FillDate - r.y0),
					supply: uint16(cl.DaysSupply), drug: class.Drug, measures: class.Measures}})
			}
			return nil
		})
		r.prog.AddRows(sum.Rows)
		kept.Add(k)
		cancelled.Add(c)
		unknown.Add(u)
		if err != nil {
			return err
		}
		return st.commit(&p)
	}, func(rd io.Reader) error {
		_, err := intake.Claims(rd, planID, ref.NDC, opts, func(int64, domain.Claim) error { return nil })
		return err
	})
	return claimCounts{kept: kept.Load(), cancelled: cancelled.Load(), unknown: unknown.Load()}, err
}

// addDiagnoses reads diagnoses.csv for ESRD diagnoses in the year, up to
// the as-of date.
func (r *run) addDiagnoses(ctx context.Context, members *elig.Members, st *state) (int64, error) {
	var esrd atomic.Int64
	opts := intake.Options{File: r.in.diagnoses.Name()}
	err := r.in.diagnoses.Each(ctx, r.split, r.prog, func(_ int, rd io.Reader) error {
		var p pending
		find := members.Finder()
		sum, err := intake.Diagnoses(rd, planID, opts, func(_ int64, d domain.Diagnosis) error {
			if d.ServiceDate < r.y0 || d.ServiceDate > r.last || !r.spec.IsESRD(d.ICD10) {
				return nil
			}
			if i, ok := find.Find(d.MemberID); ok {
				p.flags = append(p.flags, pendingFlag{member: i, flag: flagESRD})
			}
			return nil
		})
		r.prog.AddRows(sum.Rows)
		esrd.Add(int64(len(p.flags)))
		if err != nil {
			return err
		}
		return st.commit(&p)
	}, func(rd io.Reader) error {
		_, err := intake.Diagnoses(rd, planID, opts, func(int64, domain.Diagnosis) error { return nil })
		return err
	})
	return esrd.Load(), err
}

// addStays reads inpatient_stays.csv for the stays that reach into the
// year and begin by the as-of date.
func (r *run) addStays(ctx context.Context, members *elig.Members, st *state) (kept, unknown int64, err error) {
	var k, u atomic.Int64
	opts := intake.Options{File: r.in.stays.Name()}
	err = r.in.stays.Each(ctx, r.split, r.prog, func(_ int, rd io.Reader) error {
		var p pending
		var unknownHere int64
		find := members.Finder()
		sum, err := intake.InpatientStays(rd, planID, opts, func(_ int64, s domain.InpatientStay) error {
			if s.Discharge < r.y0 || s.Admit > r.last {
				return nil
			}
			i, ok := find.Find(s.MemberID)
			if !ok {
				unknownHere++
				return nil
			}
			p.stays = append(p.stays, pendingStay{member: i, rec: stayRec{admit: s.Admit, discharge: s.Discharge}})
			return nil
		})
		r.prog.AddRows(sum.Rows)
		k.Add(int64(len(p.stays)))
		u.Add(unknownHere)
		if err != nil {
			return err
		}
		return st.commit(&p)
	}, func(rd io.Reader) error {
		_, err := intake.InpatientStays(rd, planID, opts, func(int64, domain.InpatientStay) error { return nil })
		return err
	})
	return k.Load(), u.Load(), err
}
