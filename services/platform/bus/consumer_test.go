package bus_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/store"
)

var shortBackoff = []time.Duration{10 * time.Millisecond}

// recorder is a handler that writes one effects row per applied event, in
// the inbox transaction, after failing as often as fail says.
type recorder struct {
	durable string
	calls   atomic.Int64
	fail    func(call int64) error
	traces  chan trace.TraceID
}

func (r *recorder) handle(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	call := r.calls.Add(1)
	if r.traces != nil {
		select {
		case r.traces <- trace.SpanContextFromContext(ctx).TraceID():
		default:
		}
	}
	if r.fail != nil {
		if err := r.fail(call); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO effects (consumer, event_id) VALUES (?, ?)`, r.durable, env.GetId())
	return err
}

func (r *recorder) effects(t *testing.T, db *store.DB) int {
	t.Helper()
	return count(t, db, `SELECT COUNT(*) FROM effects WHERE consumer = ?`, r.durable)
}

func consume(t *testing.T, e env, rec *recorder, eventType string, maxDeliver int) *bus.Consumer {
	t.Helper()
	c, err := e.b.Consume(context.Background(), e.db, bus.ConsumerConfig{
		Durable:    rec.durable,
		Stream:     "eligibility",
		Subjects:   []string{eventType},
		MaxDeliver: maxDeliver,
		Backoff:    shortBackoff,
	}, rec.handle, testLogger(t))
	if err != nil {
		t.Fatalf("consume: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}

// publish puts raw bytes on the event type's subject with the given msg id.
func publish(t *testing.T, b *bus.Bus, eventType, msgID string, data []byte) {
	t.Helper()
	msg := &nats.Msg{Subject: b.Subject(bus.EventSubject(eventType)), Data: data}
	if _, err := b.JetStream().PublishMsg(context.Background(), msg, jetstream.WithMsgID(msgID)); err != nil {
		t.Fatalf("publish: %v", err)
	}
}

func newEvent(t *testing.T, eventType string) (*eventsv1.Envelope, []byte) {
	t.Helper()
	env, err := bus.NewEnvelope(eventType, "plans/acme", "plans/acme/members/m1", &eventsv1.MemberUpserted{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return env, data
}

// setupConsumers creates the stream and the table the recorder writes to.
func setupConsumers(t *testing.T, e env) {
	t.Helper()
	ctx := context.Background()
	if err := e.b.EnsureStreams(ctx, "eligibility"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(ctx, `CREATE TABLE effects (consumer TEXT NOT NULL, event_id TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
}

// settled waits until the consumer has acknowledged or terminated every
// delivery up to the given count.
func settled(t *testing.T, e env, durable string, deliveries uint64) {
	t.Helper()
	eventually(t, fmt.Sprintf("%s to settle %d deliveries", durable, deliveries), func() (bool, error) {
		c, err := e.b.JetStream().Consumer(context.Background(), e.b.StreamName("eligibility"), durable)
		if err != nil {
			return false, err
		}
		info, err := c.Info(context.Background())
		if err != nil {
			return false, err
		}
		return info.NumPending == 0 && info.NumAckPending == 0 && info.AckFloor.Consumer >= deliveries, nil
	})
}

func TestConsumer(t *testing.T) {
	eachTarget(t, func(t *testing.T, e env) {
		ctx := context.Background()
		setupConsumers(t, e)

		t.Run("an event delivered twice is applied once", func(t *testing.T) {
			t.Parallel()
			const typ = "eligibility.member.twice"
			rec := &recorder{durable: "twice"}
			consume(t, e, rec, typ, 5)
			env, data := newEvent(t, typ)
			// Two messages, one event: what a publish outside the dedup
			// window, or a second relay, would produce.
			publish(t, e.b, typ, "first-"+env.GetId(), data)
			publish(t, e.b, typ, "second-"+env.GetId(), data)
			settled(t, e, rec.durable, 2)
			if got := rec.effects(t, e.db); got != 1 {
				t.Errorf("effects = %d, want 1", got)
			}
			if got := rec.calls.Load(); got != 1 {
				t.Errorf("handler calls = %d, want 1", got)
			}
			if got := count(t, e.db, `SELECT COUNT(*) FROM inbox WHERE consumer = ? AND event_id = ?`, rec.durable, env.GetId()); got != 1 {
				t.Errorf("inbox rows = %d, want 1", got)
			}
		})

		t.Run("a transient failure is retried", func(t *testing.T) {
			t.Parallel()
			const typ = "eligibility.member.flaky"
			rec := &recorder{durable: "flaky", fail: func(call int64) error {
				if call < 3 {
					return errors.New("store unavailable")
				}
				return nil
			}}
			consume(t, e, rec, typ, 5)
			env, data := newEvent(t, typ)
			publish(t, e.b, typ, env.GetId(), data)
			eventually(t, "the effect", func() (bool, error) { return rec.effects(t, e.db) == 1, nil })
			settled(t, e, rec.durable, 3)
			if got := rec.calls.Load(); got != 3 {
				t.Errorf("handler calls = %d, want 3", got)
			}
		})

		t.Run("outbox to handler keeps the trace", func(t *testing.T) {
			t.Parallel()
			const typ = "eligibility.member.traced"
			rec := &recorder{durable: "traced", traces: make(chan trace.TraceID, 1)}
			consume(t, e, rec, typ, 5)
			sc := spanContext(t)
			ids := enqueue(t, trace.ContextWithSpanContext(ctx, sc), e.db, typ, 1, false)
			startRelay(t, e.b, e.db).Notify()
			eventually(t, "the effect", func() (bool, error) { return rec.effects(t, e.db) == 1, nil })
			if got := count(t, e.db, `SELECT COUNT(*) FROM effects WHERE consumer = ? AND event_id = ?`, rec.durable, ids[0]); got != 1 {
				t.Errorf("effects for event %s = %d, want 1", ids[0], got)
			}
			if got := <-rec.traces; got != sc.TraceID() {
				t.Errorf("handler trace id = %s, want %s", got, sc.TraceID())
			}
		})

		t.Run("stop lets the event in hand finish", func(t *testing.T) {
			t.Parallel()
			const typ = "eligibility.member.slow"
			entered, release := make(chan struct{}), make(chan struct{})
			rec := &recorder{durable: "slow", fail: func(int64) error {
				close(entered)
				<-release
				return nil
			}}
			c := consume(t, e, rec, typ, 5)
			if !c.Running() {
				t.Error("Running() = false after Consume")
			}
			env, data := newEvent(t, typ)
			publish(t, e.b, typ, env.GetId(), data)
			<-entered
			stopped := make(chan struct{})
			go func() { c.Stop(); close(stopped) }()
			select {
			case <-stopped:
				t.Fatal("Stop returned while the handler was running")
			default:
			}
			close(release)
			<-stopped
			if c.Running() {
				t.Error("Running() = true after Stop")
			}
			if got := rec.effects(t, e.db); got != 1 {
				t.Errorf("effects = %d, want 1: the event in hand must commit", got)
			}
			settled(t, e, rec.durable, 1)
		})
	})
}
