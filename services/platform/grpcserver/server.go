// Package grpcserver builds the gRPC server every OpenMTM service runs: panic
// recovery, request logging without payloads, the single mapping from domain
// errors (package errs) to gRPC status, OpenTelemetry instrumentation, health
// checking and reflection, and a graceful shutdown that drains in-flight calls.
package grpcserver

import (
	"context"
	"log/slog"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"github.com/openmtm/openmtm/services/platform/telemetry"
)

// Server is a gRPC server with OpenMTM's interceptors, health and reflection
// services installed. Register service implementations on GRPC() before Serve.
type Server struct {
	grpc   *grpc.Server
	health *health.Server
	log    *slog.Logger
}

type config struct {
	unary   []grpc.UnaryServerInterceptor
	stream  []grpc.StreamServerInterceptor
	options []grpc.ServerOption
}

// Option configures New.
type Option func(*config)

// WithUnaryInterceptors adds the caller's unary interceptors (authentication,
// tenant binding, audit) innermost, next to the handler: they run after
// recovery and logging, and the errors they return are mapped like a
// handler's.
func WithUnaryInterceptors(i ...grpc.UnaryServerInterceptor) Option {
	return func(c *config) { c.unary = append(c.unary, i...) }
}

// WithStreamInterceptors is WithUnaryInterceptors for streaming RPCs.
func WithStreamInterceptors(i ...grpc.StreamServerInterceptor) Option {
	return func(c *config) { c.stream = append(c.stream, i...) }
}

// WithServerOptions adds grpc.ServerOptions such as credentials or keepalive
// settings. Add interceptors with WithUnaryInterceptors and
// WithStreamInterceptors instead: grpc.UnaryInterceptor here would run outside
// panic recovery.
func WithServerOptions(o ...grpc.ServerOption) Option {
	return func(c *config) { c.options = append(c.options, o...) }
}

// New builds a Server that logs to logger (slog.Default() when nil). The
// interceptor chain, outermost first, is: panic recovery, request logging,
// error mapping (ToStatus), the caller's interceptors, the handler.
func New(logger *slog.Logger, opts ...Option) *Server {
	if logger == nil {
		logger = slog.Default()
	}
	var c config
	for _, o := range opts {
		o(&c)
	}

	unary := append([]grpc.UnaryServerInterceptor{
		recoverUnary(logger), logUnary(logger), mapErrorsUnary,
	}, c.unary...)
	stream := append([]grpc.StreamServerInterceptor{
		recoverStream(logger), logStream(logger), mapErrorsStream,
	}, c.stream...)
	serverOpts := append([]grpc.ServerOption{
		grpc.StatsHandler(telemetry.GRPCServerHandler()),
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
	}, c.options...)

	s := &Server{
		grpc:   grpc.NewServer(serverOpts...),
		health: health.NewServer(),
		log:    logger,
	}
	healthpb.RegisterHealthServer(s.grpc, s.health)
	reflection.Register(s.grpc)
	return s
}

// GRPC returns the underlying server, for registering services.
func (s *Server) GRPC() *grpc.Server { return s.grpc }

// Health returns the health service, so the owner can mark individual
// services SERVING or NOT_SERVING (the overall "" service starts SERVING).
func (s *Server) Health() *health.Server { return s.health }

// Serve accepts connections on lis until Shutdown. It returns nil after
// Shutdown and an error if lis fails.
func (s *Server) Serve(lis net.Listener) error {
	return s.grpc.Serve(lis)
}

// Shutdown reports NOT_SERVING on every health check so load balancers stop
// sending traffic, stops accepting calls, and waits for in-flight calls to
// finish. If ctx ends first it closes every connection, cancelling what is
// still running. It returns when the server has stopped.
func (s *Server) Shutdown(ctx context.Context) {
	s.health.Shutdown()

	drained := make(chan struct{})
	go func() {
		s.grpc.GracefulStop()
		close(drained)
	}()
	select {
	case <-drained:
	case <-ctx.Done():
		s.log.WarnContext(ctx, "grpc graceful stop timed out; closing connections", slog.Any("error", ctx.Err()))
		s.grpc.Stop()
		<-drained
	}
}
