package grpc

import (
	"google.golang.org/grpc"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/pbconv"
)

// ExportCmsFile streams the CMS beneficiary-level MTM file of a contract
// year: one record per member enrolled during the year.
func (s *Server) ExportCmsFile(req *eligibilityv1.ExportCmsFileRequest, stream grpc.ServerStreamingServer[eligibilityv1.CmsBeneficiaryRecord]) error {
	ctx := stream.Context()
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), readers...)
	if err != nil {
		return err
	}
	cy, err := year("contract_year", req.GetContractYear(), s.app.Today())
	if err != nil {
		return err
	}
	return s.app.EachCMSRecord(ctx, ids[0], cy, func(m domain.Member, e domain.Enrollment) error {
		return stream.Send(cmsRecord(m, e))
	})
}

func cmsRecord(m domain.Member, e domain.Enrollment) *eligibilityv1.CmsBeneficiaryRecord {
	p := enrollmentProto(e)
	return &eligibilityv1.CmsBeneficiaryRecord{
		ContractId:      m.ContractID,
		PbpId:           m.PBPID,
		Mbi:             m.MBI,
		LastName:        m.LastName,
		FirstName:       m.FirstName,
		BirthDate:       pbconv.Date(m.BirthDate),
		TargetingReason: p.TargetingReason,
		Ltc:             m.LTC,
		MetCriteriaOn:   p.MetCriteriaOn,
		EnrolledOn:      p.EnrolledOn,
		OptedOutOn:      p.OptedOutOn,
		OptOutReason:    p.OptOutReason,
		CmrOfferedOn:    p.CmrOfferedOn,
		CmrReceived:     len(e.CMRDates) > 0,
		CmrDates:        p.CmrDates,
		TmrCount:        p.TmrCount,
	}
}
