package grpcserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/grpcserver"
	"github.com/openmtm/openmtm/services/platform/logging"
)

// phiPayload is sent as every request; it must never appear in the logs.
const phiPayload = "Jane Doe 1950-02-03"

const testService = "openmtm.test.v1.Test"

// testServer implements a hand-written service, so the tests need no
// generated code. Each method exercises one behaviour.
type testServer struct {
	started chan struct{} // Block signals here once it is running
	release chan struct{} // Block returns when this is closed
}

func (s *testServer) desc() *grpc.ServiceDesc {
	type fn = func(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
	methods := map[string]fn{
		"Echo": func(_ context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) { return in, nil },
		"Invalid": func(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
			return nil, errs.Invalid(errs.Field("member.birth_date", "must be YYYY-MM-DD"))
		},
		"Fail": func(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
			return nil, fmt.Errorf("load member m1: %w", errors.New("db exploded"))
		},
		"Panic": func(_ context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
			panic("bad member " + in.GetValue())
		},
		"Denied": func(_ context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) { return in, nil },
		"Block": func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
			s.started <- struct{}{}
			select {
			case <-s.release:
				return in, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
	}
	d := &grpc.ServiceDesc{
		ServiceName: testService,
		HandlerType: (*any)(nil),
		Streams: []grpc.StreamDesc{{
			StreamName:    "Stream",
			ServerStreams: true,
			Handler: func(_ any, ss grpc.ServerStream) error {
				if err := ss.RecvMsg(new(wrapperspb.StringValue)); err != nil {
					return err
				}
				return errs.NotFound("member not found")
			},
		}},
	}
	for name, f := range methods {
		d.Methods = append(d.Methods, grpc.MethodDesc{
			MethodName: name,
			Handler: func(_ any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
				in := new(wrapperspb.StringValue)
				if err := dec(in); err != nil {
					return nil, err
				}
				h := func(ctx context.Context, req any) (any, error) { return f(ctx, req.(*wrapperspb.StringValue)) }
				return icpt(ctx, in, &grpc.UnaryServerInfo{FullMethod: "/" + testService + "/" + name}, h)
			},
		})
	}
	return d
}

// denyInterceptor stands in for a caller's auth interceptor.
func denyInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if strings.HasSuffix(info.FullMethod, "/Denied") {
		return nil, errs.PermissionDenied("role analyst may not call Denied")
	}
	return h(ctx, req)
}

// syncBuffer is a bytes.Buffer safe for the server's concurrent log writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// records returns the log lines with the given message.
func (b *syncBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, line)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

type harness struct {
	srv    *grpcserver.Server
	svc    *testServer
	conn   *grpc.ClientConn
	addr   string
	logs   *syncBuffer
	served chan error // receives Serve's result
}

// start runs a Server on a loopback port and connects a client to it. The
// server is shut down when the test ends, unless the test already did.
func start(t *testing.T) *harness {
	t.Helper()
	h := &harness{
		svc:    &testServer{started: make(chan struct{}, 1), release: make(chan struct{})},
		logs:   &syncBuffer{},
		served: make(chan error, 1),
	}
	h.srv = grpcserver.New(logging.New(h.logs, slog.LevelDebug),
		grpcserver.WithUnaryInterceptors(denyInterceptor))
	h.srv.GRPC().RegisterService(h.svc.desc(), struct{}{})

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr = lis.Addr().String()
	go func() { h.served <- h.srv.Serve(lis) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		h.srv.Shutdown(ctx) // a no-op if the test already shut it down
	})

	h.conn = dial(t, h.addr)
	return h
}

func dial(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func invoke(ctx context.Context, conn *grpc.ClientConn, method string) (*wrapperspb.StringValue, error) {
	out := new(wrapperspb.StringValue)
	err := conn.Invoke(ctx, "/"+testService+"/"+method, wrapperspb.String(phiPayload), out)
	return out, err
}
