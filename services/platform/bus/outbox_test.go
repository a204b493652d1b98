package bus_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/store"
)

const memberUpserted = "eligibility.member.upserted"

// enqueue writes n events in one transaction, which commits unless fail is
// set, and returns their ids.
func enqueue(t *testing.T, ctx context.Context, db *store.DB, eventType string, n int, fail bool) []string {
	t.Helper()
	var ids []string
	boom := errors.New("roll back")
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for range n {
			env, err := bus.NewEnvelope(eventType, "plans/acme", "plans/acme/members/m1", &eventsv1.MemberUpserted{Created: true})
			if err != nil {
				return err
			}
			if err := bus.Enqueue(ctx, tx, env); err != nil {
				return err
			}
			ids = append(ids, env.GetId())
		}
		if fail {
			return boom
		}
		return nil
	})
	if fail {
		if !errors.Is(err, boom) {
			t.Fatalf("rolled back tx: %v", err)
		}
		return nil
	}
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return ids
}

func TestOutbox(t *testing.T) {
	eachTarget(t, func(t *testing.T, e env) {
		sc := spanContext(t)
		ctx := trace.ContextWithSpanContext(context.Background(), sc)
		if err := e.b.EnsureStreams(ctx, "eligibility"); err != nil {
			t.Fatal(err)
		}
		stream := e.b.StreamName("eligibility")

		want := enqueue(t, ctx, e.db, memberUpserted, 3, false)
		enqueue(t, ctx, e.db, memberUpserted, 2, true)
		want = append(want, enqueue(t, ctx, e.db, memberUpserted, 2, false)...)

		r := startRelay(t, e.b, e.db)
		r.Notify()
		eventually(t, "every committed event published", func() (bool, error) {
			n, err := unpublished(e.db)
			return n == 0, err
		})

		t.Run("committed events are published once, in order", func(t *testing.T) {
			if n, err := streamMsgs(e.b, stream); err != nil || n != uint64(len(want)) {
				t.Fatalf("stream holds %d messages (err %v), want %d", n, err, len(want))
			}
			s, err := e.b.JetStream().Stream(ctx, stream)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for seq := uint64(1); seq <= uint64(len(want)); seq++ {
				m, err := s.GetMsg(ctx, seq)
				if err != nil {
					t.Fatalf("get message %d: %v", seq, err)
				}
				if m.Subject != e.b.Subject("mtm."+memberUpserted) {
					t.Errorf("message %d subject = %q, want %q", seq, m.Subject, e.b.Subject("mtm."+memberUpserted))
				}
				var env eventsv1.Envelope
				if err := proto.Unmarshal(m.Data, &env); err != nil {
					t.Fatalf("message %d: %v", seq, err)
				}
				if id := m.Header.Get("Nats-Msg-Id"); id != env.GetId() {
					t.Errorf("message %d Nats-Msg-Id = %q, want the event id %q", seq, id, env.GetId())
				}
				got = append(got, env.GetId())
				// The trace of the enqueuing request crosses the bus.
				pc := trace.SpanContextFromContext(propagation.TraceContext{}.Extract(ctx, bus.HeaderCarrier(m.Header)))
				if pc.TraceID() != sc.TraceID() {
					t.Errorf("message %d trace id = %s, want %s", seq, pc.TraceID(), sc.TraceID())
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("published ids (-want +got):\n%s", diff)
			}
		})

		t.Run("republishing after a crash adds nothing", func(t *testing.T) {
			// As if the relay died after publishing and before marking.
			if _, err := e.db.Exec(ctx, `UPDATE outbox SET published_at = NULL`); err != nil {
				t.Fatal(err)
			}
			r.Notify()
			eventually(t, "events published again", func() (bool, error) {
				n, err := unpublished(e.db)
				return n == 0, err
			})
			if n, err := streamMsgs(e.b, stream); err != nil || n != uint64(len(want)) {
				t.Errorf("stream holds %d messages (err %v) after republishing, want %d", n, err, len(want))
			}
		})
	})
}

func TestEnqueueRejects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+t.TempDir(), "bus")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx, "bus", bus.Migrations); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  *eventsv1.Envelope
	}{
		{"nil envelope", nil},
		{"no id", &eventsv1.Envelope{Type: memberUpserted}},
		{"bad type", &eventsv1.Envelope{Id: "x", Type: "member"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.InTx(ctx, func(tx *store.Tx) error { return bus.Enqueue(ctx, tx, tt.env) })
			if err == nil {
				t.Error("Enqueue succeeded, want an error")
			}
		})
	}
}
