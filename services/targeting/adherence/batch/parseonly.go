package batch

import (
	"context"
	"io"
	"time"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/targeting/adherence"
)

// parseOnly reads and parses the files as Run does, in the same chunks on
// the same workers, and keeps nothing: the floor a run is measured against
// (`openmtm adherence --parse-only`). Bad input fails as in a run.
func (r *run) parseOnly(ctx context.Context, start time.Time) error {
	stays := elig.Parser{File: r.in.stays, Read: func(rd io.Reader) (intake.Summary, error) {
		return adherence.ReadStays(rd, intake.Options{File: r.in.stays.Name()}, func(int64, adherence.MemberStay) error { return nil })
	}}
	rows, err := elig.ParseOnly(ctx, r.split, r.prog, elig.MembersParser(r.in.members, r.cfg.Today),
		elig.ClaimsParser(r.in.claims, r.cfg.Reference.NDC), elig.DiagnosesParser(r.in.diagnoses), stays)
	if err != nil {
		return err
	}
	r.prog.Say("parsed %s rows, computed nothing (--parse-only); %.1f s", elig.Group(rows), time.Since(start).Seconds())
	return nil
}
