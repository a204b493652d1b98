// Package service is the contract between a service module and the process
// that runs it: the all-in-one binary runs every service over one gRPC
// server, a production pod runs one. Wiring is by hand in each service's
// New; this package only names what a running service must offer.
package service

import (
	"context"
	"errors"
	"log/slog"

	"google.golang.org/grpc"

	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/store"
)

// Service is one OpenMTM service inside a process.
type Service interface {
	// Name is the service's name: "eligibility", "targeting", ...
	Name() string
	// Register adds the service's gRPC API to s.
	Register(s *grpc.Server)
	// Run declares the service's streams and runs its background work (the
	// outbox relay, event consumers) until ctx ends, then drains and returns.
	Run(ctx context.Context) error
	// Ready reports whether the service has declared its streams and its
	// consumers are running.
	Ready() bool
}

// Deps are what every service is built from.
type Deps struct {
	// DB is the service's own database (migrated by the service's New).
	DB *store.DB
	// Bus is the NATS connection.
	Bus *bus.Bus
	// Logger writes JSON logs; never give it PHI.
	Logger *slog.Logger
	// ReferenceDir holds a plan's replacements for the shipped clinical
	// reference files (services/reference); empty means the shipped ones.
	ReferenceDir string
	// Peer returns a connection to another service's gRPC API, carrying
	// the credentials of the suite; nil when the process offers none. Peer
	// connections are the process's to close.
	Peer func(name string) (grpc.ClientConnInterface, error)
}

// Check refuses incomplete dependencies, so a wiring mistake fails at start
// with a clear error instead of a nil dereference later.
func (d Deps) Check() error {
	var missing []error
	if d.DB == nil {
		missing = append(missing, errors.New("nil DB"))
	}
	if d.Bus == nil {
		missing = append(missing, errors.New("nil Bus"))
	}
	if d.Logger == nil {
		missing = append(missing, errors.New("nil Logger"))
	}
	return errors.Join(missing...)
}
