package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Migrate applies the SQL migrations in fsys (goose files at its root) that
// have not run yet. name keeps one set of migrations apart from another in the
// same schema (a service's own, and the platform's outbox and inbox), each
// with its own version table.
func (db *DB) Migrate(ctx context.Context, name string, fsys fs.FS) error {
	if db.d == Postgres {
		unlock, err := db.lockMigrations(ctx, name)
		if err != nil {
			return err
		}
		defer unlock()
	} else {
		// A SQLite file belongs to one process (the all-in-one binary), so
		// a lock per file in the process keeps two handles from migrating
		// it at once.
		mu, _ := sqliteMigrations.LoadOrStore(db.file, new(sync.Mutex))
		mu.(*sync.Mutex).Lock()
		defer mu.(*sync.Mutex).Unlock()
	}
	dialect := goose.DialectSQLite3
	if db.d == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, db.db, fsys,
		goose.WithTableName("goose_"+name),
		goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("store: migrations %s: %w", name, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s in %s: %w", name, db.schema, err)
	}
	return nil
}

var sqliteMigrations sync.Map // file → *sync.Mutex

// lockMigrations makes replicas starting together take turns on one
// schema's migrations. It waits on a session advisory lock (no polling, so
// the next replica goes the moment the first is done) keyed by schema and
// migration set, so different services never wait for each other.
func (db *DB) lockMigrations(ctx context.Context, name string) (unlock func(), err error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte(db.schema + "/" + name))
	id := int64(h.Sum64())
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", id); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: migration lock %s/%s: %w", db.schema, name, err)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", id)
		conn.Close()
	}, nil
}

// IsUniqueViolation reports whether err is a primary-key or unique
// constraint violation, on either database.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE ||
			sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// isDuplicateSchema is the race of two services creating one schema at once.
func isDuplicateSchema(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "42P06" || pgErr.Code == "23505")
}
