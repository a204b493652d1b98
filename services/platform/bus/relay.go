package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/openmtm/openmtm/services/platform/store"
)

const (
	relayBatch        = 256
	relayPoll         = 250 * time.Millisecond
	relayMinBackoff   = 100 * time.Millisecond
	relayMaxBackoff   = 5 * time.Second
	relayPublishWait  = 10 * time.Second
	outboxRetention   = 24 * time.Hour
	outboxCleanupTick = 10 * time.Minute
)

// Relay publishes committed outbox rows to JetStream, in id order, and marks
// them published.
//
// A crash between the publish and the mark publishes the row again on
// restart; the Nats-Msg-Id (the event id) makes JetStream drop that
// duplicate within its window, and consumers' inboxes catch any later one.
// For the same reason several relays (one per replica) may run on one
// database: they may publish a row twice, which is harmless, and under
// contention rows committed close together may reach the stream slightly out
// of id order. Order is only guaranteed per relay.
type Relay struct {
	b      *Bus
	db     *store.DB
	logger *slog.Logger
	notify chan struct{}
	fault  *faultPoint
	tracer trace.Tracer
}

type outboxRow struct {
	id, subject, traceparent string
	payload                  []byte
}

// NewRelay returns a relay from db's outbox to b. Run it in its own goroutine.
func NewRelay(b *Bus, db *store.DB, logger *slog.Logger) *Relay {
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("component", "outbox-relay")
	return &Relay{
		b:      b,
		db:     db,
		logger: logger,
		notify: make(chan struct{}, 1),
		fault:  newFaultPoint(logger),
		tracer: otel.Tracer(tracerName),
	}
}

// Notify wakes the relay to publish now; call it after committing a
// transaction that enqueued events. It never blocks.
func (r *Relay) Notify() {
	select {
	case r.notify <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Run publishes until ctx is done, then returns nil. It wakes on Notify and
// at least every 250ms; after a failure it retries with a growing delay of up
// to 5s. It also deletes rows published more than a day ago.
func (r *Relay) Run(ctx context.Context) error {
	if r.b == nil || r.db == nil {
		return errors.New("bus: relay: nil bus or database")
	}
	poll := time.NewTicker(relayPoll)
	defer poll.Stop()
	var (
		backoff     time.Duration
		nextCleanup time.Time
	)
	for {
		if now := time.Now(); !now.Before(nextCleanup) {
			r.cleanup(ctx, now)
			nextCleanup = now.Add(outboxCleanupTick)
		}
		full, err := r.publishBatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			backoff = min(max(2*backoff, relayMinBackoff), relayMaxBackoff)
			r.logger.Warn("outbox relay failed; retrying", "error", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		if full {
			continue // more rows may be waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.notify:
		case <-poll.C:
		}
	}
}

// publishBatch publishes up to relayBatch unpublished rows and reports
// whether the batch was full.
func (r *Relay) publishBatch(ctx context.Context) (full bool, err error) {
	rows, err := r.pending(ctx)
	if err != nil {
		return false, err
	}
	published := make([]string, 0, len(rows))
	var pubErr error
	for _, row := range rows {
		if pubErr = r.publish(ctx, row); pubErr != nil {
			break // keep id order: retry this row before any later one
		}
		published = append(published, row.id)
	}
	if len(published) > 0 {
		if err := r.markPublished(ctx, published); err != nil {
			return false, errors.Join(pubErr, err)
		}
	}
	return pubErr == nil && len(rows) == relayBatch, pubErr
}

func (r *Relay) pending(ctx context.Context) ([]outboxRow, error) {
	rs, err := r.db.Query(ctx,
		`SELECT id, subject, payload, traceparent FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?`,
		relayBatch)
	if err != nil {
		return nil, fmt.Errorf("bus: relay: read outbox: %w", err)
	}
	defer rs.Close()
	var out []outboxRow
	for rs.Next() {
		var row outboxRow
		if err := rs.Scan(&row.id, &row.subject, &row.payload, &row.traceparent); err != nil {
			return nil, fmt.Errorf("bus: relay: read outbox: %w", err)
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("bus: relay: read outbox: %w", err)
	}
	return out, nil
}

// publish sends one row under a producer span that continues the trace of
// the transaction that enqueued it.
func (r *Relay) publish(ctx context.Context, row outboxRow) error {
	subject := r.b.Subject(row.subject)
	parent := propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{"traceparent": row.traceparent})
	ctx, span := r.tracer.Start(parent, "send "+subject,
		trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(
			attribute.String("messaging.system", "nats"),
			attribute.String("messaging.operation.type", "send"),
			attribute.String("messaging.destination.name", subject),
			attribute.String("messaging.message.id", row.id),
			attribute.Int("messaging.message.body.size", len(row.payload)),
		))
	defer span.End()

	msg := &nats.Msg{Subject: subject, Data: row.payload, Header: nats.Header{}}
	propagator().Inject(ctx, HeaderCarrier(msg.Header))

	r.fault.at(FaultBeforePublish)
	pubCtx, cancel := context.WithTimeout(ctx, relayPublishWait)
	ack, err := r.b.js.PublishMsg(pubCtx, msg, jetstream.WithMsgID(row.id))
	cancel()
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "publish failed")
		return fmt.Errorf("bus: relay: publish %s: %w", row.id, err)
	}
	r.fault.at(FaultAfterPublish)
	if ack.Duplicate {
		// An earlier run published it and died before marking the row.
		span.SetAttributes(attribute.Bool("openmtm.duplicate", true))
		r.logger.Debug("outbox event was already published", "event_id", row.id, "subject", subject)
	}
	return nil
}

func (r *Relay) markPublished(ctx context.Context, ids []string) error {
	args := make([]any, 0, len(ids)+1)
	args = append(args, time.Now().UnixMicro())
	for _, id := range ids {
		args = append(args, id)
	}
	q := `UPDATE outbox SET published_at = ? WHERE id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	if _, err := r.db.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("bus: relay: mark %d events published: %w", len(ids), err)
	}
	return nil
}

// cleanup deletes rows published long enough ago that no relay can still be
// deciding whether to publish them. A failure only delays it.
func (r *Relay) cleanup(ctx context.Context, now time.Time) {
	cutoff := now.Add(-outboxRetention).UnixMicro()
	res, err := r.db.Exec(ctx,
		`DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?`, cutoff)
	if err != nil {
		if ctx.Err() == nil {
			r.logger.Warn("outbox clean-up failed", "error", err)
		}
		return
	}
	if n, err := res.RowsAffected(); err == nil && n > 0 {
		r.logger.Debug("outbox cleaned up", "deleted", n)
	}
}
