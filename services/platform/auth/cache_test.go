package auth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// countingVerifier knows a fixed set of bearers and counts its calls.
type countingVerifier struct {
	mu    sync.Mutex
	calls int
	keys  map[string]auth.Identity
}

func (v *countingVerifier) Verify(_ context.Context, bearer string) (auth.Identity, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls++
	id, ok := v.keys[bearer]
	if !ok {
		return auth.Identity{}, errs.Unauthenticated("invalid API key")
	}
	return id, nil
}

func (v *countingVerifier) revoke(bearer string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.keys, bearer)
}

func (v *countingVerifier) Calls() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.calls
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestCachedVerifierTTL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	alice := auth.Identity{KeyID: "a", Tenant: "plans/acme", Roles: []auth.Role{auth.RoleAnalyst}}
	next := &countingVerifier{keys: map[string]auth.Identity{"bearer-a": alice}}
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	c := auth.NewCachedVerifier(next, auth.CacheOptions{TTL: 30 * time.Second, Now: clock.Now})

	steps := []struct {
		name      string
		advance   time.Duration
		revoke    bool
		wantErr   bool
		wantCalls int
	}{
		{name: "first call asks the store", wantCalls: 1},
		{name: "within the TTL the cache answers", advance: 10 * time.Second, wantCalls: 1},
		{name: "revoked, but still cached", advance: 10 * time.Second, revoke: true, wantCalls: 1},
		{name: "just before expiry", advance: 10*time.Second - time.Nanosecond, wantCalls: 1},
		{name: "expired: the revocation shows", advance: time.Nanosecond, wantErr: true, wantCalls: 2},
		{name: "failures are not cached", wantErr: true, wantCalls: 3},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		if s.revoke {
			next.revoke("bearer-a")
		}
		got, err := c.Verify(ctx, "bearer-a")
		if s.wantErr {
			if errs.KindOf(err) != errs.KindUnauthenticated {
				t.Errorf("%s: error = %v, want unauthenticated", s.name, err)
			}
		} else if diff := cmp.Diff(alice, got); err != nil || diff != "" {
			t.Errorf("%s: Verify = %v, diff (-want +got):\n%s", s.name, err, diff)
		}
		if n := next.Calls(); n != s.wantCalls {
			t.Errorf("%s: store calls = %d, want %d", s.name, n, s.wantCalls)
		}
	}
}

func TestCachedVerifierBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	next := &countingVerifier{keys: map[string]auth.Identity{}}
	for _, b := range []string{"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"} {
		next.keys[b] = auth.Identity{KeyID: b}
	}
	c := auth.NewCachedVerifier(next, auth.CacheOptions{MaxEntries: 4})
	for b := range next.keys {
		if _, err := c.Verify(ctx, b); err != nil {
			t.Fatal(err)
		}
		if n := c.Len(); n > 4 {
			t.Fatalf("cache holds %d entries, bound is 4", n)
		}
	}
}

func TestCachedVerifierCopiesRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	next := &countingVerifier{keys: map[string]auth.Identity{"b": {KeyID: "b", Roles: []auth.Role{auth.RoleAnalyst}}}}
	c := auth.NewCachedVerifier(next, auth.CacheOptions{})
	first, _ := c.Verify(ctx, "b")
	first.Roles[0] = auth.RoleAdmin
	second, err := c.Verify(ctx, "b")
	if err != nil || second.Has(auth.RoleAdmin) {
		t.Errorf("changing a returned identity changed the cached one: %+v, %v", second, err)
	}
}
