package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// conn is what *sql.DB and *sql.Tx have in common.
type conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Querier runs statements written with `?` placeholders. DB and Tx are both
// Queriers, so a repository function can serve either.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

type querier struct {
	c conn
	d Dialect
	// stmts caches SQLite's prepared statements (nil on PostgreSQL); tx is
	// set in a transaction, which runs them through Tx.StmtContext.
	stmts *stmtCache
	tx    *sql.Tx
}

// prepared returns query's cached statement, bound to the transaction when
// in one; nil when it is not cached.
func (q querier) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if q.stmts == nil {
		return nil, nil
	}
	st, ok, err := q.stmts.get(ctx, query, q.tx != nil)
	if !ok || err != nil {
		return nil, err
	}
	if q.tx != nil {
		st = q.tx.StmtContext(ctx, st)
	}
	return st, nil
}

// Exec runs a statement that returns no rows.
func (q querier) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := q.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.c.ExecContext(ctx, Rebind(q.d, query), args...)
}

// Query runs a statement that returns rows.
func (q querier) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := q.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.c.QueryContext(ctx, Rebind(q.d, query), args...)
}

// QueryRow runs a statement that returns at most one row.
func (q querier) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st, err := q.prepared(ctx, query); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	// Without a cached statement, or when preparing failed: the plain call
	// reports the statement's error through Row.Scan.
	return q.c.QueryRowContext(ctx, Rebind(q.d, query), args...)
}

// Dialect reports which database the statements run on.
func (q querier) Dialect() Dialect { return q.d }

// Rebind rewrites `?` placeholders to PostgreSQL's `$1, $2, ...`; it leaves
// question marks inside quoted strings and identifiers alone.
func Rebind(d Dialect, query string) string {
	if d != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
