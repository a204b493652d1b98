package grpcserver

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// internalMessage is all a client learns about an unexpected error; the
// error chain goes to the logs.
const internalMessage = "internal error"

var kindCodes = map[errs.Kind]codes.Code{
	errs.KindInvalid:            codes.InvalidArgument,
	errs.KindNotFound:           codes.NotFound,
	errs.KindAlreadyExists:      codes.AlreadyExists,
	errs.KindFailedPrecondition: codes.FailedPrecondition,
	errs.KindPermissionDenied:   codes.PermissionDenied,
	errs.KindUnauthenticated:    codes.Unauthenticated,
	errs.KindAborted:            codes.Aborted,
	errs.KindUnavailable:        codes.Unavailable,
	errs.KindCanceled:           codes.Canceled,
	errs.KindDeadlineExceeded:   codes.DeadlineExceeded,
}

// ToStatus is the one place an error becomes a gRPC status:
//
//   - an *errs.Error anywhere in the chain gives the code of its Kind and its
//     client-safe Message; KindInvalid also carries a google.rpc.BadRequest
//     detail listing every field violation;
//   - context.Canceled and context.DeadlineExceeded give Canceled and
//     DeadlineExceeded;
//   - an error that already is a gRPC status passes through unchanged (when
//     wrapped, the original status is returned, not one whose message repeats
//     the wrapping text);
//   - anything else, and KindInternal, gives Internal "internal error".
//
// A nil err gives a nil status, which gRPC treats as OK.
func ToStatus(err error) *status.Status {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return domainStatus(e)
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.New(codes.Canceled, context.Canceled.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.New(codes.DeadlineExceeded, context.DeadlineExceeded.Error())
	}
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		return se.GRPCStatus()
	}
	return status.New(codes.Internal, internalMessage)
}

func domainStatus(e *errs.Error) *status.Status {
	code, ok := kindCodes[e.Kind]
	if !ok {
		return status.New(codes.Internal, internalMessage)
	}
	st := status.New(code, e.Message)
	if e.Kind != errs.KindInvalid || len(e.Violations) == 0 {
		return st
	}
	br := &errdetails.BadRequest{}
	for _, v := range e.Violations {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
			Field:       v.Field,
			Description: v.Problem,
		})
	}
	withDetails, err := st.WithDetails(br)
	if err != nil {
		// Only a proto marshalling failure gets here; the code and message
		// still tell the client what kind of mistake it made.
		return st
	}
	return withDetails
}
