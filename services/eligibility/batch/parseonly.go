package batch

import (
	"context"
	"io"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

// parseOnly reads and parses the files as Run does, in the same chunks on
// the same workers, and keeps nothing: the floor a run is measured against
// (`openmtm eligibility --parse-only`). Bad input fails as in a run.
func parseOnly(ctx context.Context, cfg Config, ins inputs, prog *progress, start time.Time) error {
	files := []struct {
		in   input
		read func(io.Reader) (intake.Summary, error)
	}{
		{ins.members, func(r io.Reader) (intake.Summary, error) {
			return intake.Members(r, planID, cfg.Today, intake.Options{File: ins.members.name}, func(int64, domain.Member) error { return nil })
		}},
		{ins.claims, func(r io.Reader) (intake.Summary, error) {
			return intake.Claims(r, planID, cfg.Reference.NDC, intake.Options{File: ins.claims.name}, func(int64, domain.Claim) error { return nil })
		}},
		{ins.diagnoses, func(r io.Reader) (intake.Summary, error) {
			return intake.Diagnoses(r, planID, intake.Options{File: ins.diagnoses.name}, func(int64, domain.Diagnosis) error { return nil })
		}},
	}
	var rows int64
	for _, file := range files {
		if file.in.name == "" {
			continue
		}
		prog.begin("parse "+file.in.name, file.in.size)
		f, err := file.in.open()
		if err != nil {
			return err
		}
		err = eachChunk(ctx, f, cfg.splitting(), &prog.bytes, func(c *chunk) error {
			sum, err := file.read(c.reader())
			prog.rows.Add(sum.Rows)
			return err
		})
		f.Close()
		if err != nil {
			return file.in.firstProblem(ctx, err, func(r io.Reader) error { _, err := file.read(r); return err })
		}
		rows += prog.rows.Load()
		prog.end("")
	}
	prog.say("parsed %s rows, evaluated nothing (--parse-only); %.1f s", group(rows), time.Since(start).Seconds())
	return nil
}
