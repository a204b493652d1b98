// Package store opens a service's database, SQLite (embedded, pure Go) or
// PostgreSQL (production), from one URL, runs its embedded migrations and
// gives it transactions. Services write SQL once, with `?` placeholders and
// portable DDL; the store rewrites placeholders for PostgreSQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Dialect is the SQL flavour of a database.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is one service's database: a SQLite file, or a schema in PostgreSQL.
type DB struct {
	querier
	db     *sql.DB
	schema string
	// file is the SQLite database file ("" on PostgreSQL).
	file string
	// checkpoints runs SQLite's WAL checkpoints (nil on PostgreSQL).
	checkpoints *checkpointer
}

// Open connects to the database named by url for one schema (a service name,
// optionally prefixed). url is "sqlite:DIR" (the file DIR/<schema>.db) or
// "postgres://..." (the schema is created when missing and is the search path
// of every connection).
func Open(ctx context.Context, url, schema string) (*DB, error) {
	if !validSchema(schema) {
		return nil, fmt.Errorf("store: schema %q: want lower case letters, digits and _", schema)
	}
	var (
		db   *sql.DB
		d    Dialect
		file string
		err  error
	)
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		d = SQLite
		dir := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		file = filepath.Join(dir, schema+".db")
		db, err = openSQLite(dir, schema)
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		d = Postgres
		db, err = openPostgres(ctx, url, schema)
	default:
		return nil, fmt.Errorf("store: unsupported database url (want sqlite:DIR or postgres://...)")
	}
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: ping %s schema %s: %w", d, schema, err)
	}
	out := &DB{querier: querier{c: db, d: d}, db: db, schema: schema, file: file}
	if d == SQLite {
		out.stmts = &stmtCache{db: db, m: map[string]*sql.Stmt{}}
		out.checkpoints = startCheckpointer(db)
	}
	return out, nil
}

func openSQLite(dir, schema string) (*sql.DB, error) {
	if dir == "" {
		return nil, errors.New("store: sqlite url needs a folder: sqlite:DIR")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: create data folder: %w", err)
	}
	// WAL lets readers run beside the one writer; _txlock=immediate takes the
	// write lock at BEGIN so two writers queue on busy_timeout instead of
	// failing with SQLITE_BUSY when a read transaction upgrades.
	dsn := "file:" + filepath.Join(dir, schema+".db") +
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(0)" +
		"&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

func openPostgres(ctx context.Context, url, schema string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: parse postgres url: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: connect postgres: %w", err)
	}
	_, err = conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	conn.Close(ctx)
	if err != nil && !isDuplicateSchema(err) {
		return nil, fmt.Errorf("store: create schema %s: %w", schema, err)
	}
	cfg.RuntimeParams["search_path"] = schema
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// Dialect reports which database this is.
func (db *DB) Dialect() Dialect { return db.d }

// Schema is the schema (PostgreSQL) or file name (SQLite) of this database.
func (db *DB) Schema() string { return db.schema }

// Close closes the pool.
func (db *DB) Close() error {
	if db.checkpoints != nil {
		db.checkpoints.close()
		db.stmts.close()
	}
	return db.db.Close()
}

// InTx runs fn in a transaction and commits it when fn returns nil. The
// caller's rule decides, the store owns the transaction.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(&Tx{querier{c: sqlTx, d: db.d, stmts: db.stmts, tx: sqlTx}}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Tx is a transaction; its methods take `?` placeholders like DB's.
type Tx struct{ querier }

func validSchema(s string) bool {
	if s == "" || len(s) > 63 || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
