package suite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	identityv1 "github.com/openmtm/openmtm/gen/openmtm/identity/v1"
	"github.com/openmtm/openmtm/services/gateway"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/grpcserver"
	"github.com/openmtm/openmtm/services/platform/service"
	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/telemetry"
)

// shutdownGrace bounds how long in-flight calls and events get to finish.
const shutdownGrace = 15 * time.Second

// Process is a configured, listening OpenMTM process.
type Process struct {
	cfg      Config
	logger   *slog.Logger
	closers  []func()
	services []service.Service
	peers    *peers
	grpc     *grpcserver.Server
	grpcLis  net.Listener
	http     *http.Server
	httpLis  net.Listener
	started  time.Time
}

// Start opens stores and NATS, migrates, builds every service and listens.
// Run then serves until its context ends. On error, whatever was opened is
// closed.
func Start(ctx context.Context, cfg Config, logger *slog.Logger) (_ *Process, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	p := &Process{cfg: cfg, logger: logger, started: time.Now()}
	defer func() {
		if err != nil {
			p.close() // p, not the result: a failed Start returns nil
		}
	}()

	var b *bus.Bus
	if len(cfg.Services) > 0 {
		b, err = bus.Connect(ctx, bus.Config{URL: cfg.NATSURL, DataDir: cfg.DataDir, Namespace: cfg.NATSNamespace}, logger)
		if err != nil {
			return nil, err
		}
		p.closers = append(p.closers, b.Close)
	}
	keys, err := p.openKeys(ctx)
	if err != nil {
		return nil, err
	}
	internal, err := newInternalToken()
	if err != nil {
		return nil, err
	}
	verifier := auth.NewCachedVerifier(auth.WithInternalToken(keys, internal), auth.CacheOptions{})
	p.grpc = grpcserver.New(logger,
		grpcserver.WithUnaryInterceptors(auth.UnaryServerInterceptor(verifier, auth.DefaultPublic), auth.AuditUnaryInterceptor(keys)),
		grpcserver.WithStreamInterceptors(auth.StreamServerInterceptor(verifier, auth.DefaultPublic), auth.AuditStreamInterceptor(keys)),
	)
	// Listen before the services are built: they may dial each other here.
	if p.grpcLis, err = net.Listen("tcp", cfg.GRPCAddr); err != nil {
		return nil, fmt.Errorf("listen gRPC: %w", err)
	}
	p.closers = append(p.closers, func() { p.grpcLis.Close() })
	p.peers = &peers{cfg: cfg, local: p.grpcLis.Addr().String(), internal: internal}
	p.closers = append(p.closers, p.peers.close)
	for _, name := range cfg.Services {
		db, err := p.openStore(ctx, name)
		if err != nil {
			return nil, err
		}
		svc, err := constructors[name](ctx, service.Deps{DB: db, Bus: b, Logger: logger, ReferenceDir: cfg.ReferenceDir, Peer: p.peers.dial})
		if err != nil {
			return nil, err
		}
		svc.Register(p.grpc.GRPC())
		p.services = append(p.services, svc)
	}
	if cfg.Gateway {
		identity, err := gateway.NewIdentity(keys)
		if err != nil {
			return nil, err
		}
		identityv1.RegisterIdentityServiceServer(p.grpc.GRPC(), identity)
	}
	// Probes see NOT_SERVING until every service is ready (announceReady).
	p.grpc.Health().SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	if cfg.Gateway {
		if err := p.startGateway(ctx, verifier); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *Process) openStore(ctx context.Context, name string) (*store.DB, error) {
	db, err := store.Open(ctx, p.cfg.storeURL(), p.cfg.SchemaPrefix+name)
	if err != nil {
		return nil, err
	}
	p.closers = append(p.closers, func() { db.Close() })
	return db, nil
}

// openKeys opens the access schema (API keys and the audit trail) and makes
// sure the suite has a key: the bootstrap one, or a first one printed once.
func (p *Process) openKeys(ctx context.Context) (*auth.KeyStore, error) {
	db, err := p.openStore(ctx, "access")
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx, "auth", auth.Migrations); err != nil {
		return nil, err
	}
	keys := auth.NewKeyStore(db)
	// The service key is made an operator key here, so that a deployment
	// only has to put one random secret in front of its processes.
	if p.cfg.ServiceKey != "" {
		_, err := keys.CreateWithSecret(ctx, auth.InternalTenant, []auth.Role{auth.RoleOperator}, "service key", p.cfg.ServiceKey)
		if err != nil {
			return nil, fmt.Errorf("OPENMTM_SERVICE_KEY: %w", err)
		}
	}
	if p.cfg.BootstrapKey != "" {
		_, err := keys.CreateWithSecret(ctx, "operators/bootstrap", []auth.Role{auth.RoleOperator}, "bootstrap key", p.cfg.BootstrapKey)
		if err != nil {
			return nil, fmt.Errorf("OPENMTM_BOOTSTRAP_KEY: %w", err)
		}
		return keys, nil
	}
	if p.cfg.FirstKeyOut == nil {
		return keys, nil
	}
	n, err := keys.Count(ctx)
	if err != nil || n > 0 {
		return keys, err
	}
	_, secret, err := keys.Create(ctx, "operators/local", []auth.Role{auth.RoleOperator}, "first key, printed by openmtm up")
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(p.cfg.FirstKeyOut, "\nNo API key existed, so OpenMTM made an operator key. It is shown this once:\n\n  export OPENMTM_KEY=%s\n\n", secret)
	return keys, nil
}

