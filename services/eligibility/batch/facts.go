package batch

import (
	"context"
	"io"
	"sync/atomic"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/reference"
)

// counts are what the claims and diagnoses files held, for the summary.
type counts struct {
	claims, reversals, cancelled, claimsUnknown atomic.Int64
	diagnoses, diagnosesUnknown                 atomic.Int64
}

// addClaims reads rx_claims.csv in chunks on several goroutines and feeds
// every paid claim that no reversal cancels to its member's builder; the
// builder ignores what lies outside its windows or after the as-of date.
// Claims of members not in members.csv are counted and dropped.
func (pop *population) addClaims(ctx context.Context, in input, ref *reference.Reference, rev *reversals,
	sp splitting, n *counts, prog *progress) error {
	f, err := in.open()
	if err != nil {
		return err
	}
	defer f.Close()
	err = eachChunk(ctx, f, sp, &prog.bytes, func(c *chunk) error {
		var reversals, cancelled, unknown int64
		var look lookup
		sum, err := intake.Claims(c.reader(), planID, ref.NDC, intake.Options{File: in.name}, func(_ int64, cl domain.Claim) error {
			switch i, known := look.find(pop, cl.MemberID); {
			case cl.Reversed:
				reversals++
			case rev.has(cl.ClaimID):
				cancelled++
			case !known:
				unknown++
			default:
				mu := &pop.locks[i%int32(len(pop.locks))]
				mu.Lock()
				pop.builders[i].AddClaim(cl)
				mu.Unlock()
			}
			return nil
		})
		prog.rows.Add(sum.Rows)
		n.claims.Add(sum.Rows)
		n.reversals.Add(reversals)
		n.cancelled.Add(cancelled)
		n.claimsUnknown.Add(unknown)
		return err
	})
	if err != nil {
		return in.firstProblem(ctx, err, func(r io.Reader) error {
			_, err := intake.Claims(r, planID, ref.NDC, intake.Options{File: in.name}, func(int64, domain.Claim) error { return nil })
			return err
		})
	}
	return nil
}

// addDiagnoses reads diagnoses.csv like addClaims reads claims.
func (pop *population) addDiagnoses(ctx context.Context, in input, sp splitting, n *counts, prog *progress) error {
	f, err := in.open()
	if err != nil {
		return err
	}
	defer f.Close()
	err = eachChunk(ctx, f, sp, &prog.bytes, func(c *chunk) error {
		var unknown int64
		var look lookup
		sum, err := intake.Diagnoses(c.reader(), planID, intake.Options{File: in.name}, func(_ int64, d domain.Diagnosis) error {
			i, known := look.find(pop, d.MemberID)
			if !known {
				unknown++
				return nil
			}
			mu := &pop.locks[i%int32(len(pop.locks))]
			mu.Lock()
			pop.builders[i].AddDiagnosis(d)
			mu.Unlock()
			return nil
		})
		prog.rows.Add(sum.Rows)
		n.diagnoses.Add(sum.Rows)
		n.diagnosesUnknown.Add(unknown)
		return err
	})
	if err != nil {
		return in.firstProblem(ctx, err, func(r io.Reader) error {
			_, err := intake.Diagnoses(r, planID, intake.Options{File: in.name}, func(int64, domain.Diagnosis) error { return nil })
			return err
		})
	}
	return nil
}
