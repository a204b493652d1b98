package bus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store"
)

// Headers of a dead letter. The body is the original message's bytes,
// untouched; the headers say where it came from and why it failed.
const (
	HeaderDLQSubject  = "openmtm-dlq-subject"  // the subject it was published on
	HeaderDLQEventID  = "openmtm-dlq-event-id" // the envelope id, empty when it did not decode
	HeaderDLQConsumer = "openmtm-dlq-consumer" // the durable that gave up
	HeaderDLQStream   = "openmtm-dlq-stream"   // the stream and sequence of the original
	HeaderDLQSequence = "openmtm-dlq-sequence"
	HeaderDLQAttempts = "openmtm-dlq-attempts" // deliveries before giving up
	HeaderDLQError    = "openmtm-dlq-error"    // the last error
)

// maxErrorHeader keeps a runaway error chain from bloating the header.
const maxErrorHeader = 1024

// errPoison marks a message that no retry can fix.
var errPoison = errors.New("poison message")

// process handles one message and settles it: ack, nak with delay, or
// dead-letter and term. It never returns an error: every outcome is a
// decision about the message.
func (c *Consumer) process(msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		// Not a JetStream delivery: nothing to ack or redeliver.
		c.logger.Error("message without metadata", "error", err)
		return
	}
	ctx := propagator().Extract(c.base, HeaderCarrier(msg.Headers()))
	ctx, span := c.tracer.Start(ctx, "process "+msg.Subject(),
		trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(
			attribute.String("messaging.system", "nats"),
			attribute.String("messaging.operation.type", "process"),
			attribute.String("messaging.destination.name", msg.Subject()),
			attribute.String("messaging.consumer.group.name", c.cfg.Durable),
			attribute.Int64("messaging.message.delivery_count", int64(md.NumDelivered)),
			attribute.Int("messaging.message.body.size", len(msg.Data())),
		))
	defer span.End()

	var env eventsv1.Envelope
	err = proto.Unmarshal(msg.Data(), &env)
	switch {
	case err != nil:
		err = fmt.Errorf("%w: not an envelope: %v", errPoison, err)
	case env.GetId() == "":
		err = fmt.Errorf("%w: envelope without id", errPoison)
	default:
		span.SetAttributes(attribute.String("messaging.message.id", env.GetId()))
		err = c.apply(ctx, &env)
	}
	if err == nil {
		if err := msg.Ack(); err != nil {
			// Applied and committed: the redelivery will hit the inbox.
			c.logger.Warn("ack failed", "event_id", env.GetId(), "error", err)
		}
		return
	}

	span.RecordError(err)
	span.SetStatus(codes.Error, "event not applied")
	log := c.logger.With("event_id", env.GetId(), "event_type", env.GetType(), "attempt", md.NumDelivered)
	poison := errors.Is(err, errPoison) || errs.KindOf(err) == errs.KindInvalid
	if !poison && md.NumDelivered < uint64(c.cfg.MaxDeliver) {
		delay := c.backoff(md.NumDelivered)
		log.Warn("event failed; will retry", "error", err, "retry_in", delay)
		if err := msg.NakWithDelay(delay); err != nil {
			log.Warn("nak failed; the server redelivers after the ack wait", "error", err)
		}
		return
	}
	if err := c.deadLetter(ctx, msg, md, env.GetId(), err); err != nil {
		// Leave it unacked: the server redelivers it after AckWait (unless
		// MaxDeliver is exhausted, when its advisory is the last trace).
		log.Error("dead-lettering failed", "error", err)
		_ = msg.NakWithDelay(c.backoff(md.NumDelivered))
		return
	}
	log.Error("event dead-lettered", "error", err, "poison", poison, "dlq", c.b.DLQSubject(c.cfg.Durable))
	if err := msg.Term(); err != nil {
		log.Warn("term failed", "error", err)
	}
}

// apply runs the handler and records the event in the inbox in one
// transaction; an event the inbox already holds is skipped.
func (c *Consumer) apply(ctx context.Context, env *eventsv1.Envelope) error {
	ctx, cancel := context.WithTimeout(ctx, ackWait)
	defer cancel()
	return c.db.InTx(ctx, func(tx *store.Tx) error {
		// ON CONFLICT DO NOTHING works on SQLite and PostgreSQL alike, and
		// on PostgreSQL a concurrent duplicate waits for the first to commit
		// or roll back instead of failing.
		res, err := tx.Exec(ctx,
			`INSERT INTO inbox (consumer, event_id, applied_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			c.cfg.Durable, env.GetId(), time.Now().UnixMicro())
		if err != nil {
			return fmt.Errorf("bus: inbox %s: record %s: %w", c.cfg.Durable, env.GetId(), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("bus: inbox %s: record %s: %w", c.cfg.Durable, env.GetId(), err)
		}
		if n == 0 {
			c.logger.Debug("event already applied; skipping", "event_id", env.GetId())
			return nil
		}
		if err := c.h(ctx, tx, env); err != nil {
			return fmt.Errorf("bus: handle %s %s: %w", env.GetType(), env.GetId(), err)
		}
		return nil
	})
}

// deadLetter publishes the original bytes to the consumer's dead-letter
// subject with headers saying why. The payload is never decoded into logs.
func (c *Consumer) deadLetter(ctx context.Context, msg jetstream.Msg, md *jetstream.MsgMetadata, eventID string, cause error) error {
	h := nats.Header{}
	for k, v := range msg.Headers() {
		// The original Nats-Msg-Id would collide with another consumer's
		// dead letter of the same event in the DLQ stream's window.
		if !strings.HasPrefix(strings.ToLower(k), "nats-") {
			h[k] = v
		}
	}
	seq := strconv.FormatUint(md.Sequence.Stream, 10)
	h.Set(HeaderDLQSubject, msg.Subject())
	h.Set(HeaderDLQEventID, eventID)
	h.Set(HeaderDLQConsumer, c.cfg.Durable)
	h.Set(HeaderDLQStream, md.Stream)
	h.Set(HeaderDLQSequence, seq)
	h.Set(HeaderDLQAttempts, strconv.FormatUint(md.NumDelivered, 10))
	h.Set(HeaderDLQError, headerSafe(cause.Error()))
	dl := &nats.Msg{Subject: c.b.DLQSubject(c.cfg.Durable), Data: msg.Data(), Header: h}
	pubCtx, cancel := context.WithTimeout(ctx, relayPublishWait)
	defer cancel()
	// One dead letter per consumer and original message, even if we die
	// before the Term and do this again.
	id := c.cfg.Durable + ":" + md.Stream + ":" + seq
	if _, err := c.b.js.PublishMsg(pubCtx, dl, jetstream.WithMsgID(id)); err != nil {
		return fmt.Errorf("bus: dead-letter to %s: %w", dl.Subject, err)
	}
	return nil
}

// backoff is the delay before retrying after the given delivery.
func (c *Consumer) backoff(delivered uint64) time.Duration {
	i := int(min(max(delivered, 1), uint64(len(c.cfg.Backoff)))) - 1
	return c.cfg.Backoff[i]
}

// headerSafe makes s fit in one header value: no line breaks, bounded size.
func headerSafe(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	if len(s) > maxErrorHeader {
		s = strings.ToValidUTF8(s[:maxErrorHeader], "")
	}
	return s
}
