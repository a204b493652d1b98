package auth

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
)

const maxDisplayName = 200

// validateKey checks what a new key would grant, reporting every problem.
func validateKey(tenant string, roles []Role, displayName string) error {
	var v errs.Violations
	kind, _, err := ParseTenant(tenant)
	if err != nil {
		v.Add("tenant", tenantProblem)
	}
	if len(roles) == 0 {
		v.Add("roles", "at least one role is required")
	}
	for _, r := range roles {
		switch {
		case !r.Valid():
			// The value is a role name the caller sent, not PHI.
			v.Addf("roles", "unknown role %q: want admin, analyst, pharmacist, biller or operator", r)
		case r == RoleOperator && err == nil && kind != KindOperators:
			v.Add("roles", "the operator role is only granted on an operators/{id} tenant")
		}
	}
	if !utf8.ValidString(displayName) || utf8.RuneCountInString(displayName) > maxDisplayName {
		v.Addf("display_name", "must be valid UTF-8 of at most %d characters", maxDisplayName)
	}
	return v.Err()
}

func dedupe(roles []Role) []Role {
	out := make([]Role, 0, len(roles))
	for _, r := range roles {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// List returns a page of tenant's keys, revoked ones included, ordered by id,
// and the token of the next page ("" on the last). pageSize 0 means
// paging.DefaultSize; above paging.MaxSize it is capped.
func (s *KeyStore) List(ctx context.Context, tenant string, pageSize int, pageToken string) ([]Key, string, error) {
	if _, _, err := ParseTenant(tenant); err != nil {
		return nil, "", err
	}
	page, err := paging.Parse(int32(pageSize), pageToken)
	if err != nil {
		return nil, "", err
	}
	if page.After != "" && !validKeyID(page.After) {
		return nil, "", errs.Invalid(errs.Field("page_token", "is not a token from a previous page"))
	}
	pageSize, after := page.Size, page.After
	// One extra row tells whether another page follows.
	rows, err := s.db.Query(ctx, `SELECT `+keyColumns+` FROM api_keys
		WHERE tenant = ? AND id > ? ORDER BY id LIMIT ?`, tenant, after, pageSize+1)
	if err != nil {
		return nil, "", fmt.Errorf("list api keys of %s: %w", tenant, err)
	}
	defer rows.Close()
	var keys []Key
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, "", fmt.Errorf("list api keys of %s: %w", tenant, err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list api keys of %s: %w", tenant, err)
	}
	if len(keys) <= pageSize {
		return keys, "", nil
	}
	keys = keys[:pageSize]
	return keys, paging.Token(keys[pageSize-1].ID, true), nil
}

// Revoke marks tenant's key keyID revoked and returns it. Revoking a revoked
// key returns it unchanged. A key of another tenant is errs.NotFound, as if it
// did not exist. Callers holding a CachedVerifier see the revocation within
// its TTL.
func (s *KeyStore) Revoke(ctx context.Context, tenant, keyID string) (Key, error) {
	notFound := errs.NotFound("%s/apiKeys/%s not found", tenant, keyID)
	if !validKeyID(keyID) {
		return Key{}, notFound
	}
	now := s.now().UTC().Truncate(time.Microsecond).UnixMicro()
	// The tenant is in the WHERE clause so that a key of another tenant is
	// never touched, and COALESCE keeps the first revocation time.
	res, err := s.db.Exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?)
		WHERE id = ? AND tenant = ?`, now, keyID, tenant)
	if err != nil {
		return Key{}, fmt.Errorf("revoke api key %s: %w", keyID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Key{}, fmt.Errorf("revoke api key %s: %w", keyID, err)
	} else if n == 0 {
		return Key{}, notFound
	}
	k, _, err := s.get(ctx, keyID)
	if err != nil {
		return Key{}, fmt.Errorf("revoke api key %s: %w", keyID, err)
	}
	return k, nil
}

// Count returns the number of keys of every tenant, revoked ones included;
// zero means the suite has never been given a key.
func (s *KeyStore) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM api_keys`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count api keys: %w", err)
	}
	return n, nil
}
