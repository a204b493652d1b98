// Package store keeps the eligibility service's records in SQLite or
// PostgreSQL (one SQL text for both) and writes each change's event to the
// outbox in the same transaction.
package store

import (
	"embed"
	"io/fs"

	"github.com/openmtm/openmtm/services/platform/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the service's own goose migrations.
var Migrations, _ = fs.Sub(migrationFiles, "migrations")

// Store is the eligibility repository.
type Store struct {
	db *store.DB
	// notify wakes the outbox relay after a commit that wrote events.
	notify func()
}

// New returns the repository over a migrated db. notify is called after each
// commit that enqueued events (nil for none).
func New(db *store.DB, notify func()) *Store {
	if notify == nil {
		notify = func() {}
	}
	return &Store{db: db, notify: notify}
}
