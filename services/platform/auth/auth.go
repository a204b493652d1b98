// Package auth authenticates callers and authorises their calls. A caller
// presents an API key; the key names one tenant (a plan, a pharmacy network,
// or the operators of the suite) and the roles it holds there. The gRPC
// interceptors here verify the key, put the caller's Identity in the request
// context and write the audit trail; every handler then calls Authorize with
// the resource it touches.
//
// Keys are stored hashed (KeyStore) and verified through a short-lived cache
// (CachedVerifier) so that an RPC does not cost a database round trip.
package auth

import (
	"context"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// Role is what a key may do within its tenant.
type Role string

// The roles. Admin holds every other role of its own tenant; operator is the
// suite's own role and reaches every tenant.
const (
	RoleAdmin      Role = "admin"      // keys and settings of the tenant; writes plan data
	RoleAnalyst    Role = "analyst"    // reads
	RolePharmacist Role = "pharmacist" // documents reviews
	RoleBiller     Role = "biller"     // claims
	RoleOperator   Role = "operator"   // runs the suite; only on an operators/{id} tenant
)

// Roles lists every known role.
var Roles = []Role{RoleAdmin, RoleAnalyst, RolePharmacist, RoleBiller, RoleOperator}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Tenant kinds, as the first segment of a tenant name.
const (
	KindPlans     = "plans"
	KindNetworks  = "networks"
	KindOperators = "operators"
)

// Identity is an authenticated caller.
type Identity struct {
	// KeyID is the id of the API key the caller presented.
	KeyID string
	// Tenant is "plans/{plan}", "networks/{network}" or "operators/{id}".
	Tenant string
	// Roles are the roles the key holds in Tenant.
	Roles []Role
}

// Has reports whether the identity holds role r itself. It does not apply
// the admin rule (see Authorize).
func (id Identity) Has(r Role) bool { return slices.Contains(id.Roles, r) }

// IsOperator reports whether the identity is an operator of the suite: it
// holds RoleOperator on an operators/{id} tenant. Both are required so that a
// role smuggled onto a plan's key (which Create refuses anyway) grants nothing.
func (id Identity) IsOperator() bool {
	return id.Has(RoleOperator) && strings.HasPrefix(id.Tenant, KindOperators+"/")
}

type identityKey struct{}

// WithIdentity returns ctx carrying id.
func WithIdentity(ctx context.Context, id Identity) context.Context {
	return context.WithValue(ctx, identityKey{}, id)
}

// FromContext returns the identity in ctx, if any.
func FromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// ParseTenant splits a tenant name such as "plans/acme" into its kind
// ("plans", "networks" or "operators") and id. The id is 1–63 lower-case
// letters, digits and '-', so a tenant is always safe in a resource name.
func ParseTenant(s string) (kind, id string, err error) {
	kind, id, ok := strings.Cut(s, "/")
	if !ok || !validTenantKind(kind) || !validTenantID(id) {
		return "", "", errs.Invalid(errs.Field("tenant", tenantProblem))
	}
	return kind, id, nil
}

const tenantProblem = "must be plans/{id}, networks/{id} or operators/{id} with an id of 1-63 lower-case letters, digits and '-'"

func validTenantKind(kind string) bool {
	return kind == KindPlans || kind == KindNetworks || kind == KindOperators
}

func validTenantID(id string) bool {
	if id == "" || len(id) > 63 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
