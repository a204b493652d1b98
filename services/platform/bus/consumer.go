package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/store"
)

// Handler applies one event. It runs inside the transaction that records the
// event in the inbox, so its writes and the "applied" mark commit together.
// Returning an error rolls both back and the event is redelivered later; an
// errs.Invalid error means the event can never be applied and sends it
// straight to the dead-letter stream.
type Handler func(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error

// ConsumerConfig describes a durable consumer.
type ConsumerConfig struct {
	// Durable names the consumer, shared by every replica of the service,
	// e.g. "targeting-members". It is also the inbox key and the last token
	// of the dead-letter subject.
	Durable string
	// Stream is the publishing service, e.g. "eligibility".
	Stream string
	// Subjects are the event types to receive, e.g.
	// "eligibility.member.enrolled" ("*" and ">" wildcards work too). More
	// than one needs nats-server 2.10 or later.
	Subjects []string
	// MaxDeliver is how many times an event is tried before it goes to the
	// dead-letter stream. Default 5.
	MaxDeliver int
	// Backoff is the delay before the n-th retry (the last one repeats).
	// Default 1s, 5s, 30s, 1m, 5m.
	Backoff []time.Duration
}

const (
	defaultMaxDeliver = 5
	// ackWait is how long the server waits for an ack before redelivering;
	// it also bounds one handler run.
	ackWait = 30 * time.Second
	// fetchWait bounds one pull request, and so how long Stop waits for an
	// idle consumer.
	fetchWait = time.Second
	// fetchRetryMax bounds the delay between failed pulls (server away).
	fetchRetryMax = 5 * time.Second
)

var defaultBackoff = []time.Duration{time.Second, 5 * time.Second, 30 * time.Second, time.Minute, 5 * time.Minute}

// Consumer is a running durable consumer.
type Consumer struct {
	b       *Bus
	db      *store.DB
	cfg     ConsumerConfig
	h       Handler
	logger  *slog.Logger
	tracer  trace.Tracer
	js      jetstream.Consumer
	stream  string // namespaced stream name
	base    context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	running atomic.Bool
	stop    sync.Once
}

// Consume creates (or updates) the durable pull consumer cfg describes and
// processes its messages one at a time until ctx is done or Stop is called.
// The inbox tables must exist (db.Migrate(ctx, "bus", bus.Migrations)).
func (b *Bus) Consume(ctx context.Context, db *store.DB, cfg ConsumerConfig, h Handler, logger *slog.Logger) (*Consumer, error) {
	if db == nil || h == nil {
		return nil, errors.New("bus: consume: nil database or handler")
	}
	if logger == nil {
		logger = b.logger
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("bus: consume: %w", err)
	}
	filters := make([]string, len(cfg.Subjects))
	for i, s := range cfg.Subjects {
		filters[i] = b.Subject(EventSubject(s))
	}
	jcfg := jetstream.ConsumerConfig{
		Durable:       cfg.Durable,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       ackWait,
		MaxDeliver:    cfg.MaxDeliver,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	}
	// A single filter also works on servers before 2.10, which lack
	// FilterSubjects (Debian's nats-server is 2.9).
	if len(filters) == 1 {
		jcfg.FilterSubject = filters[0]
	} else {
		jcfg.FilterSubjects = filters
	}
	stream := b.StreamName(cfg.Stream)
	jc, err := b.js.CreateOrUpdateConsumer(ctx, stream, jcfg)
	if err != nil {
		return nil, fmt.Errorf("bus: consume: consumer %s on %s: %w", cfg.Durable, stream, err)
	}
	// The loop lives as long as ctx; handlers get a context that outlives
	// it, so a Stop lets the message in hand finish.
	loopCtx, cancel := context.WithCancel(ctx)
	c := &Consumer{
		b:      b,
		db:     db,
		cfg:    cfg,
		h:      h,
		logger: logger.With("component", "consumer", "consumer", cfg.Durable, "stream", stream),
		tracer: otel.Tracer(tracerName),
		js:     jc,
		stream: stream,
		base:   context.WithoutCancel(ctx),
		cancel: cancel,
		done:   make(chan struct{}),
	}
	c.running.Store(true)
	go c.loop(loopCtx)
	return c, nil
}

func (cfg ConsumerConfig) withDefaults() (ConsumerConfig, error) {
	if err := validToken(cfg.Durable); err != nil {
		return cfg, fmt.Errorf("durable: %w", err)
	}
	if err := validToken(cfg.Stream); err != nil {
		return cfg, fmt.Errorf("stream: %w", err)
	}
	if len(cfg.Subjects) == 0 {
		return cfg, fmt.Errorf("consumer %s: no subjects", cfg.Durable)
	}
	if cfg.MaxDeliver == 0 {
		cfg.MaxDeliver = defaultMaxDeliver
	}
	if cfg.MaxDeliver < 1 {
		return cfg, fmt.Errorf("consumer %s: max deliver %d: want at least 1", cfg.Durable, cfg.MaxDeliver)
	}
	if len(cfg.Backoff) == 0 {
		cfg.Backoff = defaultBackoff
	}
	return cfg, nil
}

// Stop stops pulling and waits for the message being handled, if any, to be
// settled. Safe to call more than once.
func (c *Consumer) Stop() {
	c.stop.Do(c.cancel)
	<-c.done
}

// Running reports whether the consumer is pulling: false after Stop, and
// while the server cannot be reached. Use it for readiness.
func (c *Consumer) Running() bool { return c.running.Load() }

func (c *Consumer) loop(ctx context.Context) {
	defer close(c.done)
	defer c.running.Store(false)
	var retry time.Duration
	for ctx.Err() == nil {
		batch, err := c.js.Fetch(1, jetstream.FetchMaxWait(fetchWait))
		if err != nil {
			c.running.Store(false)
			retry = min(max(2*retry, 100*time.Millisecond), fetchRetryMax)
			c.logger.Warn("pull failed; retrying", "error", err, "retry_in", retry)
			select {
			case <-ctx.Done():
			case <-time.After(retry):
			}
			continue
		}
		retry = 0
		c.running.Store(true)
		for msg := range batch.Messages() {
			if ctx.Err() != nil {
				// Stopping: hand it back now rather than after AckWait.
				_ = msg.Nak()
				continue
			}
			c.process(msg)
		}
		if err := batch.Error(); err != nil && ctx.Err() == nil {
			c.logger.Warn("pull ended with an error", "error", err)
		}
	}
}
