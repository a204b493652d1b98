// Package eligibility is the plan's system of record for members, pharmacy
// claims, diagnoses, inpatient stays, program rules, eligibility
// determinations and the MTM enrollment record. It publishes member,
// enrollment and records.changed events through its outbox, and streams
// members' records to the services that assess them; this file wires its
// layers together (domain ← app ← grpc, store, events).
package eligibility

import (
	"context"
	"fmt"

	"google.golang.org/grpc"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/app"
	elggrpc "github.com/openmtm/openmtm/services/eligibility/grpc"
	"github.com/openmtm/openmtm/services/eligibility/store"
	"github.com/openmtm/openmtm/services/platform/service"
	"github.com/openmtm/openmtm/services/reference"
)

// Name is the service's name: its schema, stream and subject token.
const Name = "eligibility"

// Service is the running eligibility service.
type Service struct {
	*service.Base
	server *elggrpc.Server
	worker *app.Worker
}

var _ service.Service = (*Service)(nil)

// New migrates the service's database and wires the service.
func New(ctx context.Context, deps service.Deps) (*Service, error) {
	base, err := service.NewBase(ctx, Name, deps, store.Migrations)
	if err != nil {
		return nil, err
	}
	ref, err := reference.ForDir(deps.ReferenceDir)
	if err != nil {
		return nil, fmt.Errorf("eligibility: reference data: %w", err)
	}
	a, err := app.New(store.New(deps.DB, base.Notify), app.WithReference(ref))
	if err != nil {
		return nil, err
	}
	srv, err := elggrpc.New(a)
	if err != nil {
		return nil, err
	}
	w, err := a.NewWorker(app.WorkerConfig{Logger: deps.Logger.With("service", Name)})
	if err != nil {
		return nil, err
	}
	return &Service{Base: base, server: srv, worker: w}, nil
}

// Run implements service.Service: the shared run-time part, and beside it
// the worker that carries out evaluation runs and plans' schedules. The
// worker stops with ctx, leaving a run it was in for the next worker.
func (s *Service) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.worker.Run(ctx) // logs its own failures and retries
	}()
	err := s.Base.Run(ctx)
	cancel()
	<-done
	return err
}

// Register implements service.Service.
func (s *Service) Register(g *grpc.Server) {
	eligibilityv1.RegisterEligibilityServiceServer(g, s.server)
}
