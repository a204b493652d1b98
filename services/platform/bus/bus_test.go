package bus_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// natsEnv names the variable holding the URL of a shared test NATS server.
const natsEnv = "OPENMTM_TEST_NATS_URL"

func TestMain(m *testing.M) {
	// The crash test re-runs this binary as a relay that kills itself.
	if os.Getenv(childEnv) != "" {
		os.Exit(relayChild())
	}
	os.Exit(m.Run())
}

// env is one combination of bus and store a test runs on.
type env struct {
	b   *bus.Bus
	db  *store.DB
	tgt storetest.Target
	ns  string
}

// eachTarget runs fn on an embedded NATS server and, when
// OPENMTM_TEST_NATS_URL is set, on that server; each with SQLite and, when
// OPENMTM_TEST_POSTGRES_URL is set, PostgreSQL. Every run has its own
// namespace and schema, so runs are parallel.
func eachTarget(t *testing.T, fn func(t *testing.T, e env)) {
	t.Helper()
	for _, kind := range []string{"embedded", "server"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			if kind == "server" && os.Getenv(natsEnv) == "" {
				t.Skip(natsEnv + " is not set: skipping the run on a shared NATS server (scripts/test.sh and .ci/run set it)")
			}
			storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
				t.Parallel()
				b, ns := connect(t, kind)
				db := storetest.Open(t, tgt, "bus")
				if err := db.Migrate(context.Background(), "bus", bus.Migrations); err != nil {
					t.Fatalf("migrate: %v", err)
				}
				fn(t, env{b: b, db: db, tgt: tgt, ns: ns})
			})
		})
	}
}

// connect opens a bus in a fresh namespace, on an embedded server in a
// temporary folder or on the shared server, and removes the namespace's
// streams when the test ends.
func connect(t *testing.T, kind string) (*bus.Bus, string) {
	t.Helper()
	ns := uniqueName(t)
	cfg := bus.Config{Namespace: ns, Name: t.Name()}
	if kind == "embedded" {
		cfg.DataDir = t.TempDir()
	} else {
		cfg.URL = os.Getenv(natsEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := bus.Connect(ctx, cfg, testLogger(t))
	if err != nil {
		t.Fatalf("connect %s: %v", kind, err)
	}
	t.Cleanup(b.Close)
	t.Cleanup(func() { deleteStreams(t, b, strings.ToUpper(ns)+"_") })
	return b, ns
}

func deleteStreams(t *testing.T, b *bus.Bus, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	names := b.JetStream().StreamNames(ctx)
	var mine []string
	for name := range names.Name() {
		if strings.HasPrefix(name, prefix) {
			mine = append(mine, name)
		}
	}
	if err := names.Err(); err != nil && !errors.Is(err, jetstream.ErrEndOfData) {
		t.Logf("list streams: %v", err)
	}
	for _, name := range mine {
		if err := b.JetStream().DeleteStream(ctx, name); err != nil {
			t.Logf("delete stream %s: %v", name, err)
		}
	}
}

func uniqueName(t *testing.T) string {
	t.Helper()
	buf := make([]byte, 6)
	if _, err := rand.Read(buf); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(buf)
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// eventually polls cond until it holds, failing the test at the deadline.
func eventually(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		ok, err := cond()
		if ok && err == nil {
			return
		}
		last = err
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (last error: %v)", what, last)
		}
		<-tick.C
	}
}

// startRelay runs a relay until the test ends.
func startRelay(t *testing.T, b *bus.Bus, db *store.DB) *bus.Relay {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := bus.NewRelay(b, db, testLogger(t))
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("relay: %v", err)
		}
	})
	return r
}

func streamMsgs(b *bus.Bus, stream string) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := b.JetStream().Stream(ctx, stream)
	if err != nil {
		return 0, fmt.Errorf("stream %s: %w", stream, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("stream %s info: %w", stream, err)
	}
	return info.State.Msgs, nil
}

func count(t *testing.T, q store.Querier, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func unpublished(db *store.DB) (int, error) {
	var n int
	err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox WHERE published_at IS NULL`).Scan(&n)
	return n, err
}
