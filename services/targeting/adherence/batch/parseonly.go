package batch

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/targeting/adherence"
)

// parseOnly reads and parses the files as Run does, in the same chunks on
// the same workers, and keeps nothing: the floor a run is measured against
// (`openmtm adherence --parse-only`). Bad input fails as in a run.
func (r *run) parseOnly(ctx context.Context, start time.Time) error {
	ref := r.cfg.Reference
	kinds := []struct {
		in   elig.File
		read func(io.Reader) (intake.Summary, error)
	}{
		{r.in.members, func(rd io.Reader) (intake.Summary, error) {
			return intake.Members(rd, planID, r.cfg.Today, intake.Options{File: r.in.members.Name()}, func(int64, domain.Member) error { return nil })
		}},
		{r.in.claims, func(rd io.Reader) (intake.Summary, error) {
			return intake.Claims(rd, planID, ref.NDC, intake.Options{File: r.in.claims.Name()}, func(int64, domain.Claim) error { return nil })
		}},
		{r.in.diagnoses, func(rd io.Reader) (intake.Summary, error) {
			return intake.Diagnoses(rd, planID, intake.Options{File: r.in.diagnoses.Name()}, func(int64, domain.Diagnosis) error { return nil })
		}},
		{r.in.stays, func(rd io.Reader) (intake.Summary, error) {
			return adherence.ReadStays(rd, intake.Options{File: r.in.stays.Name()}, func(int64, adherence.MemberStay) error { return nil })
		}},
	}
	var rows int64
	for _, k := range kinds {
		if k.in.Name() == "" {
			continue
		}
		r.prog.Begin("parse "+k.in.Name(), k.in.Size())
		var n atomic.Int64
		err := k.in.Each(ctx, r.split, r.prog, func(_ int, rd io.Reader) error {
			sum, err := k.read(rd)
			r.prog.AddRows(sum.Rows)
			n.Add(sum.Rows)
			return err
		}, func(rd io.Reader) error { _, err := k.read(rd); return err })
		if err != nil {
			return err
		}
		rows += n.Load()
		r.prog.End("")
	}
	r.prog.Say("parsed %s rows, computed nothing (--parse-only); %.1f s", elig.Group(rows), time.Since(start).Seconds())
	return nil
}
