// Package gateway is the REST/JSON edge of OpenMTM: grpc-gateway turns every
// public RPC into an HTTP route, the caller is authenticated here (401 before
// any service is asked), and the generated OpenAPI document is served. The
// services still check tenant and role on every call: the edge is not the
// only wall. The gateway also owns API keys (the identity service).
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	_ "google.golang.org/genproto/googleapis/rpc/errdetails" // BadRequest details render in JSON errors
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/telemetry"
)

// Config is what the gateway needs.
type Config struct {
	// Upstreams maps each API (see Routes) to the gRPC address serving it.
	Upstreams map[string]string
	// Verifier authenticates bearer keys.
	Verifier auth.Verifier
	// Ready reports whether the process behind the gateway is ready.
	Ready func() bool
	// Logger writes JSON logs; never PHI.
	Logger *slog.Logger
}

// Gateway is the HTTP edge.
type Gateway struct {
	handler http.Handler
	conns   []*grpc.ClientConn
}

// New dials the upstreams (lazily: a service that starts later is found
// when it is up) and builds the HTTP handler.
func New(ctx context.Context, cfg Config) (*Gateway, error) {
	if cfg.Verifier == nil || cfg.Ready == nil || cfg.Logger == nil {
		return nil, errors.New("gateway: Verifier, Ready and Logger are required")
	}
	mux := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}),
	)
	g := &Gateway{}
	conns := map[string]*grpc.ClientConn{}
	for _, r := range Routes {
		addr, ok := cfg.Upstreams[r.API]
		if !ok {
			// Every route exists; one whose API has no upstream answers 503
			// saying so, rather than a 404 that hides a configuration gap.
			cfg.Logger.Warn("gateway: no upstream; its routes answer 503", "api", r.API)
			addr = "passthrough:///" + r.API
		}
		conn, ok := conns[addr]
		if !ok {
			var err error
			conn, err = dial(addr, r.API)
			if err != nil {
				g.Close()
				return nil, fmt.Errorf("gateway: dial %s for %s: %w", addr, r.API, err)
			}
			conns[addr] = conn
			g.conns = append(g.conns, conn)
		}
		if err := r.Register(ctx, mux, conn); err != nil {
			g.Close()
			return nil, fmt.Errorf("gateway: register %s: %w", r.API, err)
		}
		if r.API == "eligibility" {
			if err := registerCSVImports(mux, conn); err != nil {
				g.Close()
				return nil, fmt.Errorf("gateway: register CSV imports: %w", err)
			}
		}
	}

	doc, err := openAPI()
	if err != nil {
		g.Close()
		return nil, err
	}
	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	root.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !cfg.Ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	root.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	})
	root.Handle("/v1/", authenticate(cfg.Verifier, mux, mux))
	g.handler = telemetry.HTTPHandler(root, "gateway")
	return g, nil
}

// dial connects lazily to addr; a "passthrough:///" address stands for an
// API with no upstream, whose calls fail Unavailable naming it.
func dial(addr, api string) (*grpc.ClientConn, error) {
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(telemetry.GRPCClientHandler()),
	}
	if strings.HasPrefix(addr, "passthrough:///") {
		opts = append(opts, grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) {
			return nil, fmt.Errorf("%s is not served behind this gateway (no upstream configured)", api)
		}))
	}
	return grpc.NewClient(addr, opts...)
}

// Handler is the gateway's HTTP handler.
func (g *Gateway) Handler() http.Handler { return g.handler }

// Close closes the upstream connections.
func (g *Gateway) Close() {
	for _, c := range g.conns {
		c.Close()
	}
}
