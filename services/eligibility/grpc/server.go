// Package grpc serves the eligibility API: it checks the caller's tenant and
// role, converts proto to domain input and back, and nothing else.
package grpc

import (
	"context"
	"errors"

	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/events"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/pbconv"
)

// Server implements EligibilityService. RPCs a later issue builds answer
// Unimplemented through the embedded type.
type Server struct {
	eligibilityv1.UnimplementedEligibilityServiceServer
	app *app.App
}

// New returns the gRPC server over the use cases.
func New(a *app.App) (*Server, error) {
	if a == nil {
		return nil, errors.New("eligibility grpc: nil app")
	}
	return &Server{app: a}, nil
}

// Roles allowed to read plan data and to write it.
var (
	readers = []auth.Role{auth.RoleAnalyst}
	writers = []auth.Role{auth.RoleAdmin}
)

// UpsertMember creates or replaces a member.
func (s *Server) UpsertMember(ctx context.Context, req *eligibilityv1.UpsertMemberRequest) (*eligibilityv1.Member, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), writers...)
	if err != nil {
		return nil, err
	}
	if req.GetMember() == nil {
		return nil, errs.Invalid(errs.Field("member", "is required"))
	}
	m, err := s.app.UpsertMember(ctx, ids[0], memberInput(req.GetMember()))
	if err != nil {
		return nil, errs.MapFields(err, memberField)
	}
	return memberProto(m), nil
}

// GetMember reads a member.
func (s *Server) GetMember(ctx context.Context, req *eligibilityv1.GetMemberRequest) (*eligibilityv1.Member, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/members/{member}", req.GetName(), readers...)
	if err != nil {
		return nil, err
	}
	m, err := s.app.GetMember(ctx, ids[0], ids[1])
	if err != nil {
		return nil, err
	}
	return memberProto(m), nil
}

// ListMembers lists a plan's members.
func (s *Server) ListMembers(ctx context.Context, req *eligibilityv1.ListMembersRequest) (*eligibilityv1.ListMembersResponse, error) {
	ids, page, err := listAccess(ctx, "plans/{plan}", req.GetParent(), req.GetPageSize(), req.GetPageToken(), readers)
	if err != nil {
		return nil, err
	}
	ms, last, err := s.app.ListMembers(ctx, ids[0], page)
	if err != nil {
		return nil, err
	}
	resp := &eligibilityv1.ListMembersResponse{NextPageToken: paging.Token(last, last != "")}
	for _, m := range ms {
		resp.Members = append(resp.Members, memberProto(m))
	}
	return resp, nil
}

// memberField turns a domain field (a members.csv column) into its path in
// the request.
func memberField(column string) string {
	switch column {
	case "coverage_start":
		return "member.coverage.start"
	case "coverage_end":
		return "member.coverage.end"
	}
	return "member." + column
}

func memberInput(p *eligibilityv1.Member) domain.MemberInput {
	return domain.MemberInput{
		MemberID:      p.GetMemberId(),
		MBI:           p.GetMbi(),
		ContractID:    p.GetContractId(),
		PBPID:         p.GetPbpId(),
		FirstName:     p.GetFirstName(),
		LastName:      p.GetLastName(),
		BirthDate:     pbconv.DateText(p.GetBirthDate()),
		Sex:           sexText[p.GetSex()],
		Language:      p.GetLanguage(),
		PostalCode:    p.GetPostalCode(),
		Phone:         p.GetPhone(),
		CoverageStart: pbconv.DateText(p.GetCoverage().GetStart()),
		CoverageEnd:   pbconv.DateText(p.GetCoverage().GetEnd()),
		LTC:           p.GetLtc(),
		DMPAtRisk:     p.GetDmpAtRisk(),
		Hospice:       p.GetHospice(),
	}
}

var sexText = map[eligibilityv1.Sex]string{
	eligibilityv1.Sex_SEX_FEMALE:  "F",
	eligibilityv1.Sex_SEX_MALE:    "M",
	eligibilityv1.Sex_SEX_UNKNOWN: "U",
}

var sexProto = map[domain.Sex]eligibilityv1.Sex{
	domain.SexFemale:  eligibilityv1.Sex_SEX_FEMALE,
	domain.SexMale:    eligibilityv1.Sex_SEX_MALE,
	domain.SexUnknown: eligibilityv1.Sex_SEX_UNKNOWN,
}

func memberProto(m domain.Member) *eligibilityv1.Member {
	return &eligibilityv1.Member{
		Name:       events.MemberName(m.PlanID, m.MemberID),
		MemberId:   m.MemberID,
		Mbi:        m.MBI,
		ContractId: m.ContractID,
		PbpId:      m.PBPID,
		FirstName:  m.FirstName,
		LastName:   m.LastName,
		BirthDate:  pbconv.Date(m.BirthDate),
		Sex:        sexProto[m.Sex],
		Language:   m.Language,
		PostalCode: m.PostalCode,
		Phone:      m.Phone,
		Coverage: &typev1.DateRange{
			Start: pbconv.Date(m.CoverageStart),
			End:   pbconv.OptionalDate(m.CoverageEnd),
		},
		Ltc:        m.LTC,
		DmpAtRisk:  m.DMPAtRisk,
		Hospice:    m.Hospice,
		CreateTime: timestamppb.New(m.CreatedAt),
		UpdateTime: timestamppb.New(m.UpdatedAt),
	}
}
