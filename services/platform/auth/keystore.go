package auth

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations creates the api_keys and audit_log tables. Run it with
// db.Migrate(ctx, "auth", auth.Migrations) before NewKeyStore.
var Migrations fs.FS = mustSub(migrationFiles, "migrations")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		// Unreachable: dir is embedded above.
		panic(err)
	}
	return sub
}

// Key is a stored API key, without its secret.
type Key struct {
	ID          string
	Tenant      string
	Roles       []Role
	DisplayName string
	CreatedAt   time.Time
	RevokedAt   *time.Time
}

// Name is the key's resource name, "{tenant}/apiKeys/{id}".
func (k Key) Name() string { return k.Tenant + "/apiKeys/" + k.ID }

// KeyStore keeps API keys, hashed, and the audit trail in one database.
type KeyStore struct {
	db  *store.DB
	now func() time.Time
}

// NewKeyStore returns a KeyStore over db, which must have Migrations applied.
func NewKeyStore(db *store.DB) *KeyStore {
	return &KeyStore{db: db, now: time.Now}
}

// errBadKey is the one answer to every bad bearer, so that a caller learns
// nothing about which part was wrong or whether the key id exists.
func errBadKey() error { return errs.Unauthenticated("invalid API key") }

// Create stores a new key for tenant with roles and returns it with its
// bearer string ("omtm_<keyid>_<secret>"). The bearer is returned once and
// only its hash is stored: it cannot be shown again.
func (s *KeyStore) Create(ctx context.Context, tenant string, roles []Role, displayName string) (Key, string, error) {
	if err := validateKey(tenant, roles, displayName); err != nil {
		return Key{}, "", err
	}
	bearer, keyID, secret, err := newBearer()
	if err != nil {
		return Key{}, "", err
	}
	k, err := s.insert(ctx, keyID, tenant, roles, displayName, hashSecret(secret))
	if err != nil {
		return Key{}, "", err
	}
	return k, bearer, nil
}

// CreateWithSecret stores a key whose bearer the caller chose, for the
// bootstrap key an operator passes in OPENMTM_BOOTSTRAP_KEY. bearer must have
// the shape of a generated key. It is idempotent, so every start-up can call
// it: when the key id already exists with the same secret it returns the
// stored key unchanged (a revoked bootstrap key stays revoked; the tenant,
// roles and name of the first creation win). The same id with another secret
// is errs.AlreadyExists.
func (s *KeyStore) CreateWithSecret(ctx context.Context, tenant string, roles []Role, displayName, bearer string) (Key, error) {
	if err := validateKey(tenant, roles, displayName); err != nil {
		return Key{}, err
	}
	keyID, secret, ok := parseBearer(bearer)
	if !ok {
		return Key{}, errs.Invalid(errs.Field("bootstrap_key",
			"must be omtm_<16 lower-case base32hex characters>_<32 bytes base64url without padding>"))
	}
	hash := hashSecret(secret)
	k, err := s.insert(ctx, keyID, tenant, roles, displayName, hash)
	if err == nil || errs.KindOf(err) != errs.KindAlreadyExists {
		return k, err
	}
	existing, stored, err := s.get(ctx, keyID)
	if err != nil {
		return Key{}, fmt.Errorf("create api key %s: %w", keyID, err)
	}
	if subtle.ConstantTimeCompare(stored, hash[:]) != 1 {
		return Key{}, errs.AlreadyExists("API key %s already exists with another secret", keyID)
	}
	return existing, nil
}

func (s *KeyStore) insert(ctx context.Context, keyID, tenant string, roles []Role, displayName string, hash secretHash) (Key, error) {
	k := Key{
		ID:          keyID,
		Tenant:      tenant,
		Roles:       dedupe(roles),
		DisplayName: displayName,
		CreatedAt:   s.now().UTC().Truncate(time.Microsecond),
	}
	_, err := s.db.Exec(ctx, `INSERT INTO api_keys (id, tenant, roles, display_name, secret_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`,
		k.ID, k.Tenant, joinRoles(k.Roles), k.DisplayName, hash[:], k.CreatedAt.UnixMicro())
	switch {
	case store.IsUniqueViolation(err):
		return Key{}, errs.AlreadyExists("API key %s already exists", keyID)
	case err != nil:
		return Key{}, fmt.Errorf("create api key %s: %w", keyID, err)
	}
	return k, nil
}

// Verify returns the identity of a bearer string. A malformed, unknown,
// revoked or wrong bearer is errs.Unauthenticated with one generic message.
// The secret is compared by its hash in constant time.
func (s *KeyStore) Verify(ctx context.Context, bearer string) (Identity, error) {
	keyID, secret, ok := parseBearer(bearer)
	if !ok {
		return Identity{}, errBadKey()
	}
	k, stored, err := s.get(ctx, keyID)
	if errs.KindOf(err) == errs.KindNotFound {
		return Identity{}, errBadKey()
	}
	if err != nil {
		return Identity{}, fmt.Errorf("verify api key %s: %w", keyID, err)
	}
	hash := hashSecret(secret)
	if subtle.ConstantTimeCompare(stored, hash[:]) != 1 || k.RevokedAt != nil {
		return Identity{}, errBadKey()
	}
	return Identity{KeyID: k.ID, Tenant: k.Tenant, Roles: k.Roles}, nil
}

// get reads one key and its stored hash; a missing key is errs.NotFound.
func (s *KeyStore) get(ctx context.Context, keyID string) (Key, []byte, error) {
	row := s.db.QueryRow(ctx, `SELECT `+keyColumns+`, secret_hash FROM api_keys WHERE id = ?`, keyID)
	var hash []byte
	k, err := scanKey(row, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Key{}, nil, errs.NotFound("API key %s not found", keyID)
	}
	if err != nil {
		return Key{}, nil, fmt.Errorf("read api key %s: %w", keyID, err)
	}
	return k, hash, nil
}

const keyColumns = `id, tenant, roles, display_name, created_at, revoked_at`

// scanKey reads keyColumns, then extra destinations.
func scanKey(row interface{ Scan(...any) error }, extra ...any) (Key, error) {
	var (
		k       Key
		roles   string
		created int64
		revoked sql.NullInt64
	)
	dest := append([]any{&k.ID, &k.Tenant, &roles, &k.DisplayName, &created, &revoked}, extra...)
	if err := row.Scan(dest...); err != nil {
		return Key{}, err
	}
	k.Roles = splitRoles(roles)
	k.CreatedAt = time.UnixMicro(created).UTC()
	if revoked.Valid {
		t := time.UnixMicro(revoked.Int64).UTC()
		k.RevokedAt = &t
	}
	return k, nil
}

func joinRoles(roles []Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

func splitRoles(s string) []Role {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	roles := make([]Role, len(parts))
	for i, p := range parts {
		roles[i] = Role(p)
	}
	return roles
}
