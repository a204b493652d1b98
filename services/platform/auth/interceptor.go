package auth

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// authorizationKey is the gRPC metadata key of the credentials; grpc-gateway
// forwards the HTTP Authorization header under it.
const authorizationKey = "authorization"

// DefaultPublic reports whether fullMethod may be called without a key: the
// standard health checks (so that probes need no secret) and server
// reflection.
func DefaultPublic(fullMethod string) bool {
	return strings.HasPrefix(fullMethod, "/grpc.health.v1.Health/") ||
		strings.HasPrefix(fullMethod, "/grpc.reflection.")
}

// UnaryServerInterceptor authenticates every unary call but the public ones:
// it reads "authorization: Bearer <key>" from the metadata, verifies the key
// with v and puts the caller's Identity in the handler's context. A missing
// or invalid key is an errs.Unauthenticated error, which the error-mapping
// interceptor outside this one turns into codes.Unauthenticated. A nil
// public means DefaultPublic.
func UnaryServerInterceptor(v Verifier, public func(fullMethod string) bool) grpc.UnaryServerInterceptor {
	public = orDefaultPublic(public)
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if public(info.FullMethod) {
			return handler(ctx, req)
		}
		ctx, err := authenticate(ctx, v)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// StreamServerInterceptor is UnaryServerInterceptor for streaming calls.
func StreamServerInterceptor(v Verifier, public func(fullMethod string) bool) grpc.StreamServerInterceptor {
	public = orDefaultPublic(public)
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		if public(info.FullMethod) {
			return handler(srv, ss)
		}
		ctx, err := authenticate(ss.Context(), v)
		if err != nil {
			return err
		}
		return handler(srv, &contextStream{ServerStream: ss, ctx: ctx})
	}
}

func orDefaultPublic(public func(string) bool) func(string) bool {
	if public == nil {
		return DefaultPublic
	}
	return public
}

// authenticate returns ctx with the caller's identity.
func authenticate(ctx context.Context, v Verifier) (context.Context, error) {
	bearer, err := bearerFrom(ctx)
	if err != nil {
		return nil, err
	}
	id, err := v.Verify(ctx, bearer)
	if err != nil {
		if errs.KindOf(err) == errs.KindUnauthenticated {
			return nil, err
		}
		// The key store failed: not the caller's fault, and not a reason to
		// tell it its key is bad.
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	return WithIdentity(ctx, id), nil
}

// bearerFrom reads the one "Bearer <key>" credential of the incoming call.
func bearerFrom(ctx context.Context) (string, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get(authorizationKey)
	switch len(vals) {
	case 0:
		return "", errs.Unauthenticated("missing credentials: send authorization: Bearer <API key>")
	case 1:
	default:
		return "", errs.Unauthenticated("more than one authorization header")
	}
	scheme, bearer, ok := strings.Cut(strings.TrimSpace(vals[0]), " ")
	bearer = strings.TrimSpace(bearer)
	if !ok || !strings.EqualFold(scheme, "Bearer") || bearer == "" {
		return "", errs.Unauthenticated("malformed credentials: send authorization: Bearer <API key>")
	}
	return bearer, nil
}

// contextStream is a ServerStream whose Context carries the identity.
type contextStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *contextStream) Context() context.Context { return s.ctx }

// WithBearer returns ctx with the key added to the outgoing metadata of a
// gRPC client call, for callers (the gateway, the CLI) that pick the key per
// call.
func WithBearer(ctx context.Context, bearer string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, authorizationKey, "Bearer "+bearer)
}

// BearerCredentials returns per-RPC credentials that send key on every call
// of a channel: grpc.WithPerRPCCredentials(auth.BearerCredentials(key)).
//
// They do not require transport security, because the all-in-one binary
// talks to itself over loopback without TLS; in production TLS is configured
// on the channel, and the key then travels encrypted.
func BearerCredentials(key string) credentials.PerRPCCredentials {
	return bearerCredentials(key)
}

type bearerCredentials string

func (b bearerCredentials) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{authorizationKey: "Bearer " + string(b)}, nil
}

func (bearerCredentials) RequireTransportSecurity() bool { return false }
