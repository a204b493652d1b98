package grpc

import (
	"context"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/pbconv"
)

// ListClaims lists a member's pharmacy claims, newest fill first.
func (s *Server) ListClaims(ctx context.Context, req *eligibilityv1.ListClaimsRequest) (*eligibilityv1.ListClaimsResponse, error) {
	ids, page, err := memberPage(ctx, req.GetParent(), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	cs, last, err := s.app.ListClaims(ctx, ids[0], ids[1], page)
	if err != nil {
		return nil, err
	}
	resp := &eligibilityv1.ListClaimsResponse{NextPageToken: paging.Token(last, last != "")}
	for _, c := range cs {
		resp.Claims = append(resp.Claims, claimProto(req.GetParent(), c))
	}
	return resp, nil
}

// claimProto is claim c of the member named member.
func claimProto(member string, c domain.Claim) *eligibilityv1.Claim {
	status := eligibilityv1.ClaimStatus_CLAIM_STATUS_PAID
	if c.Reversed {
		status = eligibilityv1.ClaimStatus_CLAIM_STATUS_REVERSED
	}
	return &eligibilityv1.Claim{
		Name:          member + "/claims/" + c.ClaimID,
		ClaimId:       c.ClaimID,
		FillDate:      pbconv.Date(c.FillDate),
		GenericName:   c.GenericName,
		Ndc:           c.NDC,
		DaysSupply:    c.DaysSupply,
		Quantity:      c.Quantity,
		TotalCost:     pbconv.Cents(c.TotalCost),
		PharmacyNpi:   c.PharmacyNPI,
		PrescriberNpi: c.PrescriberNPI,
		Status:        status,
	}
}

// ListDiagnoses lists a member's diagnoses, newest first.
func (s *Server) ListDiagnoses(ctx context.Context, req *eligibilityv1.ListDiagnosesRequest) (*eligibilityv1.ListDiagnosesResponse, error) {
	ids, page, err := memberPage(ctx, req.GetParent(), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	ds, last, err := s.app.ListDiagnoses(ctx, ids[0], ids[1], page)
	if err != nil {
		return nil, err
	}
	resp := &eligibilityv1.ListDiagnosesResponse{NextPageToken: paging.Token(last, last != "")}
	for _, d := range ds {
		resp.Diagnoses = append(resp.Diagnoses, diagnosisProto(d))
	}
	return resp, nil
}

func diagnosisProto(d domain.Diagnosis) *eligibilityv1.Diagnosis {
	return &eligibilityv1.Diagnosis{Icd10: d.ICD10, ServiceDate: pbconv.Date(d.ServiceDate)}
}

// ListInpatientStays lists a member's inpatient stays, newest admission
// first.
func (s *Server) ListInpatientStays(ctx context.Context, req *eligibilityv1.ListInpatientStaysRequest) (*eligibilityv1.ListInpatientStaysResponse, error) {
	ids, page, err := memberPage(ctx, req.GetParent(), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	ss, last, err := s.app.ListInpatientStays(ctx, ids[0], ids[1], page)
	if err != nil {
		return nil, err
	}
	resp := &eligibilityv1.ListInpatientStaysResponse{NextPageToken: paging.Token(last, last != "")}
	for _, st := range ss {
		resp.InpatientStays = append(resp.InpatientStays, stayProto(st))
	}
	return resp, nil
}

func stayProto(s domain.InpatientStay) *eligibilityv1.InpatientStay {
	return &eligibilityv1.InpatientStay{AdmitDate: pbconv.Date(s.Admit), DischargeDate: pbconv.Date(s.Discharge)}
}

// memberPage checks a member-scoped List request: the parent, the caller's
// right to read it, and the page.
func memberPage(ctx context.Context, parent string, size int32, token string) ([]string, paging.Page, error) {
	return listAccess(ctx, "plans/{plan}/members/{member}", parent, size, token, readers)
}

// listAccess is access for a List request's parent, with its page.
func listAccess(ctx context.Context, pattern, parent string, size int32, token string, roles []auth.Role) ([]string, paging.Page, error) {
	ids, err := auth.Resource(ctx, "parent", pattern, parent, roles...)
	if err != nil {
		return nil, paging.Page{}, err
	}
	page, err := paging.Parse(size, token)
	return ids, page, err
}
