// Package scheduling owns pharmacy networks and pharmacists, referrals they
// accept or decline, matching by licence state, language and specialty,
// appointments with no double booking, and outreach attempts.
//
// Its API is declared (proto/openmtm/scheduling/v1) and every RPC answers
// Unimplemented until the issue that builds it lands.
package scheduling

import (
	"context"

	"google.golang.org/grpc"

	schedulingv1 "github.com/openmtm/openmtm/gen/openmtm/scheduling/v1"
	"github.com/openmtm/openmtm/services/platform/service"
)

// Name is the service's name: its schema, stream and subject token.
const Name = "scheduling"

// New migrates the service's database and wires the service.
func New(ctx context.Context, deps service.Deps) (service.Service, error) {
	return service.NewUnbuilt(ctx, Name, deps, func(s *grpc.Server) {
		schedulingv1.RegisterSchedulingServiceServer(s, schedulingv1.UnimplementedSchedulingServiceServer{})
	})
}
