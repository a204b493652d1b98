// Package errs holds the typed errors that domain and application code return
// to say what went wrong in terms a client can act on (bad input, not found,
// conflict, ...). It imports nothing from gRPC so domain packages can use it;
// the transport layer (grpcserver.ToStatus) turns a Kind into a status code in
// one place.
package errs

import (
	"context"
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller should do about it.
//
// The constants carry a Kind prefix because the unprefixed names are the
// constructors (errs.NotFound(...) builds an error of KindNotFound).
type Kind int

// The zero Kind is KindInternal so that an Error built without a kind is never
// mistaken for the caller's fault.
const (
	KindInternal           Kind = iota // a bug or an unexpected failure; details stay in the logs
	KindInvalid                        // the request is malformed; see Error.Violations
	KindNotFound                       // the resource does not exist, or the caller may not know it does
	KindAlreadyExists                  // a create collided with an existing resource
	KindFailedPrecondition             // the system is not in a state that allows the operation
	KindPermissionDenied               // the caller is known but not allowed
	KindUnauthenticated                // the caller could not be identified
	KindAborted                        // a concurrency conflict; the caller may retry the whole operation
	KindUnavailable                    // a transient failure; the caller may retry later
	KindCanceled                       // the caller gave up (context.Canceled)
	KindDeadlineExceeded               // the deadline passed (context.DeadlineExceeded)
)

var kindNames = [...]string{
	KindInternal:           "internal",
	KindInvalid:            "invalid",
	KindNotFound:           "not found",
	KindAlreadyExists:      "already exists",
	KindFailedPrecondition: "failed precondition",
	KindPermissionDenied:   "permission denied",
	KindUnauthenticated:    "unauthenticated",
	KindAborted:            "aborted",
	KindUnavailable:        "unavailable",
	KindCanceled:           "canceled",
	KindDeadlineExceeded:   "deadline exceeded",
}

// String returns a lower-case name for logs.
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Error is a domain error with a kind, a client-safe message and, optionally,
// the cause that only the logs should see.
type Error struct {
	Kind Kind
	// Message is sent to clients: it must not contain PHI.
	Message string
	// Violations lists every bad field of a KindInvalid error.
	Violations []FieldViolation
	// Err is the underlying cause, kept for the logs and for errors.Is/As.
	Err error
}

// Error returns the message followed by the cause, for logs.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Wrap returns a copy of e with cause attached, so that
// errs.Unavailable("member store").Wrap(err) keeps the chain for the logs while
// clients see only the message.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

func newf(k Kind, format string, args []any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a resource that does not exist (or that the caller's tenant
// may not see: the two must look the same).
func NotFound(format string, args ...any) *Error { return newf(KindNotFound, format, args) }

// AlreadyExists reports a create that collided with an existing resource.
func AlreadyExists(format string, args ...any) *Error { return newf(KindAlreadyExists, format, args) }

// FailedPrecondition reports an operation the resource's state does not allow,
// such as finalizing a review that is already final.
func FailedPrecondition(format string, args ...any) *Error {
	return newf(KindFailedPrecondition, format, args)
}

// PermissionDenied reports an authenticated caller lacking the role.
func PermissionDenied(format string, args ...any) *Error {
	return newf(KindPermissionDenied, format, args)
}

// Unauthenticated reports a caller without valid credentials.
func Unauthenticated(format string, args ...any) *Error {
	return newf(KindUnauthenticated, format, args)
}

// Aborted reports a concurrency conflict (e.g. an optimistic-lock failure).
func Aborted(format string, args ...any) *Error { return newf(KindAborted, format, args) }

// Unavailable reports a transient failure worth retrying.
func Unavailable(format string, args ...any) *Error { return newf(KindUnavailable, format, args) }

// KindOf returns the kind of the first *Error in err's chain. Without one it
// recognises context cancellation and deadlines, and otherwise (including for
// a nil err) answers KindInternal.
func KindOf(err error) Kind {
	var e *Error
	switch {
	case errors.As(err, &e):
		return e.Kind
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return KindDeadlineExceeded
	default:
		return KindInternal
	}
}
