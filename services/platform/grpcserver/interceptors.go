package grpcserver

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// The interceptors below never log a request or response message: those carry
// PHI. They log the method, the outcome and the error chain.

type callKey struct{}

// call carries, from mapErrors out to the request log line, the error as the
// handler returned it, before ToStatus replaced it with a client-safe status.
type call struct{ err error }

func recoverUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
		defer recoverPanic(ctx, log, info.FullMethod, &err)
		return h(ctx, req)
	}
}

func recoverStream(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
		defer recoverPanic(ss.Context(), log, info.FullMethod, &err)
		return h(srv, ss)
	}
}

// recoverPanic turns a panic into Internal so one bad request cannot take
// down the process. It logs the stack, and the panic value only for runtime
// errors: any other value was built by our code and might hold a member's
// data, so only its type is logged.
func recoverPanic(ctx context.Context, log *slog.Logger, method string, err *error) {
	p := recover()
	if p == nil {
		return
	}
	value := fmt.Sprintf("%T", p)
	if re, ok := p.(runtime.Error); ok {
		value = re.Error()
	}
	log.LogAttrs(ctx, slog.LevelError, "grpc handler panic",
		slog.String("method", method),
		slog.String("panic", value),
		slog.String("stack", string(debug.Stack())),
	)
	*err = status.Error(codes.Internal, internalMessage)
}

func logUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		c := &call{}
		resp, err := h(context.WithValue(ctx, callKey{}, c), req)
		logCall(ctx, log, info.FullMethod, start, err, c)
		return resp, err
	}
}

func logStream(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		start := time.Now()
		c := &call{}
		err := h(srv, &contextStream{ServerStream: ss, ctx: context.WithValue(ss.Context(), callKey{}, c)})
		logCall(ss.Context(), log, info.FullMethod, start, err, c)
		return err
	}
}

func logCall(ctx context.Context, log *slog.Logger, method string, start time.Time, err error, c *call) {
	code := status.Code(err)
	attrs := []slog.Attr{
		slog.String("method", method),
		slog.String("code", code.String()),
		slog.Float64("duration_ms", float64(time.Since(start))/float64(time.Millisecond)),
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		attrs = append(attrs, slog.String("peer", p.Addr.String()))
	}
	if c.err != nil {
		attrs = append(attrs, slog.String("error", c.err.Error()))
	}
	log.LogAttrs(ctx, callLevel(method, code), "grpc call", attrs...)
}

// callLevel keeps health probes out of production logs and raises only the
// failures that are ours to fix.
func callLevel(method string, code codes.Code) slog.Level {
	switch {
	case strings.HasPrefix(method, "/grpc.health.v1.Health/") && code == codes.OK:
		return slog.LevelDebug
	case code == codes.Internal || code == codes.Unknown || code == codes.DataLoss || code == codes.Unavailable:
		return slog.LevelError
	case code == codes.OK:
		return slog.LevelInfo
	default:
		return slog.LevelWarn
	}
}

func mapErrorsUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	resp, err := h(ctx, req)
	return resp, mapError(ctx, err)
}

func mapErrorsStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	return mapError(ss.Context(), h(srv, ss))
}

// mapError records the original error for the log line and returns the
// status the client may see.
func mapError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if c, ok := ctx.Value(callKey{}).(*call); ok {
		c.err = err
	}
	return ToStatus(err).Err()
}

// contextStream replaces a ServerStream's context.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *contextStream) Context() context.Context { return s.ctx }
