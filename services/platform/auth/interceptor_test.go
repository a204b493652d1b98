package auth_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/typepb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// serve starts the test service and the health service behind the auth and
// audit interceptors and returns a client connection.
func serve(t *testing.T, v auth.Verifier, a auth.Auditor) *grpc.ClientConn {
	t.Helper()
	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(
			func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
				resp, err := h(ctx, req)
				return resp, toStatus(err)
			},
			auth.UnaryServerInterceptor(v, nil),
			auth.AuditUnaryInterceptor(a),
		),
		grpc.ChainStreamInterceptor(
			func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
				return toStatus(h(srv, ss))
			},
			auth.StreamServerInterceptor(v, nil),
			auth.AuditStreamInterceptor(a),
		),
	)
	srv.RegisterService(&echoDesc, nil)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func TestInterceptors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		ks, db := newKeyStore(t, tgt)
		key, bearer, err := ks.Create(ctx, "plans/acme", []auth.Role{auth.RoleAnalyst}, "test")
		if err != nil {
			t.Fatal(err)
		}
		conn := serve(t, auth.NewCachedVerifier(ks, auth.CacheOptions{}), ks)
		req := &typepb.Type{Name: "plans/acme/members/M1", Fields: []*typepb.Field{{Name: payload}}}
		get := func(ctx context.Context, req *typepb.Type) (string, error) {
			out := new(wrapperspb.StringValue)
			err := conn.Invoke(ctx, echoGet, req, out)
			return out.GetValue(), err
		}

		calls := []struct {
			name     string
			ctx      context.Context
			req      *typepb.Type
			want     string
			wantCode codes.Code
		}{
			{"missing key", ctx, req, "", codes.Unauthenticated},
			{"not a bearer", metadataCtx("Basic abc"), req, "", codes.Unauthenticated},
			{"bad key", auth.WithBearer(ctx, bearer[:len(bearer)-1]+"x"), req, "", codes.Unauthenticated},
			{"good key", auth.WithBearer(ctx, bearer), req, key.ID + " plans/acme", codes.OK},
			{"other tenant", auth.WithBearer(ctx, bearer), &typepb.Type{Name: "plans/other/members/M1"}, "", codes.NotFound},
		}
		for _, c := range calls {
			got, err := get(c.ctx, c.req)
			if status.Code(err) != c.wantCode || got != c.want {
				t.Errorf("%s: Get = %q, %v; want %q, code %v", c.name, got, err, c.want, c.wantCode)
			}
		}

		// Per-RPC credentials on the channel do the same as WithBearer.
		credConn, err := grpc.NewClient(conn.Target(), grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithPerRPCCredentials(auth.BearerCredentials(bearer)))
		if err != nil {
			t.Fatal(err)
		}
		defer credConn.Close()
		if err := credConn.Invoke(ctx, echoGet, req, new(wrapperspb.StringValue)); err != nil {
			t.Errorf("Get with BearerCredentials: %v", err)
		}

		// Streams: no key fails, a good key reaches the handler.
		if _, err := watch(ctx, conn, req); status.Code(err) != codes.Unauthenticated {
			t.Errorf("Watch without a key: %v, want Unauthenticated", err)
		}
		if got, err := watch(auth.WithBearer(ctx, bearer), conn, req); err != nil || got != key.ID+" plans/acme" {
			t.Errorf("Watch = %q, %v; want the caller's identity", got, err)
		}

		// Health checks are public and not audited.
		if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
			t.Errorf("health check without a key: %v", err)
		}

		want := []auditRow{
			{key.ID, "plans/acme", echoGet, "plans/acme/members/M1", "OK"},
			{key.ID, "plans/acme", echoGet, "plans/other/members/M1", "NotFound"},
			{key.ID, "plans/acme", echoGet, "plans/acme/members/M1", "OK"},
			{key.ID, "plans/acme", echoWatch, "plans/acme/members/M1", "OK"},
		}
		if diff := cmp.Diff(want, auditRows(t, db)); diff != "" {
			t.Errorf("audit log (-want +got):\n%s", diff)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE key_id || tenant || method || resource || code LIKE ?`,
			"%"+payload+"%").Scan(&n); err != nil || n != 0 {
			t.Errorf("audit rows holding the payload: %d, %v", n, err)
		}
	})
}

func metadataCtx(authorization string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", authorization)
}

func watch(ctx context.Context, conn *grpc.ClientConn, req *typepb.Type) (string, error) {
	s, err := conn.NewStream(ctx, &echoDesc.Streams[0], echoWatch)
	if err != nil {
		return "", err
	}
	if err := s.SendMsg(req); err != nil {
		return "", err
	}
	if err := s.CloseSend(); err != nil {
		return "", err
	}
	out := new(wrapperspb.StringValue)
	if err := s.RecvMsg(out); err != nil {
		return "", err
	}
	if err := s.RecvMsg(new(wrapperspb.StringValue)); !errors.Is(err, io.EOF) {
		return "", err
	}
	return out.GetValue(), nil
}

type auditRow struct{ KeyID, Tenant, Method, Resource, Code string }

// auditRows reads the audit log in the order it was written.
func auditRows(t *testing.T, db *store.DB) []auditRow {
	t.Helper()
	rows, err := db.Query(context.Background(),
		`SELECT key_id, tenant, method, resource, code FROM audit_log ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.KeyID, &r.Tenant, &r.Method, &r.Resource, &r.Code); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
