package auth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestParseTenant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in               string
		wantKind, wantID string
		wantErr          bool
	}{
		{in: "plans/acme", wantKind: "plans", wantID: "acme"},
		{in: "networks/rx-1", wantKind: "networks", wantID: "rx-1"},
		{in: "operators/ops", wantKind: "operators", wantID: "ops"},
		{in: "plans/" + strings.Repeat("a", 63), wantKind: "plans", wantID: strings.Repeat("a", 63)},
		{in: "plans/" + strings.Repeat("a", 63) + "a", wantErr: true},
		{in: "plans/", wantErr: true},
		{in: "plans", wantErr: true},
		{in: "plans/Acme", wantErr: true},
		{in: "plans/ac_me", wantErr: true},
		{in: "plans/acme/members/m1", wantErr: true},
		{in: "payers/acme", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		kind, id, err := auth.ParseTenant(tt.in)
		if tt.wantErr {
			if errs.KindOf(err) != errs.KindInvalid {
				t.Errorf("ParseTenant(%q) error = %v, want invalid", tt.in, err)
			}
			continue
		}
		if err != nil || kind != tt.wantKind || id != tt.wantID {
			t.Errorf("ParseTenant(%q) = %q, %q, %v; want %q, %q", tt.in, kind, id, err, tt.wantKind, tt.wantID)
		}
	}
}

func TestTenantOf(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"plans/acme/members/M1":   "plans/acme",
		"plans/acme":              "plans/acme",
		"networks/rx/referrals/1": "networks/rx",
		"plans":                   "",
		"members/M1":              "",
		"plans/ACME/members/M1":   "",
		"":                        "",
	}
	for in, want := range tests {
		if got := auth.TenantOf(in); got != want {
			t.Errorf("TenantOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	const member = "plans/acme/members/M1"
	id := func(tenant string, roles ...auth.Role) *auth.Identity {
		return &auth.Identity{KeyID: "0123456789abcdef", Tenant: tenant, Roles: roles}
	}
	tests := []struct {
		name     string
		identity *auth.Identity // nil: no identity in the context
		resource string
		anyOf    []auth.Role
		want     errs.Kind // -1: allowed (a nil error)
	}{
		{"same tenant with role", id("plans/acme", auth.RoleAnalyst), member, []auth.Role{auth.RoleAnalyst}, -1},
		{"same tenant, one of several roles", id("plans/acme", auth.RoleBiller), member, []auth.Role{auth.RoleAnalyst, auth.RoleBiller}, -1},
		{"tenant itself as parent", id("plans/acme", auth.RoleAnalyst), "plans/acme", []auth.Role{auth.RoleAnalyst}, -1},
		{"admin holds every role of its tenant", id("plans/acme", auth.RoleAdmin), member, []auth.Role{auth.RolePharmacist}, -1},
		{"admin with no roles listed", id("plans/acme", auth.RoleAdmin), member, nil, -1},
		{"same tenant wrong role", id("plans/acme", auth.RoleAnalyst), member, []auth.Role{auth.RoleBiller}, errs.KindPermissionDenied},
		{"no roles listed means admins only", id("plans/acme", auth.RoleAnalyst), member, nil, errs.KindPermissionDenied},
		{"other tenant", id("plans/other", auth.RoleAdmin), member, []auth.Role{auth.RoleAnalyst}, errs.KindNotFound},
		{"tenant prefix is not the tenant", id("plans/ac", auth.RoleAdmin), member, []auth.Role{auth.RoleAnalyst}, errs.KindNotFound},
		{"network on a plan's member", id("networks/acme", auth.RoleAdmin), member, []auth.Role{auth.RoleAnalyst}, errs.KindNotFound},
		{"malformed resource", id("plans/acme", auth.RoleAdmin), "members/M1", []auth.Role{auth.RoleAnalyst}, errs.KindNotFound},
		{"operator", id("operators/ops", auth.RoleOperator), member, []auth.Role{auth.RoleAnalyst}, -1},
		{"operator role on a plan grants nothing", id("plans/other", auth.RoleOperator), member, []auth.Role{auth.RoleAnalyst}, errs.KindNotFound},
		{"no identity", nil, member, []auth.Role{auth.RoleAnalyst}, errs.KindUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tt.identity != nil {
				ctx = auth.WithIdentity(ctx, *tt.identity)
			}
			err := auth.Authorize(ctx, tt.resource, tt.anyOf...)
			got := errs.Kind(-1)
			if err != nil {
				got = errs.KindOf(err)
			}
			if diff := cmp.Diff(tt.want.String(), got.String()); diff != "" {
				t.Errorf("Authorize kind (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}

func TestAuthorizeNotFoundRevealsNothing(t *testing.T) {
	t.Parallel()
	ctx := auth.WithIdentity(context.Background(), auth.Identity{Tenant: "plans/other", Roles: []auth.Role{auth.RoleAdmin}})
	err := auth.Authorize(ctx, "plans/acme/members/M1", auth.RoleAnalyst)
	if diff := cmp.Diff("plans/acme/members/M1 not found", err.Error()); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
}

func TestIdentityContext(t *testing.T) {
	t.Parallel()
	if _, ok := auth.FromContext(context.Background()); ok {
		t.Error("FromContext(empty) found an identity")
	}
	want := auth.Identity{KeyID: "k", Tenant: "plans/acme", Roles: []auth.Role{auth.RoleAnalyst}}
	got, ok := auth.FromContext(auth.WithIdentity(context.Background(), want))
	if !ok {
		t.Fatal("FromContext found no identity")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	if !got.Has(auth.RoleAnalyst) || got.Has(auth.RoleAdmin) {
		t.Errorf("Has: analyst %v admin %v, want true false", got.Has(auth.RoleAnalyst), got.Has(auth.RoleAdmin))
	}
}
