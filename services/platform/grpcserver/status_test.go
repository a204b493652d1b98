package grpcserver_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/grpcserver"
)

func TestToStatus(t *testing.T) {
	t.Parallel()
	downstream := status.New(codes.NotFound, "member not found")
	tests := []struct {
		name    string
		err     error
		code    codes.Code
		msg     string
		details []any
	}{
		{"nil", nil, codes.OK, "", nil},
		{"invalid", errs.Invalid(errs.Field("member.birth_date", "must be YYYY-MM-DD"), errs.Field("member.mbi", "required")),
			codes.InvalidArgument, "invalid argument: 2 fields: member.birth_date, member.mbi",
			[]any{&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "member.birth_date", Description: "must be YYYY-MM-DD"},
				{Field: "member.mbi", Description: "required"},
			}}}},
		{"invalid without fields", errs.Invalid(), codes.InvalidArgument, "invalid argument", nil},
		{"not found", errs.NotFound("member not found"), codes.NotFound, "member not found", nil},
		{"wrapped not found", fmt.Errorf("get member m1: %w", errs.NotFound("member not found")), codes.NotFound, "member not found", nil},
		{"already exists", errs.AlreadyExists("x"), codes.AlreadyExists, "x", nil},
		{"failed precondition", errs.FailedPrecondition("x"), codes.FailedPrecondition, "x", nil},
		{"permission denied", errs.PermissionDenied("x"), codes.PermissionDenied, "x", nil},
		{"unauthenticated", errs.Unauthenticated("x"), codes.Unauthenticated, "x", nil},
		{"aborted", errs.Aborted("x"), codes.Aborted, "x", nil},
		{"unavailable hides its cause", errs.Unavailable("store unavailable").Wrap(errors.New("dial 10.0.0.7: refused")),
			codes.Unavailable, "store unavailable", nil},
		{"domain internal", &errs.Error{Kind: errs.KindInternal, Message: "secret detail"}, codes.Internal, "internal error", nil},
		{"canceled", fmt.Errorf("query: %w", context.Canceled), codes.Canceled, "context canceled", nil},
		{"deadline", context.DeadlineExceeded, codes.DeadlineExceeded, "context deadline exceeded", nil},
		{"grpc status", downstream.Err(), codes.NotFound, "member not found", nil},
		{"wrapped grpc status", fmt.Errorf("call eligibility: %w", downstream.Err()), codes.NotFound, "member not found", nil},
		{"unknown", errors.New("pq: relation members does not exist"), codes.Internal, "internal error", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := grpcserver.ToStatus(tt.err)
			if st.Code() != tt.code || st.Message() != tt.msg {
				t.Errorf("ToStatus = %v %q, want %v %q", st.Code(), st.Message(), tt.code, tt.msg)
			}
			if diff := cmp.Diff(tt.details, st.Details(), protocmp.Transform(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("details (-want +got):\n%s", diff)
			}
		})
	}
}
