package auth_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// newKeyStore opens a fresh, migrated store on tgt.
func newKeyStore(t *testing.T, tgt storetest.Target) (*auth.KeyStore, *store.DB) {
	t.Helper()
	db := storetest.Open(t, tgt, "auth")
	if err := db.Migrate(context.Background(), "auth", auth.Migrations); err != nil {
		t.Fatal(err)
	}
	return auth.NewKeyStore(db), db
}

func wantKind(t *testing.T, what string, err error, want errs.Kind) {
	t.Helper()
	if err == nil || errs.KindOf(err) != want {
		t.Errorf("%s: error = %v, want kind %v", what, err, want)
	}
}

func TestKeyStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		ks, db := newKeyStore(t, tgt)

		roles := []auth.Role{auth.RoleAnalyst, auth.RoleBiller, auth.RoleAnalyst}
		key, bearer, err := ks.Create(ctx, "plans/acme", roles, "reporting job")
		if err != nil {
			t.Fatal(err)
		}

		t.Run("create returns the key and a bearer", func(t *testing.T) {
			want := auth.Key{ID: key.ID, Tenant: "plans/acme", Roles: []auth.Role{auth.RoleAnalyst, auth.RoleBiller},
				DisplayName: "reporting job"}
			if diff := cmp.Diff(want, key, cmpopts.IgnoreFields(auth.Key{}, "CreatedAt")); diff != "" {
				t.Errorf("key (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(bearer, "omtm_"+key.ID+"_") || len(key.ID) != 16 {
				t.Errorf("bearer %q does not have the form omtm_<16-char id>_<secret>", bearer)
			}
			if diff := cmp.Diff("plans/acme/apiKeys/"+key.ID, key.Name()); diff != "" {
				t.Errorf("name (-want +got):\n%s", diff)
			}
		})

		t.Run("verify", func(t *testing.T) {
			got, err := ks.Verify(ctx, bearer)
			if err != nil {
				t.Fatal(err)
			}
			want := auth.Identity{KeyID: key.ID, Tenant: "plans/acme", Roles: []auth.Role{auth.RoleAnalyst, auth.RoleBiller}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})

		t.Run("the secret is not stored", func(t *testing.T) {
			secret := strings.TrimPrefix(bearer, "omtm_"+key.ID+"_")
			row := readRow(t, db, key.ID)
			for col, v := range row {
				if strings.Contains(v, secret) {
					t.Errorf("column %s holds the secret", col)
				}
			}
			sum := sha256.Sum256([]byte(secret))
			if row["secret_hash"] == secret || row["secret_hash"] != string(sum[:]) {
				t.Errorf("secret_hash is not sha256(secret)")
			}
		})

		t.Run("bad bearers are unauthenticated alike", func(t *testing.T) {
			other, otherBearer, err := ks.Create(ctx, "plans/acme", []auth.Role{auth.RoleAnalyst}, "revoked")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ks.Revoke(ctx, "plans/acme", other.ID); err != nil {
				t.Fatal(err)
			}
			// Same id, another secret of the right shape.
			wrong := bearer[:len(bearer)-1] + flip(bearer[len(bearer)-1])
			unknown := "omtm_" + strings.Repeat("0", 16) + bearer[len("omtm_")+16:]
			for name, b := range map[string]string{
				"wrong secret": wrong, "unknown key": unknown, "revoked": otherBearer,
				"malformed": "omtm_nope", "empty": "", "bare secret": bearer[len("omtm_")+17:],
			} {
				_, err := ks.Verify(ctx, b)
				wantKind(t, name, err, errs.KindUnauthenticated)
				if err != nil && err.Error() != "invalid API key" {
					t.Errorf("%s: message %q is not the generic one", name, err)
				}
			}
		})

		t.Run("create validates", func(t *testing.T) {
			for _, tt := range []struct {
				tenant string
				roles  []auth.Role
			}{
				{"plans/acme", []auth.Role{"superuser"}},
				{"plans/acme", []auth.Role{auth.RoleOperator}},
				{"networks/rx", []auth.Role{auth.RoleAdmin, auth.RoleOperator}},
				{"plans/acme", nil},
				{"plans/Acme", []auth.Role{auth.RoleAdmin}},
				{"acme", []auth.Role{auth.RoleAdmin}},
			} {
				_, _, err := ks.Create(ctx, tt.tenant, tt.roles, "x")
				wantKind(t, fmt.Sprintf("Create(%q, %v)", tt.tenant, tt.roles), err, errs.KindInvalid)
			}
			if _, _, err := ks.Create(ctx, "operators/ops", []auth.Role{auth.RoleOperator}, "ops"); err != nil {
				t.Errorf("operator key on operators/ops: %v", err)
			}
		})
	})
}

// flip changes the last character of a secret to another canonical one
// ('A' and 'E' both leave the two trailing bits zero).
func flip(c byte) string {
	if c == 'A' {
		return "E"
	}
	return "A"
}

// readRow returns every column of a key's row as a string.
func readRow(t *testing.T, db *store.DB, id string) map[string]string {
	t.Helper()
	cols := []string{"id", "tenant", "roles", "display_name", "secret_hash", "created_at", "revoked_at"}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := db.QueryRow(context.Background(),
		`SELECT `+strings.Join(cols, ", ")+` FROM api_keys WHERE id = ?`, id).Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	row := make(map[string]string, len(cols))
	for i, c := range cols {
		switch v := vals[i].(type) {
		case []byte:
			row[c] = string(v)
		default:
			row[c] = fmt.Sprint(v)
		}
	}
	return row
}

func TestKeyStoreBootstrap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		ks, _ := newKeyStore(t, tgt)
		const bearer = "omtm_0123456789abcdef_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		ops := []auth.Role{auth.RoleOperator}

		if n, err := ks.Count(ctx); err != nil || n != 0 {
			t.Fatalf("Count of an empty store = %d, %v; want 0", n, err)
		}
		first, err := ks.CreateWithSecret(ctx, "operators/bootstrap", ops, "bootstrap", bearer)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ks.CreateWithSecret(ctx, "operators/bootstrap", ops, "bootstrap", bearer)
		if err != nil {
			t.Fatalf("second CreateWithSecret: %v", err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Errorf("second CreateWithSecret changed the key (-first +again):\n%s", diff)
		}
		if n, err := ks.Count(ctx); err != nil || n != 1 {
			t.Errorf("Count = %d, %v; want 1", n, err)
		}
		id, err := ks.Verify(ctx, bearer)
		if err != nil || id.KeyID != "0123456789abcdef" || !id.IsOperator() {
			t.Errorf("Verify(bootstrap) = %+v, %v; want the operator key", id, err)
		}

		otherSecret := bearer[:len(bearer)-1] + "E"
		_, err = ks.CreateWithSecret(ctx, "operators/bootstrap", ops, "bootstrap", otherSecret)
		wantKind(t, "same id, other secret", err, errs.KindAlreadyExists)
		for _, bad := range []string{"", "secret", "omtm_0123456789ABCDEF_" + bearer[22:], bearer + "A", bearer[:len(bearer)-1] + "B"} {
			// The last one has non-zero trailing bits: a non-canonical spelling.
			_, err := ks.CreateWithSecret(ctx, "operators/bootstrap", ops, "bootstrap", bad)
			wantKind(t, fmt.Sprintf("CreateWithSecret(%q)", bad), err, errs.KindInvalid)
		}
	})
}
