package grpc

import (
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
)

// StreamMemberHistory streams everything that happened to a member, oldest
// first.
func (s *Server) StreamMemberHistory(req *eligibilityv1.StreamMemberHistoryRequest, stream grpc.ServerStreamingServer[eligibilityv1.MemberHistoryEntry]) error {
	ctx := stream.Context()
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/members/{member}", req.GetName(), readers...)
	if err != nil {
		return err
	}
	entries, err := s.app.MemberHistory(ctx, ids[0], ids[1])
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := stream.Send(&eligibilityv1.MemberHistoryEntry{
			Time: timestamppb.New(e.Time), Kind: e.Kind, Resource: e.Resource, Summary: e.Summary,
		}); err != nil {
			return err
		}
	}
	return nil
}
