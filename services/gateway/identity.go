package gateway

import (
	"context"
	"errors"
	"slices"

	"google.golang.org/protobuf/types/known/timestamppb"

	identityv1 "github.com/openmtm/openmtm/gen/openmtm/identity/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// Identity serves the API-key service over the key store: a tenant's admin
// manages its own tenant's keys, an operator any tenant's.
type Identity struct {
	identityv1.UnimplementedIdentityServiceServer
	keys *auth.KeyStore
}

// NewIdentity returns the identity service over keys.
func NewIdentity(keys *auth.KeyStore) (*Identity, error) {
	if keys == nil {
		return nil, errors.New("identity: nil key store")
	}
	return &Identity{keys: keys}, nil
}

// CreateApiKey creates a key and returns its secret, once.
func (s *Identity) CreateApiKey(ctx context.Context, req *identityv1.CreateApiKeyRequest) (*identityv1.CreateApiKeyResponse, error) {
	if err := auth.Authorize(ctx, req.GetParent(), auth.RoleAdmin); err != nil {
		return nil, err
	}
	roles := make([]auth.Role, 0, len(req.GetApiKey().GetRoles()))
	for _, r := range req.GetApiKey().GetRoles() {
		role, ok := roleOf[r]
		if !ok {
			return nil, errs.Invalid(errs.Field("api_key.roles", "must name admin, analyst, pharmacist, biller or operator"))
		}
		roles = append(roles, role)
	}
	// Only an operator may mint operator keys; Authorize already let an
	// operator through for any tenant.
	if id, _ := auth.FromContext(ctx); !id.IsOperator() && slices.Contains(roles, auth.RoleOperator) {
		return nil, errs.PermissionDenied("only an operator may grant the operator role")
	}
	k, secret, err := s.keys.Create(ctx, req.GetParent(), roles, req.GetApiKey().GetDisplayName())
	if err != nil {
		return nil, errs.PrefixFields(err, "api_key.")
	}
	return &identityv1.CreateApiKeyResponse{ApiKey: keyProto(k), Secret: secret}, nil
}

// ListApiKeys lists a tenant's keys without their secrets.
func (s *Identity) ListApiKeys(ctx context.Context, req *identityv1.ListApiKeysRequest) (*identityv1.ListApiKeysResponse, error) {
	if err := auth.Authorize(ctx, req.GetParent(), auth.RoleAdmin); err != nil {
		return nil, err
	}
	keys, next, err := s.keys.List(ctx, req.GetParent(), int(req.GetPageSize()), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	resp := &identityv1.ListApiKeysResponse{NextPageToken: next}
	for _, k := range keys {
		resp.ApiKeys = append(resp.ApiKeys, keyProto(k))
	}
	return resp, nil
}

// RevokeApiKey revokes a key.
func (s *Identity) RevokeApiKey(ctx context.Context, req *identityv1.RevokeApiKeyRequest) (*identityv1.ApiKey, error) {
	ids, err := auth.Resource(ctx, "name", "{kind}/{tenant}/apiKeys/{key}", req.GetName(), auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	k, err := s.keys.Revoke(ctx, ids[0]+"/"+ids[1], ids[2])
	if err != nil {
		return nil, err
	}
	return keyProto(k), nil
}

// WhoAmI tells the caller its key, tenant and roles.
func (s *Identity) WhoAmI(ctx context.Context, _ *identityv1.WhoAmIRequest) (*identityv1.ApiKey, error) {
	id, ok := auth.FromContext(ctx)
	if !ok {
		return nil, errs.Unauthenticated("missing API key")
	}
	k := auth.Key{ID: id.KeyID, Tenant: id.Tenant, Roles: id.Roles}
	return keyProto(k), nil
}

var roleOf = map[identityv1.Role]auth.Role{
	identityv1.Role_ROLE_ADMIN:      auth.RoleAdmin,
	identityv1.Role_ROLE_ANALYST:    auth.RoleAnalyst,
	identityv1.Role_ROLE_PHARMACIST: auth.RolePharmacist,
	identityv1.Role_ROLE_BILLER:     auth.RoleBiller,
	identityv1.Role_ROLE_OPERATOR:   auth.RoleOperator,
}

func keyProto(k auth.Key) *identityv1.ApiKey {
	p := &identityv1.ApiKey{Name: k.Name(), Tenant: k.Tenant, DisplayName: k.DisplayName}
	for _, r := range k.Roles {
		for pr, ar := range roleOf {
			if ar == r {
				p.Roles = append(p.Roles, pr)
			}
		}
	}
	if !k.CreatedAt.IsZero() {
		p.CreateTime = timestamppb.New(k.CreatedAt)
	}
	if k.RevokedAt != nil {
		p.RevokeTime = timestamppb.New(*k.RevokedAt)
	}
	return p
}
