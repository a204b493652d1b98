package auth

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc/metadata"

	"github.com/openmtm/openmtm/services/platform/errs"
)

type verifierFunc func(ctx context.Context, bearer string) (Identity, error)

func (f verifierFunc) Verify(ctx context.Context, bearer string) (Identity, error) {
	return f(ctx, bearer)
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	good := verifierFunc(func(_ context.Context, bearer string) (Identity, error) {
		if bearer != "k" {
			return Identity{}, errs.Unauthenticated("invalid API key")
		}
		return Identity{KeyID: "k", Tenant: "plans/acme"}, nil
	})
	down := verifierFunc(func(context.Context, string) (Identity, error) {
		return Identity{}, errors.New("connection refused")
	})
	tests := []struct {
		name   string
		v      Verifier
		header []string
		want   errs.Kind // -1: authenticated
	}{
		{"bearer", good, []string{"Bearer k"}, -1},
		{"scheme in any case", good, []string{"bearer  k "}, -1},
		{"missing", good, nil, errs.KindUnauthenticated},
		{"two headers", good, []string{"Bearer k", "Bearer k"}, errs.KindUnauthenticated},
		{"other scheme", good, []string{"Basic k"}, errs.KindUnauthenticated},
		{"no key", good, []string{"Bearer "}, errs.KindUnauthenticated},
		{"wrong key", good, []string{"Bearer x"}, errs.KindUnauthenticated},
		// A store outage is the server's failure, not a bad key.
		{"store down", down, []string{"Bearer k"}, errs.KindInternal},
	}
	for _, tt := range tests {
		md := metadata.MD{}
		for _, h := range tt.header {
			md.Append("authorization", h)
		}
		ctx, err := authenticate(metadata.NewIncomingContext(context.Background(), md), tt.v)
		if tt.want == -1 {
			if id, ok := FromContext(ctx); err != nil || !ok || id.KeyID != "k" {
				t.Errorf("%s: authenticate = %+v, %v; want key k", tt.name, id, err)
			}
			continue
		}
		if err == nil || errs.KindOf(err) != tt.want {
			t.Errorf("%s: error = %v, want kind %v", tt.name, err, tt.want)
		}
	}
}

func TestDefaultPublic(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"/grpc.health.v1.Health/Check":                                   true,
		"/grpc.health.v1.Health/Watch":                                   true,
		"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo":      true,
		"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": true,
		"/openmtm.eligibility.v1.EligibilityService/GetMember":           false,
		"/grpc.healthz/Check":                                            false,
	}
	for m, want := range tests {
		if got := DefaultPublic(m); got != want {
			t.Errorf("DefaultPublic(%q) = %v, want %v", m, got, want)
		}
	}
}
