package auth

import (
	"context"
	"crypto/sha256"
	"slices"
	"sync"
	"time"
)

// Verifier turns a bearer string into the caller's identity. KeyStore and
// CachedVerifier are Verifiers; an OIDC verifier could be another.
type Verifier interface {
	Verify(ctx context.Context, bearer string) (Identity, error)
}

// Defaults of CacheOptions.
const (
	DefaultCacheTTL        = 30 * time.Second
	DefaultCacheMaxEntries = 10000
)

// CacheOptions configures a CachedVerifier; zero fields take the defaults.
type CacheOptions struct {
	// TTL is how long a verified identity is reused. It bounds how long a
	// revoked key keeps working.
	TTL time.Duration
	// MaxEntries bounds the memory the cache holds.
	MaxEntries int
	// Now is the clock; tests inject one.
	Now func() time.Time
}

// CachedVerifier remembers successful verifications for a short TTL so that
// an RPC does not cost a database round trip. The price is that revoking a
// key takes effect only once the TTL has passed (30 seconds by default) on
// every replica. Failures are not cached: a key created a moment ago must
// work at once, and an outage of the key store must not be remembered.
//
// Entries are keyed by the SHA-256 of the bearer, so the cache holds no
// secret in memory any longer than the request that carried it.
type CachedVerifier struct {
	next Verifier
	ttl  time.Duration
	max  int
	now  func() time.Time

	mu      sync.Mutex
	entries map[[sha256.Size]byte]cacheEntry
}

type cacheEntry struct {
	id      Identity
	expires time.Time
}

// NewCachedVerifier returns a caching Verifier in front of next.
func NewCachedVerifier(next Verifier, opts CacheOptions) *CachedVerifier {
	c := &CachedVerifier{next: next, ttl: opts.TTL, max: opts.MaxEntries, now: opts.Now,
		entries: make(map[[sha256.Size]byte]cacheEntry)}
	if c.ttl <= 0 {
		c.ttl = DefaultCacheTTL
	}
	if c.max <= 0 {
		c.max = DefaultCacheMaxEntries
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Verify answers from the cache when it can and asks the next Verifier
// otherwise. Two concurrent misses for one key both ask; that is rare and
// harmless.
func (c *CachedVerifier) Verify(ctx context.Context, bearer string) (Identity, error) {
	k := sha256.Sum256([]byte(bearer))
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[k]
	if ok && now.Before(e.expires) {
		c.mu.Unlock()
		return cloneIdentity(e.id), nil
	}
	if ok {
		delete(c.entries, k)
	}
	c.mu.Unlock()

	id, err := c.next.Verify(ctx, bearer)
	if err != nil {
		return Identity{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		c.evict(now)
	}
	c.entries[k] = cacheEntry{id: cloneIdentity(id), expires: now.Add(c.ttl)}
	return id, nil
}

// evict makes room: it drops expired entries and, if the cache is still
// full, arbitrary ones (map order) down to three quarters of the bound, so
// that the next misses do not each scan the map again. c.mu must be held.
func (c *CachedVerifier) evict(now time.Time) {
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
	if len(c.entries) < c.max {
		return
	}
	target := c.max * 3 / 4 // always below c.max, so the new entry fits
	for k := range c.entries {
		if len(c.entries) <= target {
			break
		}
		delete(c.entries, k)
	}
}

// Len returns the number of cached identities, expired ones included.
func (c *CachedVerifier) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// cloneIdentity copies the roles so that a caller changing its Identity does
// not change the cache's.
func cloneIdentity(id Identity) Identity {
	id.Roles = slices.Clone(id.Roles)
	return id
}
