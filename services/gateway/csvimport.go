package gateway

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
)

// uploadChunk is how much of a CSV body goes in one stream message.
const uploadChunk = 64 << 10

type importStreamClient = grpc.ClientStreamingClient[eligibilityv1.ImportRequest, eligibilityv1.ImportSummary]

// csvImports are the plan-scoped CSV upload routes: the body is the file
// itself (text/csv), streamed to eligibility's client-streaming import as it
// arrives, never buffered whole.
var csvImports = []struct {
	path, method, file string
	// spec is where the file's format is documented.
	spec string
	open func(eligibilityv1.EligibilityServiceClient, context.Context) (importStreamClient, error)
}{
	{"/v1/plans/{plan}/members:import", "ImportMembers", "members.csv", "formats.md",
		func(c eligibilityv1.EligibilityServiceClient, ctx context.Context) (importStreamClient, error) {
			return c.ImportMembers(ctx)
		}},
	{"/v1/plans/{plan}/claims:import", "ImportClaims", "rx_claims.csv", "formats.md",
		func(c eligibilityv1.EligibilityServiceClient, ctx context.Context) (importStreamClient, error) {
			return c.ImportClaims(ctx)
		}},
	{"/v1/plans/{plan}/diagnoses:import", "ImportDiagnoses", "diagnoses.csv", "formats.md",
		func(c eligibilityv1.EligibilityServiceClient, ctx context.Context) (importStreamClient, error) {
			return c.ImportDiagnoses(ctx)
		}},
	{"/v1/plans/{plan}/inpatientStays:import", "ImportInpatientStays", "inpatient_stays.csv", "services/README.md",
		func(c eligibilityv1.EligibilityServiceClient, ctx context.Context) (importStreamClient, error) {
			return c.ImportInpatientStays(ctx)
		}},
}

func registerCSVImports(mux *runtime.ServeMux, conn *grpc.ClientConn) error {
	client := eligibilityv1.NewEligibilityServiceClient(conn)
	for _, imp := range csvImports {
		fullMethod := "/" + eligibilityv1.EligibilityService_ServiceDesc.ServiceName + "/" + imp.method
		err := mux.HandlePath(http.MethodPost, imp.path, func(w http.ResponseWriter, r *http.Request, params map[string]string) {
			_, outbound := runtime.MarshalerForRequest(mux, r)
			ctx, err := runtime.AnnotateContext(r.Context(), mux, r, fullMethod, runtime.WithHTTPPathPattern(imp.path))
			if err == nil {
				err = checkCSV(r)
			}
			var summary *eligibilityv1.ImportSummary
			if err == nil {
				summary, err = upload(ctx, client, imp.open, r, "plans/"+params["plan"], imp.file)
			}
			if err != nil {
				runtime.HTTPError(ctx, mux, outbound, w, r, err)
				return
			}
			runtime.ForwardResponseMessage(ctx, mux, outbound, w, r, summary)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func checkCSV(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "text/csv" {
		return status.Error(codes.InvalidArgument, "send the file with Content-Type: text/csv")
	}
	if v := r.URL.Query().Get("skip_bad_rows"); v != "" {
		if _, err := strconv.ParseBool(v); err != nil {
			return status.Error(codes.InvalidArgument, "skip_bad_rows must be true or false")
		}
	}
	return nil
}

func upload(ctx context.Context, client eligibilityv1.EligibilityServiceClient,
	open func(eligibilityv1.EligibilityServiceClient, context.Context) (importStreamClient, error),
	r *http.Request, parent, file string) (*eligibilityv1.ImportSummary, error) {
	stream, err := open(client, ctx)
	if err != nil {
		return nil, err
	}
	skip, _ := strconv.ParseBool(r.URL.Query().Get("skip_bad_rows"))
	if name := r.URL.Query().Get("file_name"); name != "" {
		file = name
	}
	msg := &eligibilityv1.ImportRequest{Parent: parent, SkipBadRows: skip, FileName: file}
	buf := make([]byte, uploadChunk)
	for {
		n, readErr := io.ReadFull(r.Body, buf)
		if n > 0 {
			msg.Data = buf[:n]
			// io.EOF from Send means the server ended the call early (a
			// rejected file): CloseAndRecv reports why.
			if err := stream.Send(msg); err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			} else if err != nil {
				break
			}
			msg = &eligibilityv1.ImportRequest{}
		}
		if errors.Is(readErr, io.EOF) || errors.Is(readErr, io.ErrUnexpectedEOF) {
			break
		}
		if readErr != nil {
			return nil, status.Error(codes.InvalidArgument, "reading the request body failed")
		}
	}
	if msg.Parent != "" { // an empty file: the first message still names the plan
		if err := stream.Send(msg); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	return stream.CloseAndRecv()
}
