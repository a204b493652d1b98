package auth

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// requestType builds a message type with the given string fields, plus a
// number field "name" when nameIsNumber, to test resourceOf on shapes the
// generated code does not have.
func requestType(t *testing.T, nameIsNumber bool, fields ...string) protoreflect.MessageDescriptor {
	t.Helper()
	msg := &descriptorpb.DescriptorProto{Name: proto.String("Req")}
	str := descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()
	for i, f := range fields {
		msg.Field = append(msg.Field, &descriptorpb.FieldDescriptorProto{
			Name: proto.String(f), JsonName: proto.String(f), Number: proto.Int32(int32(i + 1)), Type: str,
			Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
		})
	}
	if nameIsNumber {
		msg.Field = append(msg.Field, &descriptorpb.FieldDescriptorProto{
			Name: proto.String("name"), JsonName: proto.String("name"), Number: proto.Int32(99),
			Type: descriptorpb.FieldDescriptorProto_TYPE_INT64.Enum(), Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
		})
	}
	fd, err := protodesc.NewFile(&descriptorpb.FileDescriptorProto{
		Name: proto.String(fmt.Sprintf("test_%p.proto", msg)), Package: proto.String("test"),
		Syntax: proto.String("proto3"), MessageType: []*descriptorpb.DescriptorProto{msg},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return fd.Messages().Get(0)
}

func TestResourceOf(t *testing.T) {
	t.Parallel()
	all := requestType(t, false, "name", "parent", "member", "note")
	tests := []struct {
		name   string
		md     protoreflect.MessageDescriptor
		values map[string]string
		want   string
	}{
		{"name first", all, map[string]string{"name": "plans/a/members/1", "parent": "plans/a", "member": "m"}, "plans/a/members/1"},
		{"then parent", all, map[string]string{"parent": "plans/a", "member": "plans/a/members/2"}, "plans/a"},
		{"then member", all, map[string]string{"member": "plans/a/members/2", "note": "payload"}, "plans/a/members/2"},
		{"no resource field set", all, map[string]string{"note": "payload"}, ""},
		{"numeric name is skipped", requestType(t, true, "parent"), map[string]string{"parent": "plans/a"}, "plans/a"},
	}
	for _, tt := range tests {
		m := dynamicpb.NewMessage(tt.md)
		for f, v := range tt.values {
			m.Set(tt.md.Fields().ByName(protoreflect.Name(f)), protoreflect.ValueOfString(v))
		}
		if got := resourceOf(m); got != tt.want {
			t.Errorf("%s: resourceOf = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := resourceOf("not a message"); got != "" {
		t.Errorf("resourceOf(string) = %q, want empty", got)
	}
}

func TestOutcome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{nil, "OK"},
		{status.Error(codes.PermissionDenied, "no"), "PermissionDenied"},
		{fmt.Errorf("wrapped: %w", errs.NotFound("x not found")), "NotFound"},
		{errs.Unavailable("store").Wrap(status.Error(codes.Unavailable, "down")), "Unavailable"},
		{errors.New("boom"), "Internal"},
		{context.Canceled, "Canceled"},
	}
	for _, tt := range tests {
		if got := outcome(tt.err); got != tt.want {
			t.Errorf("outcome(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

type recordingAuditor struct {
	recs []AuditRecord
	err  error
}

func (a *recordingAuditor) Audit(_ context.Context, rec AuditRecord) error {
	a.recs = append(a.recs, rec)
	return a.err
}

func TestAuditUnaryInterceptor(t *testing.T) {
	// Not parallel: it reads the process-wide AuditFailures counter.
	md := requestType(t, false, "name", "note")
	req := dynamicpb.NewMessage(md)
	req.Set(md.Fields().ByName("name"), protoreflect.ValueOfString("plans/acme/members/M1"))
	req.Set(md.Fields().ByName("note"), protoreflect.ValueOfString("payload"))
	ctx := WithIdentity(context.Background(), Identity{KeyID: "k1", Tenant: "plans/acme"})
	ok := func(context.Context, any) (any, error) { return "response", nil }
	info := &grpc.UnaryServerInfo{FullMethod: "/openmtm.test.v1.Echo/Get"}

	a := &recordingAuditor{}
	before := time.Now()
	if _, err := AuditUnaryInterceptor(a)(ctx, req, info, ok); err != nil {
		t.Fatal(err)
	}
	want := []AuditRecord{{KeyID: "k1", Tenant: "plans/acme", Method: info.FullMethod, Resource: "plans/acme/members/M1", Code: "OK"}}
	if diff := cmp.Diff(want, a.recs, cmpopts.IgnoreFields(AuditRecord{}, "At")); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if at := a.recs[0].At; at.Before(before) || at.After(time.Now()) {
		t.Errorf("At = %v, want the time of the call", at)
	}

	// Public methods are not audited.
	health := &grpc.UnaryServerInfo{FullMethod: "/grpc.health.v1.Health/Check"}
	if _, err := AuditUnaryInterceptor(a)(ctx, req, health, ok); err != nil || len(a.recs) != 1 {
		t.Errorf("health check: err %v, %d records; want none added", err, len(a.recs))
	}

	// A failed write is counted, and the call still succeeds.
	failures := AuditFailures()
	failing := &recordingAuditor{err: errors.New("audit table gone")}
	resp, err := AuditUnaryInterceptor(failing)(ctx, req, info, ok)
	if err != nil || resp != "response" {
		t.Errorf("call with a failing auditor = %v, %v; want the handler's answer", resp, err)
	}
	if got := AuditFailures() - failures; got != 1 {
		t.Errorf("AuditFailures grew by %d, want 1", got)
	}
}
