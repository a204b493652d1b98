package grpcserver_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestErrorsReachClientsMapped(t *testing.T) {
	t.Parallel()
	h := start(t)
	tests := []struct {
		method  string
		code    codes.Code
		msg     string
		details []any
	}{
		{"Invalid", codes.InvalidArgument, "invalid argument: member.birth_date: must be YYYY-MM-DD",
			[]any{&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "member.birth_date", Description: "must be YYYY-MM-DD"},
			}}}},
		{"Fail", codes.Internal, "internal error", nil},
		{"Panic", codes.Internal, "internal error", nil},
		{"Denied", codes.PermissionDenied, "role analyst may not call Denied", nil}, // caller's interceptor is inside mapping
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			t.Parallel()
			_, err := invoke(t.Context(), h.conn, tt.method)
			st := status.Convert(err)
			if st.Code() != tt.code || st.Message() != tt.msg {
				t.Errorf("%s: got %v %q, want %v %q", tt.method, st.Code(), st.Message(), tt.code, tt.msg)
			}
			if diff := cmp.Diff(tt.details, st.Details(), protocmp.Transform(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s details (-want +got):\n%s", tt.method, diff)
			}
		})
	}

	t.Run("Stream", func(t *testing.T) {
		t.Parallel()
		cs, err := h.conn.NewStream(t.Context(), &grpc.StreamDesc{ServerStreams: true}, "/"+testService+"/Stream")
		require.NoError(t, err)
		require.NoError(t, cs.SendMsg(wrapperspb.String(phiPayload)))
		require.NoError(t, cs.CloseSend())
		st := status.Convert(cs.RecvMsg(new(wrapperspb.StringValue)))
		if st.Code() != codes.NotFound || st.Message() != "member not found" {
			t.Errorf("stream: got %v %q, want NotFound %q", st.Code(), st.Message(), "member not found")
		}
	})
}

func TestPanicKeepsServing(t *testing.T) {
	t.Parallel()
	h := start(t)

	_, err := invoke(t.Context(), h.conn, "Panic")
	require.Equal(t, codes.Internal, status.Code(err))

	out, err := invoke(t.Context(), h.conn, "Echo")
	require.NoError(t, err, "server stopped serving after a panic")
	require.Equal(t, phiPayload, out.GetValue())

	panics := h.logs.records(t, "grpc handler panic")
	require.Len(t, panics, 1)
	require.Equal(t, "/"+testService+"/Panic", panics[0]["method"])
	require.Equal(t, "string", panics[0]["panic"], "a non-runtime panic value is logged by type only")
	require.Contains(t, panics[0]["stack"], "grpcserver_test")
	require.NotContains(t, h.logs.String(), "Jane", "request payload leaked into the logs")
}

func TestCallLogLine(t *testing.T) {
	t.Parallel()
	h := start(t)
	_, err := invoke(t.Context(), h.conn, "Fail")
	require.Error(t, err)

	calls := h.logs.records(t, "grpc call")
	require.Len(t, calls, 1)
	c := calls[0]
	require.IsType(t, float64(0), c["duration_ms"])
	require.NotEmpty(t, c["peer"])
	delete(c, "time")
	delete(c, "duration_ms")
	delete(c, "peer")
	want := map[string]any{
		"level":  "ERROR",
		"msg":    "grpc call",
		"method": "/" + testService + "/Fail",
		"code":   "Internal",
		"error":  "load member m1: db exploded", // the chain the client never sees
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("log line (-want +got):\n%s", diff)
	}
	require.NotContains(t, h.logs.String(), "Jane", "request payload leaked into the logs")
}

func TestHealthAndReflection(t *testing.T) {
	t.Parallel()
	h := start(t)

	resp, err := healthpb.NewHealthClient(h.conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_SERVING, resp.GetStatus())

	rs, err := reflectionpb.NewServerReflectionClient(h.conn).ServerReflectionInfo(t.Context())
	require.NoError(t, err)
	require.NoError(t, rs.Send(&reflectionpb.ServerReflectionRequest{
		MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
	}))
	list, err := rs.Recv()
	require.NoError(t, err)
	var names []string
	for _, s := range list.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	require.Contains(t, names, testService)
	require.Contains(t, names, "grpc.health.v1.Health")
}

func TestShutdownDrainsInFlightCall(t *testing.T) {
	t.Parallel()
	h := start(t)

	type result struct {
		out *wrapperspb.StringValue
		err error
	}
	inFlight := make(chan result, 1)
	go func() {
		out, err := invoke(context.Background(), h.conn, "Block")
		inFlight <- result{out, err}
	}()
	<-h.svc.started

	shutdownDone := make(chan struct{})
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		h.srv.Shutdown(ctx)
		close(shutdownDone)
	}()

	// Once the listener is closed, draining has begun: new clients are refused.
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err := invoke(ctx, dial(t, h.addr), "Echo")
		return err != nil
	}, 10*time.Second, 10*time.Millisecond)
	resp, err := h.srv.Health().Check(t.Context(), &healthpb.HealthCheckRequest{})
	require.NoError(t, err)
	require.Equal(t, healthpb.HealthCheckResponse_NOT_SERVING, resp.GetStatus())
	select {
	case <-shutdownDone:
		t.Fatal("Shutdown returned while a call was still in flight")
	default:
	}

	close(h.svc.release)
	r := <-inFlight
	require.NoError(t, r.err, "in-flight call was not allowed to finish")
	require.Equal(t, phiPayload, r.out.GetValue())
	<-shutdownDone
	require.NoError(t, <-h.served)
}

func TestShutdownStopsWhenContextEnds(t *testing.T) {
	t.Parallel()
	h := start(t)

	inFlight := make(chan error, 1)
	go func() {
		_, err := invoke(context.Background(), h.conn, "Block")
		inFlight <- err
	}()
	<-h.svc.started

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // no time to drain
	h.srv.Shutdown(ctx)

	err := <-inFlight
	require.Error(t, err, "a call still running at the deadline must be cut off")
	require.NoError(t, <-h.served)
	require.True(t, strings.Contains(h.logs.String(), "graceful stop timed out"))
}
