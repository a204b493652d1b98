// Package grpc serves the targeting API: tenant and role checks, proto to
// domain and back, nothing else.
package grpc

import (
	"context"
	"errors"

	targetingv1 "github.com/openmtm/openmtm/gen/openmtm/targeting/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/targeting/app"
)

// Server implements TargetingService. RPCs a later issue builds answer
// Unimplemented through the embedded type.
type Server struct {
	targetingv1.UnimplementedTargetingServiceServer
	app *app.App
}

// New returns the gRPC server over the use cases.
func New(a *app.App) (*Server, error) {
	if a == nil {
		return nil, errors.New("targeting grpc: nil app")
	}
	return &Server{app: a}, nil
}

// GetPlanSummary reads what targeting knows of a plan.
func (s *Server) GetPlanSummary(ctx context.Context, req *targetingv1.GetPlanSummaryRequest) (*targetingv1.PlanSummary, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/targetingSummary", req.GetName(), auth.RoleAnalyst)
	if err != nil {
		return nil, err
	}
	sum, err := s.app.PlanSummary(ctx, ids[0])
	if err != nil {
		return nil, err
	}
	return &targetingv1.PlanSummary{Name: req.GetName(), MembersSeen: sum.MembersSeen}, nil
}
