package auth

import (
	"context"
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/resource"
)

// Authorize decides whether the caller in ctx may act on resource (an AIP
// resource name such as "plans/acme/members/M1", or a tenant such as
// "plans/acme" for a list or create) with one of the roles anyOf. Every
// service handler calls it before touching data. The rules, in order:
//
//   - no identity in ctx: errs.Unauthenticated;
//   - an operator (RoleOperator on an operators/{id} tenant): allowed;
//   - resource outside the caller's tenant (its first two segments), or not a
//     resource name at all: errs.NotFound, exactly as if it did not exist, so
//     that a caller cannot learn that another tenant's resource does;
//   - none of anyOf held: errs.PermissionDenied. An admin holds every role of
//     its own tenant. With anyOf empty only admins pass: list the roles a
//     call needs rather than relying on a permissive default.
//
// Authorize knows only ownership. Access through a relation — a network
// reading the member of a referral it accepted, a plan reading the review of
// its member — is not decided here: the owning service checks the relation
// on top of this (typically calling Authorize on the related resource the
// caller does own, then checking the link in its own store) and must answer
// NotFound the same way when the relation does not hold.
func Authorize(ctx context.Context, resource string, anyOf ...Role) error {
	id, ok := FromContext(ctx)
	if !ok {
		return errs.Unauthenticated("request has no credentials")
	}
	if id.IsOperator() {
		return nil
	}
	if TenantOf(resource) != id.Tenant || id.Tenant == "" {
		return errs.NotFound("%s not found", resource)
	}
	if id.Has(RoleAdmin) {
		return nil
	}
	for _, r := range anyOf {
		if id.Has(r) {
			return nil
		}
	}
	return errs.PermissionDenied("the API key lacks the role for this call on %s", resource)
}

// TenantOf returns the tenant of a resource name: its first two segments
// ("plans/acme/members/M1" gives "plans/acme"). It returns "" when resource
// does not start with a valid tenant.
func TenantOf(resource string) string {
	kind, rest, ok := strings.Cut(resource, "/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	if !validTenantKind(kind) || !validTenantID(id) {
		return ""
	}
	return kind + "/" + id
}

// Resource is the prologue of a handler: it parses the request's resource
// name (field) against pattern, returning the pattern's ids, and checks
// that the caller may act on it with one of roles.
func Resource(ctx context.Context, field, pattern, name string, anyOf ...Role) ([]string, error) {
	ids, err := resource.Parse(field, pattern, name)
	if err != nil {
		return nil, err
	}
	return ids, Authorize(ctx, name, anyOf...)
}