func (p *Process) startGateway(ctx context.Context, verifier auth.Verifier) error {
	upstreams := map[string]string{"identity": p.grpcLis.Addr().String()}
	for _, s := range p.services {
		upstreams[s.Name()] = p.grpcLis.Addr().String()
	}
	for api, addr := range p.cfg.Upstreams {
		upstreams[api] = addr
	}
	gw, err := gateway.New(ctx, gateway.Config{Upstreams: upstreams, Verifier: verifier, Ready: p.Ready, Logger: p.logger})
	if err != nil {
		return err
	}
	p.closers = append(p.closers, gw.Close)
	if p.httpLis, err = net.Listen("tcp", p.cfg.HTTPAddr); err != nil {
		return fmt.Errorf("listen HTTP: %w", err)
	}
	p.http = &http.Server{Handler: gw.Handler(), ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// Service returns the service name running in this process, or nil.
func (p *Process) Service(name string) service.Service {
	for _, s := range p.services {
		if s.Name() == name {
			return s
		}
	}
	return nil
}

// GRPCAddr is the address the gRPC server listens on.
func (p *Process) GRPCAddr() string { return p.grpcLis.Addr().String() }

// HTTPAddr is the gateway's address ("" without a gateway).
func (p *Process) HTTPAddr() string {
	if p.httpLis == nil {
		return ""
	}
	return p.httpLis.Addr().String()
}

// Ready reports whether every service has declared its streams and runs its
// consumers; stores were migrated before Start returned.
func (p *Process) Ready() bool {
	for _, s := range p.services {
		if !s.Ready() {
			return false
		}
	}
	return true
}

// Run serves until ctx ends, then shuts down gracefully: the edge stops
// taking requests, in-flight calls finish, consumers drain, the outbox relay
// stops, and NATS and the stores close.
func (p *Process) Run(ctx context.Context) error {
	defer p.close()
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()

	errc := make(chan error, len(p.services)+2)
	var wg sync.WaitGroup
	for _, s := range p.services {
		wg.Go(func() {
			if err := s.Run(workCtx); err != nil && !errors.Is(err, context.Canceled) {
				errc <- fmt.Errorf("%s: %w", s.Name(), err)
			}
		})
	}
	go func() {
		if err := p.grpc.Serve(p.grpcLis); err != nil {
			errc <- fmt.Errorf("gRPC server: %w", err)
		}
	}()
	if p.http != nil {
		go func() {
			if err := p.http.Serve(p.httpLis); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("HTTP server: %w", err)
			}
		}()
	}
	go p.announceReady(ctx)

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	p.logger.Info("shutting down")
	graceCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if p.http != nil {
		_ = p.http.Shutdown(graceCtx)
	}
	p.grpc.Shutdown(graceCtx)
	stopWork()
	wg.Wait()
	return runErr
}

// announceReady logs once when the process is ready, with the start-up time.
func (p *Process) announceReady(ctx context.Context) {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for !p.Ready() {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
	p.grpc.Health().SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	p.logger.Info("ready", append(p.cfg.logAttrs(), "grpc", p.GRPCAddr(), "http", p.HTTPAddr(),
		"startup_ms", time.Since(p.started).Milliseconds())...)
}

func (p *Process) close() {
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
	p.closers = nil
}

// Telemetry starts OpenTelemetry for the process; call the returned func on exit.
func Telemetry(ctx context.Context, version string) (func(context.Context) error, error) {
	return telemetry.Setup(ctx, "openmtm", version)
}
