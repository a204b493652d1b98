package grpc_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// mustCreateProgram creates a program as admin of its plan, failing the test
// on error.
func mustCreateProgram(t *testing.T, s interface {
	CreateProgram(context.Context, *eligibilityv1.CreateProgramRequest) (*eligibilityv1.Program, error)
}, plan, id string, kind eligibilityv1.ProgramKind) *eligibilityv1.Program {
	t.Helper()
	p, err := s.CreateProgram(as("plans/"+plan, auth.RoleAdmin), &eligibilityv1.CreateProgramRequest{
		Parent: "plans/" + plan, ProgramId: id, Program: &eligibilityv1.Program{DisplayName: "Program " + id, Kind: kind},
	})
	if err != nil {
		t.Fatalf("CreateProgram %s/%s: %v", plan, id, err)
	}
	return p
}

func TestCreateProgram(t *testing.T) {
	t.Parallel()
	partD := &eligibilityv1.Program{DisplayName: "Part D MTM", Kind: eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D}
	req := func(parent, id string, p *eligibilityv1.Program) *eligibilityv1.CreateProgramRequest {
		return &eligibilityv1.CreateProgramRequest{Parent: parent, ProgramId: id, Program: p}
	}
	tests := []struct {
		name string
		ctx  context.Context
		req  *eligibilityv1.CreateProgramRequest
		want *failure
	}{
		{"admin creates", admin, req("plans/acme", "partd", partD), nil},
		{"bad id", admin, req("plans/acme", "Part_D", partD), &failure{errs.KindInvalid, []string{"program_id"}}},
		{
			"every field wrong", admin,
			req("plans/acme", "", &eligibilityv1.Program{DisplayName: "a\tb"}),
			&failure{errs.KindInvalid, []string{"program_id", "program.display_name", "program.kind"}},
		},
		{"no program", admin, req("plans/acme", "partd", nil), &failure{errs.KindInvalid, []string{"program"}}},
		{"bad parent", admin, req("plans/acme/programs", "partd", partD), &failure{errs.KindInvalid, []string{"parent"}}},
		{"analyst may not write", analyst, req("plans/acme", "partd", partD), &failure{Kind: errs.KindPermissionDenied}},
		{"another tenant's plan", admin, req("plans/other", "partd", partD), &failure{Kind: errs.KindNotFound}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			got, err := s.CreateProgram(tt.ctx, tt.req)
			if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if tt.want != nil {
				return
			}
			want := &eligibilityv1.Program{
				Name: "plans/acme/programs/partd", DisplayName: "Part D MTM",
				Kind: eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D, CreateTime: timestamppb.New(now),
			}
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("program (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("conflicts", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		mustCreateProgram(t, s, "acme", "partd", eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D)
		mustCreateProgram(t, s, "other", "partd", eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D)
		for _, c := range []struct {
			name string
			req  *eligibilityv1.CreateProgramRequest
			want errs.Kind
		}{
			{"the same id again", req("plans/acme", "partd", partD), errs.KindAlreadyExists},
			{"a second part d program", req("plans/acme", "partd-2", partD), errs.KindFailedPrecondition},
		} {
			if _, err := s.CreateProgram(admin, c.req); errs.KindOf(err) != c.want {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
	})
}

func TestGetAndListPrograms(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var want []*eligibilityv1.Program
	for _, p := range []struct {
		id   string
		kind eligibilityv1.ProgramKind
	}{
		{"commercial", eligibilityv1.ProgramKind_PROGRAM_KIND_COMMERCIAL},
		{"employer", eligibilityv1.ProgramKind_PROGRAM_KIND_EMPLOYER},
		{"medicaid", eligibilityv1.ProgramKind_PROGRAM_KIND_MEDICAID},
		{"partd", eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D},
	} {
		want = append(want, mustCreateProgram(t, s, "acme", p.id, p.kind))
	}
	mustCreateProgram(t, s, "other", "aaa", eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D)

	got, err := s.GetProgram(analyst, &eligibilityv1.GetProgramRequest{Name: "plans/acme/programs/medicaid"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[2], got, protocmp.Transform()); diff != "" {
		t.Errorf("GetProgram (-want +got):\n%s", diff)
	}

	var listed []*eligibilityv1.Program
	token := ""
	for range 4 {
		resp, err := s.ListPrograms(analyst, &eligibilityv1.ListProgramsRequest{Parent: "plans/acme", PageSize: 3, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, resp.GetPrograms()...)
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	if diff := cmp.Diff(want, listed, protocmp.Transform()); diff != "" {
		t.Errorf("ListPrograms in pages of 3 (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		ctx  context.Context
		prog string
		want *failure
	}{
		{"missing program", analyst, "plans/acme/programs/nope", &failure{Kind: errs.KindNotFound}},
		{"another plan's program", admin, "plans/other/programs/aaa", &failure{Kind: errs.KindNotFound}},
		{"another tenant's key", as("plans/other", auth.RoleAdmin), "plans/acme/programs/partd", &failure{Kind: errs.KindNotFound}},
		{"a role that does not read", as("plans/acme", auth.RoleBiller), "plans/acme/programs/partd", &failure{Kind: errs.KindPermissionDenied}},
		{"bad name", analyst, "plans/acme/program/partd", &failure{errs.KindInvalid, []string{"name"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.GetProgram(tt.ctx, &eligibilityv1.GetProgramRequest{Name: tt.prog})
			if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := s.ListPrograms(admin, &eligibilityv1.ListProgramsRequest{Parent: "plans/other"}); errs.KindOf(err) != errs.KindNotFound {
		t.Errorf("ListPrograms of another tenant = %v, want NotFound", err)
	}
}
