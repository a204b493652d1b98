package bus_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/store"
)

// Variables passed to the child relay.
const (
	childEnv       = "OPENMTM_BUS_TEST_CHILD"
	childNATSEnv   = "OPENMTM_BUS_TEST_NATS_URL"
	childNSEnv     = "OPENMTM_BUS_TEST_NAMESPACE"
	childDBEnv     = "OPENMTM_BUS_TEST_DB_URL"
	childSchemaEnv = "OPENMTM_BUS_TEST_DB_SCHEMA"
)

// relayChild runs a relay that is expected to kill itself at the armed fault
// point. Returning at all is the failure.
func relayChild() int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	b, err := bus.Connect(ctx, bus.Config{URL: os.Getenv(childNATSEnv), Namespace: os.Getenv(childNSEnv)}, logger)
	if err != nil {
		logger.Error("child connect", "error", err)
		return 2
	}
	defer b.Close()
	db, err := store.Open(ctx, os.Getenv(childDBEnv), os.Getenv(childSchemaEnv))
	if err != nil {
		logger.Error("child store", "error", err)
		return 2
	}
	defer db.Close()
	_ = bus.NewRelay(b, db, logger).Run(ctx)
	logger.Error("child relay returned without reaching its fault point")
	return 3
}

// TestRelayCrash proves that an event committed before the relay is killed,
// just before or just after its publish, is on the stream exactly once after
// a relay runs again.
func TestRelayCrash(t *testing.T) {
	tests := []struct {
		fault          string
		onStreamBefore uint64 // messages on the stream when the child has died
	}{
		{bus.FaultBeforePublish, 0},
		{bus.FaultAfterPublish, 1},
	}
	eachTarget(t, func(t *testing.T, e env) {
		ctx := context.Background()
		if err := e.b.EnsureStreams(ctx, "eligibility"); err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			t.Run(tt.fault, func(t *testing.T) {
				// One schema per fault: the outbox must hold only this event.
				db := openSchema(t, e, "crash"+fmt.Sprint(tt.onStreamBefore))
				typ := "eligibility.crash.case" + fmt.Sprint(tt.onStreamBefore)
				enqueue(t, ctx, db, typ, 1, false)
				subject := e.b.Subject(bus.EventSubject(typ))

				cmd := exec.Command(os.Args[0])
				cmd.Env = append(os.Environ(),
					childEnv+"=1",
					bus.FaultEnv+"="+tt.fault,
					childNATSEnv+"="+e.b.ClientURL(),
					childNSEnv+"="+e.ns,
					childDBEnv+"="+e.tgt.URL,
					childSchemaEnv+"="+db.Schema(),
				)
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				err := cmd.Run()
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.Exited() {
					t.Fatalf("child relay: %v, want it killed by a signal; output:\n%s", err, out.String())
				}

				if n := subjectMsgs(t, e, subject); n != tt.onStreamBefore {
					t.Fatalf("after the crash the stream holds %d messages, want %d", n, tt.onStreamBefore)
				}
				if n, err := unpublished(db); err != nil || n != 1 {
					t.Fatalf("after the crash %d rows are unpublished (err %v), want 1", n, err)
				}

				startRelay(t, e.b, db).Notify()
				eventually(t, "the restarted relay to publish", func() (bool, error) {
					n, err := unpublished(db)
					return n == 0, err
				})
				if n := subjectMsgs(t, e, subject); n != 1 {
					t.Errorf("after the restart the stream holds %d messages, want 1", n)
				}
			})
		}
	})
}

func openSchema(t *testing.T, e env, name string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), e.tgt.URL, e.tgt.Prefix+name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background(), "bus", bus.Migrations); err != nil {
		t.Fatal(err)
	}
	return db
}

func subjectMsgs(t *testing.T, e env, subject string) uint64 {
	t.Helper()
	ctx := context.Background()
	s, err := e.b.JetStream().Stream(ctx, e.b.StreamName("eligibility"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(subject))
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Subjects[subject]
}
