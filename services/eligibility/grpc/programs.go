package grpc

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
)

// CreateProgram creates one of a plan's programs.
func (s *Server) CreateProgram(ctx context.Context, req *eligibilityv1.CreateProgramRequest) (*eligibilityv1.Program, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), writers...)
	if err != nil {
		return nil, err
	}
	if req.GetProgram() == nil {
		return nil, errs.Invalid(errs.Field("program", "is required"))
	}
	p, err := s.app.CreateProgram(ctx, ids[0], req.GetProgramId(),
		req.GetProgram().GetDisplayName(), programKind[req.GetProgram().GetKind()])
	if err != nil {
		return nil, errs.MapFields(err, programField)
	}
	return programProto(p), nil
}

// GetProgram reads a program.
func (s *Server) GetProgram(ctx context.Context, req *eligibilityv1.GetProgramRequest) (*eligibilityv1.Program, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/programs/{program}", req.GetName(), readers...)
	if err != nil {
		return nil, err
	}
	p, err := s.app.GetProgram(ctx, ids[0], ids[1])
	if err != nil {
		return nil, err
	}
	return programProto(p), nil
}

// ListPrograms lists a plan's programs in program id order.
func (s *Server) ListPrograms(ctx context.Context, req *eligibilityv1.ListProgramsRequest) (*eligibilityv1.ListProgramsResponse, error) {
	ids, page, err := listAccess(ctx, "plans/{plan}", req.GetParent(), req.GetPageSize(), req.GetPageToken(), readers)
	if err != nil {
		return nil, err
	}
	ps, last, err := s.app.ListPrograms(ctx, ids[0], page)
	if err != nil {
		return nil, err
	}
	resp := &eligibilityv1.ListProgramsResponse{NextPageToken: paging.Token(last, last != "")}
	for _, p := range ps {
		resp.Programs = append(resp.Programs, programProto(p))
	}
	return resp, nil
}

// programField turns a domain field into its path in CreateProgramRequest.
func programField(f string) string {
	if f == "program_id" {
		return f
	}
	return "program." + f
}

// programKind maps the API's kinds to the domain's; PROGRAM_KIND_UNSPECIFIED
// maps to "", which the domain reports as missing.
var programKind = map[eligibilityv1.ProgramKind]domain.ProgramKind{
	eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D:     domain.PartD,
	eligibilityv1.ProgramKind_PROGRAM_KIND_MEDICAID:   domain.Medicaid,
	eligibilityv1.ProgramKind_PROGRAM_KIND_COMMERCIAL: domain.Commercial,
	eligibilityv1.ProgramKind_PROGRAM_KIND_EMPLOYER:   domain.Employer,
}

func programProto(p domain.PlanProgram) *eligibilityv1.Program {
	out := &eligibilityv1.Program{
		Name:        p.Name(),
		DisplayName: p.DisplayName,
		CreateTime:  timestamppb.New(p.CreatedAt),
	}
	for k, d := range programKind {
		if d == p.Kind {
			out.Kind = k
		}
	}
	return out
}
