package grpc_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	targetingv1 "github.com/openmtm/openmtm/gen/openmtm/targeting/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/targeting/domain"
	tgrpc "github.com/openmtm/openmtm/services/targeting/grpc"
	"github.com/openmtm/openmtm/services/targeting/internal/targetingtest"
)

func as(tenant string, roles ...auth.Role) context.Context {
	return auth.WithIdentity(context.Background(), auth.Identity{KeyID: "k", Tenant: tenant, Roles: roles})
}

func TestGetPlanSummary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := targetingtest.New(t, storetest.SQLite(t), civil.Today())
	repo := env.Store
	for _, m := range []domain.SeenMember{
		{PlanID: "acme", MemberID: "M1"},
		{PlanID: "acme", MemberID: "M2"},
		{PlanID: "other", MemberID: "M1"},
	} {
		if _, err := repo.RecordMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	s, err := tgrpc.New(env.App)
	if err != nil {
		t.Fatal(err)
	}

	const acme = "plans/acme/targetingSummary"
	tests := []struct {
		name     string
		ctx      context.Context
		request  string
		want     *targetingv1.PlanSummary
		wantKind errs.Kind // when want is nil
	}{
		{"analyst reads", as("plans/acme", auth.RoleAnalyst), acme, &targetingv1.PlanSummary{Name: acme, MembersSeen: 2}, 0},
		{"admin reads", as("plans/acme", auth.RoleAdmin), acme, &targetingv1.PlanSummary{Name: acme, MembersSeen: 2}, 0},
		{"another tenant's plan", as("plans/acme", auth.RoleAnalyst), "plans/other/targetingSummary", nil, errs.KindNotFound},
		{"another tenant's key", as("plans/other", auth.RoleAdmin), acme, nil, errs.KindNotFound},
		{"a role that does not read", as("plans/acme", auth.RolePharmacist), acme, nil, errs.KindPermissionDenied},
		{"no identity", ctx, acme, nil, errs.KindUnauthenticated},
		{"bad name", as("plans/acme", auth.RoleAnalyst), "plans/acme/summary", nil, errs.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.GetPlanSummary(tt.ctx, &targetingv1.GetPlanSummaryRequest{Name: tt.request})
			if tt.want == nil {
				if k := errs.KindOf(err); k != tt.wantKind {
					t.Errorf("error kind = %v (%v), want %v", k, err, tt.wantKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}
