// Package targeting decides whom a pharmacist should call first and about
// what: drug therapy problems, adherence, priority and the CMR/TMR each
// enrolled member is due. It learns of members from eligibility's events,
// through its inbox; this file wires its layers together.
package targeting

import (
	"context"

	"google.golang.org/grpc"

	targetingv1 "github.com/openmtm/openmtm/gen/openmtm/targeting/v1"
	"github.com/openmtm/openmtm/services/platform/service"
	"github.com/openmtm/openmtm/services/targeting/app"
	"github.com/openmtm/openmtm/services/targeting/events"
	tgrpc "github.com/openmtm/openmtm/services/targeting/grpc"
	"github.com/openmtm/openmtm/services/targeting/store"
)

// Name is the service's name: its schema, stream and subject token.
const Name = "targeting"

// Service is the running targeting service.
type Service struct {
	*service.Base
	server *tgrpc.Server
}

var _ service.Service = (*Service)(nil)

// New migrates the service's database and wires the service.
func New(ctx context.Context, deps service.Deps) (*Service, error) {
	base, err := service.NewBase(ctx, Name, deps, store.Migrations,
		service.Consumer{Config: events.MembersConsumer, Handler: events.HandleMember},
		service.Consumer{Config: events.EnrollmentsConsumer, Handler: events.HandleEnrolled},
		service.Consumer{Config: events.OptOutsConsumer, Handler: events.HandleOptedOut})
	if err != nil {
		return nil, err
	}
	a, err := app.New(store.New(deps.DB))
	if err != nil {
		return nil, err
	}
	srv, err := tgrpc.New(a)
	if err != nil {
		return nil, err
	}
	return &Service{Base: base, server: srv}, nil
}

// Register implements service.Service.
func (s *Service) Register(g *grpc.Server) {
	targetingv1.RegisterTargetingServiceServer(g, s.server)
}
