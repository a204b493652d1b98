// Package targeting decides whom a pharmacist should call first and about
// what: drug therapy problems, adherence, priority and the CMR/TMR each
// enrolled member is due. It learns of members from eligibility's events,
// through its inbox; this file wires its layers together.
package targeting

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc"

	targetingv1 "github.com/openmtm/openmtm/gen/openmtm/targeting/v1"
	"github.com/openmtm/openmtm/services/platform/service"
	"github.com/openmtm/openmtm/services/reference"
	"github.com/openmtm/openmtm/services/targeting/app"
	"github.com/openmtm/openmtm/services/targeting/assess"
	"github.com/openmtm/openmtm/services/targeting/events"
	tgrpc "github.com/openmtm/openmtm/services/targeting/grpc"
	"github.com/openmtm/openmtm/services/targeting/records"
	"github.com/openmtm/openmtm/services/targeting/screening"
	"github.com/openmtm/openmtm/services/targeting/store"
)

// Name is the service's name: its schema, stream and subject token.
const Name = "targeting"

// Service is the running targeting service.
type Service struct {
	*service.Base
	server *tgrpc.Server
	app    *app.App
}

var _ service.Service = (*Service)(nil)

// New migrates the service's database and wires the service.
func New(ctx context.Context, deps service.Deps, opts ...app.Option) (*Service, error) {
	if deps.Peer == nil {
		return nil, errors.New("targeting: no way to reach eligibility (service.Deps.Peer)")
	}
	conn, err := deps.Peer("eligibility")
	if err != nil {
		return nil, fmt.Errorf("targeting: %w", err)
	}
	ref, err := reference.ForDir(deps.ReferenceDir)
	if err != nil {
		return nil, fmt.Errorf("targeting: reference data: %w", err)
	}
	assessor, err := assess.New(ref)
	if err != nil {
		return nil, err
	}
	// The shipped rules are parsed once per process; a plan's drug
	// reference needs them parsed against its drugs.
	rules, err := screening.Load()
	if deps.ReferenceDir != "" {
		rules, err = screening.Parse(screening.ShippedRules(), ref.Drugs)
	}
	if err != nil {
		return nil, fmt.Errorf("targeting: screening rules: %w", err)
	}
	a, err := app.New(store.New(deps.DB), records.New(conn), assessor, rules, opts...)
	if err != nil {
		return nil, err
	}
	h := events.New(a)
	base, err := service.NewBase(ctx, Name, deps, store.Migrations,
		service.Consumer{Config: events.MembersConsumer, Handler: h.Member},
		service.Consumer{Config: events.EnrollmentsConsumer, Handler: h.Enrolled},
		service.Consumer{Config: events.OptOutsConsumer, Handler: h.OptedOut},
		service.Consumer{Config: events.RecordsConsumer, Handler: h.RecordsChanged})
	if err != nil {
		return nil, err
	}
	srv, err := tgrpc.New(a)
	if err != nil {
		return nil, err
	}
	return &Service{Base: base, server: srv, app: a}, nil
}

// Register implements service.Service.
func (s *Service) Register(g *grpc.Server) {
	targetingv1.RegisterTargetingServiceServer(g, s.server)
}

// App returns the service's use cases, for benchmarks of the running service.
func (s *Service) App() *app.App { return s.app }
