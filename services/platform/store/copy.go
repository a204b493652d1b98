package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// CopyFrom sends rows into table (columns in that order) with PostgreSQL's
// COPY, inside the transaction: several times faster than INSERTs for bulk
// loads, and committed or rolled back with everything else the transaction
// writes (outbox rows included). SQLite has no COPY: it returns an error.
func (tx *Tx) CopyFrom(ctx context.Context, table string, columns []string, rows [][]any) error {
	if tx.d != Postgres {
		return errors.New("store: COPY needs PostgreSQL")
	}
	// database/sql offers no way to the transaction's pgx connection; pgx
	// hands it to a QueryRewriter passed as a statement's first argument
	// (its database/sql driver passes arguments through untouched), so
	// the COPY runs there and the statement left to execute is empty.
	if _, err := tx.c.ExecContext(ctx, "", copyRows{table, columns, rows}); err != nil {
		return fmt.Errorf("store: copy into %s: %w", table, err)
	}
	return nil
}

type copyRows struct {
	table   string
	columns []string
	rows    [][]any
}

// RewriteQuery implements pgx.QueryRewriter.
func (c copyRows) RewriteQuery(ctx context.Context, conn *pgx.Conn, _ string, _ []any) (string, []any, error) {
	_, err := conn.CopyFrom(ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromRows(c.rows))
	return "", nil, err
}
