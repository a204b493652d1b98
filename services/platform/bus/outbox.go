package bus

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations creates the outbox and inbox tables. A service that publishes or
// consumes runs them beside its own:
//
//	db.Migrate(ctx, "bus", bus.Migrations)
var Migrations fs.FS = mustSub(migrationFiles, "migrations")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		// Only an invalid literal path fails, and the test suite would catch it.
		panic(fmt.Sprintf("bus: migrations: %v", err))
	}
	return sub
}

// Enqueue records env in the outbox as part of tx, the transaction that
// makes the state change the event announces: both commit or neither does.
// A Relay publishes it after the commit; call Relay.Notify after committing
// to publish without waiting for the next poll.
//
// The trace context of ctx is kept with the row so the publish, and the
// consumers' work, join the trace of the request that caused the event.
func Enqueue(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	if tx == nil || env == nil {
		return errors.New("bus: enqueue: nil transaction or envelope")
	}
	if env.GetId() == "" {
		return fmt.Errorf("bus: enqueue %s: envelope has no id (use NewEnvelope)", env.GetType())
	}
	if err := validEventType(env.GetType()); err != nil {
		return fmt.Errorf("bus: enqueue %s: %w", env.GetId(), err)
	}
	payload, err := proto.Marshal(env)
	if err != nil {
		return fmt.Errorf("bus: enqueue %s: marshal: %w", env.GetId(), err)
	}
	// Only the W3C traceparent is kept: it is what links the spans.
	carrier := propagation.MapCarrier{}
	propagation.TraceContext{}.Inject(ctx, carrier)
	_, err = tx.Exec(ctx,
		`INSERT INTO outbox (id, subject, payload, traceparent, created_at) VALUES (?, ?, ?, ?, ?)`,
		env.GetId(), EventSubject(env.GetType()), payload, carrier.Get("traceparent"), time.Now().UnixMicro())
	if err != nil {
		return fmt.Errorf("bus: enqueue %s %s: %w", env.GetType(), env.GetId(), err)
	}
	return nil
}
