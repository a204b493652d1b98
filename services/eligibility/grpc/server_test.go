package grpc_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/eligibility/app"
	elggrpc "github.com/openmtm/openmtm/services/eligibility/grpc"
	"github.com/openmtm/openmtm/services/eligibility/store"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/service"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/reference"
)

var now = time.Date(2025, 6, 15, 14, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return now }

// newServer returns a server over a migrated SQLite store.
func newServer(t testing.TB) *elggrpc.Server {
	t.Helper()
	db := storetest.Open(t, storetest.SQLite(t), "eligibility")
	if err := service.Migrate(context.Background(), db, "eligibility", store.Migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	a, err := app.New(store.New(db, nil), app.WithClock(fixedClock), app.WithReference(ref(t)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := elggrpc.New(a)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func as(tenant string, roles ...auth.Role) context.Context {
	return auth.WithIdentity(context.Background(), auth.Identity{KeyID: "k", Tenant: tenant, Roles: roles})
}

var (
	admin   = as("plans/acme", auth.RoleAdmin)
	analyst = as("plans/acme", auth.RoleAnalyst)
)

func date(y, m, d int32) *typev1.Date { return &typev1.Date{Year: y, Month: m, Day: d} }

func validMember(id string) *eligibilityv1.Member {
	return &eligibilityv1.Member{
		MemberId:   id,
		FirstName:  "Ada",
		LastName:   "Lovelace",
		BirthDate:  date(1950, 12, 10),
		Sex:        eligibilityv1.Sex_SEX_FEMALE,
		Language:   "ES",
		PostalCode: "02139",
		Phone:      "(617) 555-0100",
		Coverage:   &typev1.DateRange{Start: date(2025, 1, 1)},
		Hospice:    true,
	}
}

// failure is what a test expects of an error: its kind and, for Invalid,
// the fields of its violations.
type failure struct {
	Kind   errs.Kind
	Fields []string
}

func failureOf(t *testing.T, err error) *failure {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T (%v) is not an *errs.Error", err, err)
	}
	f := &failure{Kind: e.Kind}
	for _, v := range e.Violations {
		f.Fields = append(f.Fields, v.Field)
	}
	return f
}

func TestUpsertMember(t *testing.T) {
	t.Parallel()
	badDates := validMember("M1")
	badDates.BirthDate = date(2025, 2, 30)
	badDates.Coverage = nil
	badEnd := validMember("M1")
	badEnd.Coverage.End = date(2024, 12, 31)

	tests := []struct {
		name string
		ctx  context.Context
		req  *eligibilityv1.UpsertMemberRequest
		want *failure
	}{
		{"admin stores a member", admin, &eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: validMember("M1")}, nil},
		{
			"violations name request paths", admin,
			&eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: badDates},
			&failure{errs.KindInvalid, []string{"member.birth_date", "member.coverage.start"}},
		},
		{
			"coverage end before start", admin,
			&eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: badEnd},
			&failure{errs.KindInvalid, []string{"member.coverage.end"}},
		},
		{
			"no member", admin,
			&eligibilityv1.UpsertMemberRequest{Parent: "plans/acme"},
			&failure{errs.KindInvalid, []string{"member"}},
		},
		{
			"bad parent", admin,
			&eligibilityv1.UpsertMemberRequest{Parent: "plans", Member: validMember("M1")},
			&failure{errs.KindInvalid, []string{"parent"}},
		},
		{
			"analyst may not write", analyst,
			&eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: validMember("M1")},
			&failure{Kind: errs.KindPermissionDenied},
		},
		{
			"another tenant's plan", admin,
			&eligibilityv1.UpsertMemberRequest{Parent: "plans/other", Member: validMember("M1")},
			&failure{Kind: errs.KindNotFound},
		},
		{
			"no identity", context.Background(),
			&eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: validMember("M1")},
			&failure{Kind: errs.KindUnauthenticated},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			got, err := s.UpsertMember(tt.ctx, tt.req)
			if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if tt.want != nil {
				// Nothing was stored.
				_, err := s.GetMember(admin, &eligibilityv1.GetMemberRequest{Name: "plans/acme/members/M1"})
				if k := errs.KindOf(err); k != errs.KindNotFound {
					t.Errorf("after a refused upsert GetMember kind = %v (%v), want %v", k, err, errs.KindNotFound)
				}
				return
			}
			want := &eligibilityv1.Member{
				Name:       "plans/acme/members/M1",
				MemberId:   "M1",
				FirstName:  "Ada",
				LastName:   "Lovelace",
				BirthDate:  date(1950, 12, 10),
				Sex:        eligibilityv1.Sex_SEX_FEMALE,
				Language:   "es",
				PostalCode: "02139",
				Phone:      "6175550100",
				Coverage:   &typev1.DateRange{Start: date(2025, 1, 1)},
				Hospice:    true,
				CreateTime: timestamppb.New(now),
				UpdateTime: timestamppb.New(now),
			}
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("member (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetMember(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	stored, err := s.UpsertMember(admin, &eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: validMember("M1")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		ctx     context.Context
		request string
		want    *failure
	}{
		{"admin reads", admin, "plans/acme/members/M1", nil},
		{"analyst reads", analyst, "plans/acme/members/M1", nil},
		{"missing member", admin, "plans/acme/members/M2", &failure{Kind: errs.KindNotFound}},
		{"another tenant's member", admin, "plans/other/members/M1", &failure{Kind: errs.KindNotFound}},
		{"another tenant's key", as("plans/other", auth.RoleAdmin), "plans/acme/members/M1", &failure{Kind: errs.KindNotFound}},
		{"a role that does not read", as("plans/acme", auth.RoleBiller), "plans/acme/members/M1", &failure{Kind: errs.KindPermissionDenied}},
		{"bad name", admin, "plans/acme/member/M1", &failure{errs.KindInvalid, []string{"name"}}},
		{"no identity", context.Background(), "plans/acme/members/M1", &failure{Kind: errs.KindUnauthenticated}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.GetMember(tt.ctx, &eligibilityv1.GetMemberRequest{Name: tt.request})
			if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if tt.want == nil {
				if diff := cmp.Diff(stored, got, protocmp.Transform()); diff != "" {
					t.Errorf("member (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestListMembers(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var all []string
	for i := 1; i <= 5; i++ {
		id := fmt.Sprintf("M%03d", i)
		if _, err := s.UpsertMember(admin, &eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: validMember(id)}); err != nil {
			t.Fatal(err)
		}
		all = append(all, "plans/acme/members/"+id)
	}
	if _, err := s.UpsertMember(as("plans/other", auth.RoleAdmin),
		&eligibilityv1.UpsertMemberRequest{Parent: "plans/other", Member: validMember("M000")}); err != nil {
		t.Fatal(err)
	}

	t.Run("page tokens round-trip", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			size      int32
			wantPages int
		}{
			{1, 5},
			{2, 3},
			{5, 1},
			{0, 1}, // the default size
		}
		for _, tt := range tests {
			var got []string
			token, pages := "", 0
			for range tt.wantPages + 1 { // one spare, to catch a missing end
				resp, err := s.ListMembers(analyst, &eligibilityv1.ListMembersRequest{
					Parent: "plans/acme", PageSize: tt.size, PageToken: token,
				})
				if err != nil {
					t.Fatalf("size %d: ListMembers: %v", tt.size, err)
				}
				pages++
				for _, m := range resp.GetMembers() {
					got = append(got, m.GetName())
				}
				if token = resp.GetNextPageToken(); token == "" {
					break
				}
			}
			if pages != tt.wantPages {
				t.Errorf("size %d: %d pages, want %d", tt.size, pages, tt.wantPages)
			}
			if diff := cmp.Diff(all, got); diff != "" {
				t.Errorf("size %d: members (-want +got):\n%s", tt.size, diff)
			}
		}
	})

	tests := []struct {
		name string
		ctx  context.Context
		req  *eligibilityv1.ListMembersRequest
		want *failure
	}{
		{"bad token", analyst, &eligibilityv1.ListMembersRequest{Parent: "plans/acme", PageToken: "not a token!"}, &failure{errs.KindInvalid, []string{"page_token"}}},
		{"negative size", analyst, &eligibilityv1.ListMembersRequest{Parent: "plans/acme", PageSize: -1}, &failure{errs.KindInvalid, []string{"page_size"}}},
		{"another tenant", analyst, &eligibilityv1.ListMembersRequest{Parent: "plans/other"}, &failure{Kind: errs.KindNotFound}},
		{"bad parent", analyst, &eligibilityv1.ListMembersRequest{Parent: "plans/acme/members"}, &failure{errs.KindInvalid, []string{"parent"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.ListMembers(tt.ctx, tt.req)
			if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func ref(t testing.TB) *reference.Reference {
	t.Helper()
	r, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	return r
}
