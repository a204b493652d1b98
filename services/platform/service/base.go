package service

import (
	"context"
	"fmt"
	"io/fs"
	"sync/atomic"

	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/store"
)

// Consumer is an event subscription of a service: a durable consumer and
// the handler it applies through the inbox.
type Consumer struct {
	Config  bus.ConsumerConfig
	Handler bus.Handler
}

// Base is the run-time part every service shares: it declares the service's
// stream and those it consumes, runs its consumers and relays its outbox.
// A service embeds it and adds its gRPC API.
type Base struct {
	name      string
	deps      Deps
	consumers []Consumer
	relay     *bus.Relay
	ready     atomic.Bool
}

// NewBase checks deps, runs the service's migrations (its own, then the
// outbox and inbox) and returns its run-time part.
func NewBase(ctx context.Context, name string, deps Deps, migrations fs.FS, consumers ...Consumer) (*Base, error) {
	if err := deps.Check(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := Migrate(ctx, deps.DB, name, migrations); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Base{
		name:      name,
		deps:      deps,
		consumers: consumers,
		relay:     bus.NewRelay(deps.Bus, deps.DB, deps.Logger.With("service", name)),
	}, nil
}

// Migrate runs a service's own migrations (none when nil), then the outbox
// and inbox ones.
func Migrate(ctx context.Context, db *store.DB, name string, migrations fs.FS) error {
	if migrations != nil {
		if err := db.Migrate(ctx, name, migrations); err != nil {
			return err
		}
	}
	return db.Migrate(ctx, "bus", bus.Migrations)
}

// Name is the service's name.
func (b *Base) Name() string { return b.name }

// Notify wakes the outbox relay; call it after a commit that enqueued events.
func (b *Base) Notify() { b.relay.Notify() }

// Run declares streams, starts the consumers and relays the outbox until ctx
// ends; then it stops the consumers, letting in-flight events finish.
func (b *Base) Run(ctx context.Context) error {
	streams := []string{b.name}
	for _, c := range b.consumers {
		streams = append(streams, c.Config.Stream)
	}
	if err := b.deps.Bus.EnsureStreams(ctx, streams...); err != nil {
		return fmt.Errorf("%s: %w", b.name, err)
	}
	logger := b.deps.Logger.With("service", b.name)
	for _, c := range b.consumers {
		cons, err := b.deps.Bus.Consume(ctx, b.deps.DB, c.Config, c.Handler, logger)
		if err != nil {
			return fmt.Errorf("%s: consumer %s: %w", b.name, c.Config.Durable, err)
		}
		defer cons.Stop()
	}
	b.ready.Store(true)
	defer b.ready.Store(false)
	return b.relay.Run(ctx)
}

// Ready reports whether streams are declared and consumers are running.
func (b *Base) Ready() bool { return b.ready.Load() }
