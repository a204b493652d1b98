package grpc

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

type importStream = grpc.ClientStreamingServer[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary]

// importFunc is one of the app's import use cases.
type importFunc func(ctx context.Context, planID string, r io.Reader, opts intake.Options) (app.ImportResult, error)

// ImportMembers imports members.csv sent as a stream of chunks.
func (s *Server) ImportMembers(stream importStream) error {
	return importFile(stream, "members.csv", s.app.ImportMembers)
}

// ImportClaims imports rx_claims.csv sent as a stream of chunks.
func (s *Server) ImportClaims(stream importStream) error {
	return importFile(stream, "rx_claims.csv", s.app.ImportClaims)
}

// ImportDiagnoses imports diagnoses.csv sent as a stream of chunks.
func (s *Server) ImportDiagnoses(stream importStream) error {
	return importFile(stream, "diagnoses.csv", s.app.ImportDiagnoses)
}

// ImportInpatientStays imports inpatient_stays.csv sent as a stream of
// chunks.
func (s *Server) ImportInpatientStays(stream importStream) error {
	return importFile(stream, intake.StaysFile, s.app.ImportInpatientStays)
}

// importFile reads the first message (plan, options), authorizes, then lets
// the use case read the file straight from the stream: nothing is buffered
// whole, so a file of any size imports in flat memory.
func importFile(stream importStream, defaultName string, run importFunc) error {
	ctx := stream.Context()
	first, err := stream.Recv()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return errs.Invalid(errs.Field("parent", "the first message must name the plan"))
		}
		return err
	}
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", first.GetParent(), writers...)
	if err != nil {
		return err
	}
	name := first.GetFileName()
	if name == "" {
		name = defaultName
	}
	r := &chunkReader{buf: first.GetData(), recv: stream.Recv}
	res, err := run(ctx, ids[0], r, intake.Options{File: name, SkipBadRows: first.GetSkipBadRows()})
	if err != nil {
		return err
	}
	return stream.SendAndClose(summaryProto(res))
}

// chunkReader presents the data of a stream of ImportRequests as a reader.
type chunkReader struct {
	buf  []byte
	recv func() (*eligibilityv1.ImportRequest, error)
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		msg, err := r.recv()
		if err != nil {
			return 0, err // io.EOF ends the file
		}
		r.buf = msg.GetData()
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// maxReportedErrors caps the row errors sent back.
const maxReportedErrors = 1000

func summaryProto(res app.ImportResult) *eligibilityv1.ImportSummary {
	out := &eligibilityv1.ImportSummary{
		RowsRead:       res.Read,
		RowsStored:     res.Stored,
		RowsUnchanged:  res.Unchanged,
		RowsSkipped:    res.Skipped,
		ClaimsReversed: res.Reversed,
	}
	for i, e := range res.Errors {
		if i == maxReportedErrors {
			break
		}
		out.Errors = append(out.Errors, &eligibilityv1.RowError{File: e.File, Line: e.Line, Column: e.Column, Problem: e.Problem})
	}
	return out
}
