// Package bus is OpenMTM's event bus on NATS JetStream: the connection (to a
// NATS cluster, or to an in-process server for the all-in-one binary), the
// naming of subjects and streams, the event envelope, the transactional
// outbox and its relay on the publishing side, and the inbox consumer on the
// receiving side.
//
// Delivery is at least once; the outbox and inbox make the effects exactly
// once. A service writes its state change and its event in one transaction
// (Enqueue), a Relay publishes the event with Nats-Msg-Id = event id so
// JetStream drops duplicates, and a Consumer records each applied event id in
// the same transaction as the handler's effect, so a redelivery is skipped.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Config says where the bus is.
type Config struct {
	// URL of the NATS server or cluster (comma-separated URLs). Empty starts
	// an in-process server with JetStream on disk under DataDir.
	URL string
	// DataDir holds the embedded server's JetStream store (DataDir/nats).
	// Required when URL is empty, unused otherwise.
	DataDir string
	// Namespace, when set, prefixes every subject ("<ns>.") and stream name
	// ("<NS>_") so that parallel tests can share one server without seeing
	// each other's events. Production leaves it empty.
	Namespace string
	// Replicas is the number of copies of each stream JetStream keeps (3 on
	// a production cluster). Zero means 1, the only choice on a single server.
	Replicas int
	// Name identifies the connection in the server's monitoring (optional).
	Name string
}

// Bus is a connection to NATS with JetStream, and the embedded server when
// it started one.
type Bus struct {
	nc        *nats.Conn
	js        jetstream.JetStream
	ns        *server.Server // nil when connected to an external server
	clientURL string
	namespace string
	replicas  int
	logger    *slog.Logger
	closed    chan struct{} // closed by the connection's ClosedHandler
	closeOnce sync.Once
}

// drainTimeout bounds Close: pending publishes and subscriptions get this
// long to flush before the connection is closed anyway.
const drainTimeout = 10 * time.Second

// Connect connects to the bus described by cfg, starting an in-process
// server first when cfg.URL is empty.
func Connect(ctx context.Context, cfg Config, logger *slog.Logger) (*Bus, error) {
	if logger == nil {
		return nil, errors.New("bus: connect: nil logger")
	}
	if err := validNamespace(cfg.Namespace); err != nil {
		return nil, fmt.Errorf("bus: connect: %w", err)
	}
	if cfg.Replicas < 0 {
		return nil, fmt.Errorf("bus: connect: replicas %d: want 0 or more", cfg.Replicas)
	}
	b := &Bus{
		namespace: cfg.Namespace,
		replicas:  max(cfg.Replicas, 1),
		logger:    logger,
		closed:    make(chan struct{}),
	}
	name := cfg.Name
	if name == "" {
		name = "openmtm"
	}
	opts := []nats.Option{
		nats.Name(name),
		// A service outlives a NATS restart or a cluster roll: keep trying.
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				logger.Warn("nats disconnected", "error", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			logger.Info("nats reconnected", "url", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			logger.Error("nats async error", "subject", subject, "error", err)
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(b.closed) }),
	}

	url := cfg.URL
	if url == "" {
		ns, err := startEmbedded(ctx, cfg.DataDir, logger)
		if err != nil {
			return nil, err
		}
		b.ns = ns
		b.clientURL = ns.ClientURL()
		url = b.clientURL
		// Our own connection skips the loopback socket; other processes use
		// ClientURL.
		opts = append(opts, nats.InProcessServer(ns))
	} else {
		b.clientURL = url
	}

	if d, ok := ctx.Deadline(); ok {
		opts = append(opts, nats.Timeout(time.Until(d)))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		b.shutdownServer()
		return nil, fmt.Errorf("bus: connect to nats: %w", err)
	}
	b.nc = nc
	js, err := jetstream.New(nc)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("bus: jetstream: %w", err)
	}
	b.js = js
	return b, nil
}

// Conn is the underlying NATS connection.
func (b *Bus) Conn() *nats.Conn { return b.nc }

// JetStream is the JetStream API on the connection.
func (b *Bus) JetStream() jetstream.JetStream { return b.js }

// ClientURL is a URL other processes can connect to: the embedded server's
// loopback listener, or the configured URL.
func (b *Bus) ClientURL() string { return b.clientURL }

// Close drains the connection (flushing pending publishes and letting
// subscriptions finish) and then shuts the embedded server down, waiting for
// it. Stop consumers and relays first. Close is safe to call twice.
func (b *Bus) Close() {
	b.closeOnce.Do(func() {
		if b.nc != nil {
			if err := b.nc.Drain(); err != nil {
				b.nc.Close()
			}
			select {
			case <-b.closed:
			case <-time.After(drainTimeout):
				b.logger.Warn("nats drain timed out; closing", "timeout", drainTimeout)
				b.nc.Close()
			}
		}
		b.shutdownServer()
	})
}

func (b *Bus) shutdownServer() {
	if b.ns == nil {
		return
	}
	b.ns.Shutdown()
	b.ns.WaitForShutdown()
}
