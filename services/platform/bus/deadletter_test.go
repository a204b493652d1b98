package bus_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestDeadLetter(t *testing.T) {
	eachTarget(t, func(t *testing.T, e env) {
		setupConsumers(t, e)

		t.Run("a handler that always fails ends in the dead-letter stream", func(t *testing.T) {
			t.Parallel()
			const typ = "eligibility.member.broken"
			rec := &recorder{durable: "broken", fail: func(int64) error { return errors.New("always fails") }}
			consume(t, e, rec, typ, 3)
			env, data := newEvent(t, typ)
			publish(t, e.b, typ, env.GetId(), data)
			dl := deadLetter(t, e, rec.durable)
			checkDeadLetter(t, dl, map[string]string{
				bus.HeaderDLQSubject:  e.b.Subject(bus.EventSubject(typ)),
				bus.HeaderDLQEventID:  env.GetId(),
				bus.HeaderDLQConsumer: rec.durable,
				bus.HeaderDLQAttempts: "3",
			}, "always fails")
			if string(dl.Data) != string(data) {
				t.Error("dead letter body differs from the original message")
			}
			settled(t, e, rec.durable, 3)
			if got := rec.calls.Load(); got != 3 {
				t.Errorf("handler calls = %d, want 3 (MaxDeliver)", got)
			}
			if got := rec.effects(t, e.db) + count(t, e.db, `SELECT COUNT(*) FROM inbox WHERE consumer = ?`, rec.durable); got != 0 {
				t.Errorf("failed event left %d rows behind, want 0", got)
			}
		})

		t.Run("an invalid event is dead-lettered at once", func(t *testing.T) {
			t.Parallel()
			const typ = "eligibility.member.invalid"
			rec := &recorder{durable: "invalid", fail: func(int64) error {
				return errs.Invalid(errs.Field("payload.member", "is required"))
			}}
			consume(t, e, rec, typ, 5)
			env, data := newEvent(t, typ)
			publish(t, e.b, typ, env.GetId(), data)
			dl := deadLetter(t, e, rec.durable)
			checkDeadLetter(t, dl, map[string]string{bus.HeaderDLQEventID: env.GetId(), bus.HeaderDLQAttempts: "1"}, "payload.member")
			settled(t, e, rec.durable, 1)
			if got := rec.calls.Load(); got != 1 {
				t.Errorf("handler calls = %d, want 1", got)
			}
		})

		t.Run("a poison message is dead-lettered", func(t *testing.T) {
			t.Parallel()
			const typ = "eligibility.member.poison"
			rec := &recorder{durable: "poison"}
			consume(t, e, rec, typ, 5)
			garbage := []byte("this is not protobuf")
			publish(t, e.b, typ, "garbage-1", garbage)
			dl := deadLetter(t, e, rec.durable)
			checkDeadLetter(t, dl, map[string]string{bus.HeaderDLQEventID: "", bus.HeaderDLQAttempts: "1"}, "not an envelope")
			if string(dl.Data) != string(garbage) {
				t.Error("dead letter body differs from the original message")
			}
			settled(t, e, rec.durable, 1)
			if got := rec.calls.Load(); got != 0 {
				t.Errorf("handler calls = %d, want 0", got)
			}
		})

	})
}

// deadLetter waits for the consumer's dead letter and returns it.
func deadLetter(t *testing.T, e env, durable string) *jetstream.RawStreamMsg {
	t.Helper()
	var msg *jetstream.RawStreamMsg
	eventually(t, durable+" dead letter", func() (bool, error) {
		s, err := e.b.JetStream().Stream(context.Background(), e.b.DLQStream())
		if err != nil {
			return false, err
		}
		msg, err = s.GetLastMsgForSubject(context.Background(), e.b.DLQSubject(durable))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return false, nil
		}
		return err == nil, err
	})
	return msg
}

func checkDeadLetter(t *testing.T, dl *jetstream.RawStreamMsg, want map[string]string, errorHas string) {
	t.Helper()
	for k, v := range want {
		if got := bus.HeaderCarrier(dl.Header).Get(k); got != v {
			t.Errorf("dead letter header %s = %q, want %q", k, got, v)
		}
	}
	if got := dl.Header.Get(bus.HeaderDLQError); !strings.Contains(got, errorHas) {
		t.Errorf("dead letter error %q does not mention %q", got, errorHas)
	}
}
