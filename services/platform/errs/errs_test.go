package errs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want errs.Kind
	}{
		{"nil", nil, errs.KindInternal},
		{"plain", io.EOF, errs.KindInternal},
		{"invalid", errs.Invalid(errs.Field("a", "b")), errs.KindInvalid},
		{"not found", errs.NotFound("member %s not found", "m1"), errs.KindNotFound},
		{"already exists", errs.AlreadyExists("x"), errs.KindAlreadyExists},
		{"failed precondition", errs.FailedPrecondition("x"), errs.KindFailedPrecondition},
		{"permission denied", errs.PermissionDenied("x"), errs.KindPermissionDenied},
		{"unauthenticated", errs.Unauthenticated("x"), errs.KindUnauthenticated},
		{"aborted", errs.Aborted("x"), errs.KindAborted},
		{"unavailable", errs.Unavailable("x"), errs.KindUnavailable},
		{"wrapped", fmt.Errorf("get member: %w", errs.NotFound("x")), errs.KindNotFound},
		{"canceled", context.Canceled, errs.KindCanceled},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), errs.KindDeadlineExceeded},
		{"domain error wins over its cause", errs.Unavailable("store").Wrap(context.DeadlineExceeded), errs.KindUnavailable},
		{"zero error", &errs.Error{}, errs.KindInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := errs.KindOf(tt.err); got != tt.want {
				t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorAndUnwrap(t *testing.T) {
	t.Parallel()
	cause := errors.New("connection refused")
	base := errs.Unavailable("member store unavailable")
	err := base.Wrap(cause)

	if diff := cmp.Diff("member store unavailable: connection refused", err.Error()); diff != "" {
		t.Errorf("Error() (-want +got):\n%s", diff)
	}
	if !errors.Is(err, cause) {
		t.Error("errors.Is(err, cause) = false, want true")
	}
	if base.Err != nil {
		t.Error("Wrap modified the receiver")
	}
	if diff := cmp.Diff("member store unavailable", base.Error()); diff != "" {
		t.Errorf("Error() without cause (-want +got):\n%s", diff)
	}
}

func TestInvalidMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    []errs.FieldViolation
		want string
	}{
		{"none", nil, "invalid argument"},
		{"one", []errs.FieldViolation{errs.Field("member.birth_date", "must be YYYY-MM-DD")},
			"invalid argument: member.birth_date: must be YYYY-MM-DD"},
		{"many", []errs.FieldViolation{errs.Field("member.mbi", "required"), errs.Field("plan", "required")},
			"invalid argument: 2 fields: member.mbi, plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := errs.Invalid(tt.v...)
			if diff := cmp.Diff(tt.want, err.Message); diff != "" {
				t.Errorf("Message (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.v, err.Violations); diff != "" {
				t.Errorf("Violations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestViolations(t *testing.T) {
	t.Parallel()
	var v errs.Violations
	if err := v.Err(); err != nil {
		t.Fatalf("empty Violations.Err() = %v, want nil", err)
	}
	v.Add("member.birth_date", "must be YYYY-MM-DD")
	v.Addf("claims[3].ndc", "must have %d digits", 11)

	err := v.Err()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("Err() = %T, want *errs.Error", err)
	}
	want := []errs.FieldViolation{
		{Field: "member.birth_date", Problem: "must be YYYY-MM-DD"},
		{Field: "claims[3].ndc", Problem: "must have 11 digits"},
	}
	if diff := cmp.Diff(want, e.Violations); diff != "" {
		t.Errorf("Violations (-want +got):\n%s", diff)
	}
	if e.Kind != errs.KindInvalid || v.Len() != 2 {
		t.Errorf("Kind = %v, Len = %d; want invalid, 2", e.Kind, v.Len())
	}

	// The error must not alias the accumulator: later Adds are not retroactive.
	v.Add("extra", "x")
	if len(e.Violations) != 2 {
		t.Errorf("returned error changed after Add: %d violations", len(e.Violations))
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	if got := errs.KindNotFound.String(); got != "not found" {
		t.Errorf("KindNotFound.String() = %q", got)
	}
	if got := errs.Kind(99).String(); got != "kind(99)" {
		t.Errorf("Kind(99).String() = %q", got)
	}
}
