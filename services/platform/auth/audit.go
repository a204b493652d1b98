package auth

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/openmtm/openmtm/services/platform/grpcserver"
)

// AuditRecord is one call in the audit trail: who (key and tenant), what
// (method and resource), when, and how it ended. It never holds a payload.
type AuditRecord struct {
	At       time.Time
	KeyID    string
	Tenant   string
	Method   string // full gRPC method, "/openmtm.eligibility.v1.EligibilityService/GetMember"
	Resource string // the request's name, parent or member field; "" when it has none
	Code     string // the gRPC code name the client sees: "OK", "NotFound", ...
}

// Auditor appends records to the audit trail. KeyStore is one.
type Auditor interface {
	Audit(ctx context.Context, rec AuditRecord) error
}

// Audit appends rec to audit_log under a new UUIDv7. A zero At means now.
func (s *KeyStore) Audit(ctx context.Context, rec AuditRecord) error {
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("audit: new id: %w", err)
	}
	if rec.At.IsZero() {
		rec.At = s.now()
	}
	_, err = s.db.Exec(ctx, `INSERT INTO audit_log (id, at, key_id, tenant, method, resource, code)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id.String(), rec.At.UnixMicro(), rec.KeyID, rec.Tenant, rec.Method, rec.Resource, rec.Code)
	if err != nil {
		return fmt.Errorf("audit %s: %w", rec.Method, err)
	}
	return nil
}

var auditFailures atomic.Int64

// AuditFailures returns how many audit records this process failed to write.
// Export it as a metric and alert on any increase.
func AuditFailures() int64 { return auditFailures.Load() }

// auditWriteTimeout bounds the write after the handler, which runs even when
// the caller has gone away.
const auditWriteTimeout = 5 * time.Second

// AuditUnaryInterceptor writes an AuditRecord for every call but the public
// ones (DefaultPublic) once the handler has returned: the caller's identity
// from the context (install it inside UnaryServerInterceptor), the method,
// the resource (the request's string field name, else parent, else member),
// the time the call arrived, and the outcome: the gRPC code name the client
// sees ("OK", "NotFound"), mapped by grpcserver.ToStatus.
//
// A failed audit write does not fail the call: the handler's work is done
// and cannot be undone, and an outage of the audit table should not take the
// suite down with it. The failure is logged (method and key id only, never
// the resource or a payload) and counted in AuditFailures for alerting.
func AuditUnaryInterceptor(a Auditor) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if DefaultPublic(info.FullMethod) {
			return handler(ctx, req)
		}
		at := time.Now()
		resp, err := handler(ctx, req)
		audit(ctx, a, at, info.FullMethod, resourceOf(req), err)
		return resp, err
	}
}

// AuditStreamInterceptor is AuditUnaryInterceptor for streaming calls. The
// resource is read from the first message the client sends.
func AuditStreamInterceptor(a Auditor) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if DefaultPublic(info.FullMethod) {
			return handler(srv, ss)
		}
		at := time.Now()
		rs := &resourceStream{ServerStream: ss}
		err := handler(srv, rs)
		audit(ss.Context(), a, at, info.FullMethod, rs.resource, err)
		return err
	}
}

// resourceStream remembers the resource of the first message received.
type resourceStream struct {
	grpc.ServerStream
	received bool
	resource string
}

func (s *resourceStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if err == nil && !s.received {
		s.received = true
		s.resource = resourceOf(m)
	}
	return err
}

func audit(ctx context.Context, a Auditor, at time.Time, method, resource string, callErr error) {
	id, _ := FromContext(ctx)
	rec := AuditRecord{At: at, KeyID: id.KeyID, Tenant: id.Tenant, Method: method,
		Resource: resource, Code: outcome(callErr)}
	// The caller may have cancelled; the record is written regardless.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditWriteTimeout)
	defer cancel()
	if err := a.Audit(wctx, rec); err != nil {
		auditFailures.Add(1)
		slog.ErrorContext(ctx, "audit record not written",
			slog.String("method", method), slog.String("key_id", id.KeyID), slog.Any("error", err))
	}
}

// outcome names how a call ended, for the audit trail.
func outcome(err error) string {
	// The same mapping clients see, so the trail speaks gRPC codes only.
	return grpcserver.ToStatus(err).Code().String()
}

// resourceOf returns the resource a request names: its string field name,
// else parent, else member. It reads only those fields, never the rest.
func resourceOf(req any) string {
	m, ok := req.(proto.Message)
	if !ok || m == nil {
		return ""
	}
	r := m.ProtoReflect()
	if !r.IsValid() {
		return ""
	}
	fields := r.Descriptor().Fields()
	for _, name := range []protoreflect.Name{"name", "parent", "member"} {
		fd := fields.ByName(name)
		if fd == nil || fd.Kind() != protoreflect.StringKind || fd.IsList() || fd.IsMap() {
			continue
		}
		if s := r.Get(fd).String(); s != "" {
			return s
		}
	}
	return ""
}
