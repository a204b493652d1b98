package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openmtm/openmtm/services/platform/auth"
)

type refuseAll struct{ calls int }

func (r *refuseAll) Verify(context.Context, string) (auth.Identity, error) {
	r.calls++
	return auth.Identity{}, errors.New("unknown key")
}

func TestWithInternalToken(t *testing.T) {
	next := &refuseAll{}
	v := auth.WithInternalToken(next, "secret-token")
	id, err := v.Verify(context.Background(), "secret-token")
	if err != nil || !id.IsOperator() || id.Tenant != auth.InternalTenant {
		t.Fatalf("internal token: got %+v, %v; want the suite's operator", id, err)
	}
	if next.calls != 0 {
		t.Fatalf("the internal token reached the key store")
	}
	for _, bearer := range []string{"secret-toke", "secret-token2", ""} {
		if _, err := v.Verify(context.Background(), bearer); err == nil {
			t.Errorf("bearer %q: accepted", bearer)
		}
	}
	if next.calls != 3 {
		t.Errorf("other bearers: key store asked %d times, want 3", next.calls)
	}
	if _, err := auth.WithInternalToken(next, "").Verify(context.Background(), ""); err == nil {
		t.Error("an empty token accepted an empty bearer")
	}
}
