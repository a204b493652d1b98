package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Migrate applies the SQL migrations in fsys (goose files at its root) that
// have not run yet. name keeps one set of migrations apart from another in the
// same schema (a service's own, and the platform's outbox and inbox), each
// with its own version table.
func (db *DB) Migrate(ctx context.Context, name string, fsys fs.FS) error {
	opts := []goose.ProviderOption{
		goose.WithTableName("goose_" + name),
		goose.WithDisableGlobalRegistry(true),
	}
	dialect := goose.DialectSQLite3
	if db.d == Postgres {
		dialect = goose.DialectPostgres
		// Replicas starting together take turns instead of racing.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("store: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db.db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations %s: %w", name, err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s in %s: %w", name, db.schema, err)
	}
	return nil
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
