package batch

import (
	"context"
	"io"
	"sync/atomic"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// parseOnly reads and parses the files as Run does, in the same chunks on
// the same workers, and keeps nothing: the floor a run is measured against
// (`openmtm eligibility --parse-only`). Bad input fails as in a run.
func parseOnly(ctx context.Context, cfg Config, ins inputs, prog *progress, start time.Time) error {
	rows, err := ParseOnly(ctx, Splitting{Workers: cfg.Workers, ChunkBytes: cfg.chunkBytes}, &Progress{p: prog},
		MembersParser(File{ins.members}, cfg.Today), ClaimsParser(File{ins.claims}, cfg.Reference.NDC),
		DiagnosesParser(File{ins.diagnoses}))
	if err != nil {
		return err
	}
	prog.say("parsed %s rows, evaluated nothing (--parse-only); %.1f s", group(rows), time.Since(start).Seconds())
	return nil
}

// Parser is one file of a batch and the service's reader of its kind.
type Parser struct {
	File File
	Read func(io.Reader) (intake.Summary, error)
}

// MembersParser reads members.csv with intake.Members.
func MembersParser(f File, today civil.Date) Parser {
	return Parser{f, func(r io.Reader) (intake.Summary, error) {
		return intake.Members(r, planID, today, intake.Options{File: f.Name()}, func(int64, domain.Member) error { return nil })
	}}
}

// ClaimsParser reads rx_claims.csv with intake.Claims.
func ClaimsParser(f File, ndc domain.NDCResolver) Parser {
	return Parser{f, func(r io.Reader) (intake.Summary, error) {
		return intake.Claims(r, planID, ndc, intake.Options{File: f.Name()}, func(int64, domain.Claim) error { return nil })
	}}
}

// DiagnosesParser reads diagnoses.csv with intake.Diagnoses.
func DiagnosesParser(f File) Parser {
	return Parser{f, func(r io.Reader) (intake.Summary, error) {
		return intake.Diagnoses(r, planID, intake.Options{File: f.Name()}, func(int64, domain.Diagnosis) error { return nil })
	}}
}

// ParseOnly reads and parses the files as a batch does, in the same chunks
// on the same workers, and keeps nothing: the floor a batch is measured
// against (--parse-only). Files without a name are skipped; bad input
// fails as in a run. It returns the rows read.
func ParseOnly(ctx context.Context, sp Splitting, prog *Progress, files ...Parser) (int64, error) {
	var rows int64
	for _, p := range files {
		if p.File.Name() == "" {
			continue
		}
		prog.Begin("parse "+p.File.Name(), p.File.Size())
		var n atomic.Int64
		err := p.File.Each(ctx, sp, prog, func(_ int, r io.Reader) error {
			sum, err := p.Read(r)
			prog.AddRows(sum.Rows)
			n.Add(sum.Rows)
			return err
		}, func(r io.Reader) error { _, err := p.Read(r); return err })
		if err != nil {
			return rows, err
		}
		rows += n.Load()
		prog.End("")
	}
	return rows, nil
}
