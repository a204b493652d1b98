package grpc

import (
	"google.golang.org/grpc"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/events"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/pbconv"
)

// StreamMemberRecords streams members' records, one message per member,
// in member id order.
func (s *Server) StreamMemberRecords(req *eligibilityv1.StreamMemberRecordsRequest, stream grpc.ServerStreamingServer[eligibilityv1.MemberRecord]) error {
	ctx := stream.Context()
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), readers...)
	if err != nil {
		return err
	}
	q := app.RecordsQuery{MemberIDs: req.GetMemberIds(), Since: pbconv.DateText(req.GetSince())}
	return s.app.StreamMemberRecords(ctx, ids[0], q, func(r app.MemberRecords) error {
		return stream.Send(recordProto(r))
	})
}

func recordProto(r app.MemberRecords) *eligibilityv1.MemberRecord {
	out := &eligibilityv1.MemberRecord{
		Member:         memberProto(r.Member),
		Claims:         make([]*eligibilityv1.Claim, len(r.Claims)),
		Diagnoses:      make([]*eligibilityv1.Diagnosis, len(r.Diagnoses)),
		InpatientStays: make([]*eligibilityv1.InpatientStay, len(r.Stays)),
	}
	name := events.MemberName(r.Member.PlanID, r.Member.MemberID)
	for i, c := range r.Claims {
		out.Claims[i] = claimProto(name, c)
	}
	for i, d := range r.Diagnoses {
		out.Diagnoses[i] = diagnosisProto(d)
	}
	for i, st := range r.Stays {
		out.InpatientStays[i] = stayProto(st)
	}
	return out
}
