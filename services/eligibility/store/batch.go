package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/openmtm/openmtm/services/platform/store"
)

// batchRows is how many rows one multi-row INSERT carries: large enough to
// amortise round trips, small enough for both databases' parameter limits.
const batchRows = 500

// upsert describes a multi-row INSERT ... ON CONFLICT DO UPDATE that only
// touches rows whose values differ and returns the member id of every row
// it inserted or changed, so an import knows what changed.
type upsert struct {
	table    string
	columns  []string
	conflict []string // the key
	update   []string // columns a later row replaces
	// sticky columns keep true once true (a reversed claim stays reversed).
	sticky []string
	// flag is a boolean SQL expression returned beside the member id of each
	// changed row ("reversed" for claims, "FALSE" when there is none).
	flag string
}

// sql is the multi-row INSERT of rows rows, for SQLite.
func (u upsert) sql(rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", u.table, strings.Join(u.columns, ", "))
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(u.columns)), ", ") + ")"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(u.onConflict())
	return b.String()
}

// onConflict is the ON CONFLICT ... RETURNING tail both databases share:
// replace a row only when its values differ, keep sticky flags true, and
// return the member id and flag of every row inserted or changed.
func (u upsert) onConflict() string {
	tail := fmt.Sprintf(" ON CONFLICT (%s) DO ", strings.Join(u.conflict, ", "))
	if len(u.update) == 0 && len(u.sticky) == 0 {
		return tail + "NOTHING RETURNING member_id, " + u.flag
	}
	var sets, olds, news []string
	for _, c := range u.update {
		sets = append(sets, fmt.Sprintf("%s = excluded.%s", c, c))
		olds = append(olds, u.table+"."+c)
		news = append(news, "excluded."+c)
	}
	for _, c := range u.sticky {
		v := fmt.Sprintf("(%s.%s OR excluded.%s)", u.table, c, c)
		sets = append(sets, fmt.Sprintf("%s = %s", c, v))
		olds = append(olds, u.table+"."+c)
		news = append(news, v)
	}
	return tail + fmt.Sprintf("UPDATE SET %s WHERE (%s) IS DISTINCT FROM (%s) RETURNING member_id, %s",
		strings.Join(sets, ", "), strings.Join(olds, ", "), strings.Join(news, ", "), u.flag)
}

// rowWriter writes the rows of one upsert in an import's transaction and
// reports each row it inserted or changed: add takes a row with its key
// (the conflict columns joined), flush writes what is still buffered.
type rowWriter interface {
	add(ctx context.Context, key string, row ...any) error
	flush(ctx context.Context) error
}

// newRowWriter returns the writer of tx's database: multi-row INSERTs on
// SQLite, COPY and one merge on PostgreSQL.
func newRowWriter(tx *store.Tx, u upsert, changed func(memberID string, flag bool)) rowWriter {
	if tx.Dialect() == store.Postgres {
		return &copier{tx: tx, u: u, changed: changed}
	}
	return newBatcher(tx, u, changed)
}

// batcher buffers rows of one upsert and writes them in multi-row
// statements: the SQLite rowWriter.
type batcher struct {
	u       upsert
	tx      *store.Tx
	args    []any
	keys    map[string]int // key → row index in the batch: one statement may not touch a row twice
	full    string         // the statement for a full batch, built once
	changed func(memberID string, flag bool)
}

func newBatcher(tx *store.Tx, u upsert, changed func(memberID string, flag bool)) *batcher {
	return &batcher{u: u, tx: tx, full: u.sql(batchRows), changed: changed,
		keys: make(map[string]int, batchRows),
		args: make([]any, 0, batchRows*len(u.columns))}
}

// add buffers one row with its key. A key already in the batch has its row
// replaced: a later row for the same id wins, and a file repeating an id
// within one batch imports (and re-imports) as if it held the last row only.
// Repeats further apart are written in turn; the stored result is the same.
func (b *batcher) add(ctx context.Context, key string, row ...any) error {
	if i, dup := b.keys[key]; dup {
		copy(b.args[i*len(b.u.columns):], row)
		return nil
	}
	b.keys[key] = len(b.keys)
	b.args = append(b.args, row...)
	if len(b.keys) == batchRows {
		return b.flush(ctx)
	}
	return nil
}

func (b *batcher) flush(ctx context.Context) error {
	n := len(b.keys)
	if n == 0 {
		return nil
	}
	q := b.full
	if n != batchRows {
		q = b.u.sql(n)
	}
	rows, err := b.tx.Query(ctx, q, b.args...)
	if err != nil {
		return fmt.Errorf("write %s: %w", b.u.table, err)
	}
	defer rows.Close()
	if err := readChanged(rows, b.changed); err != nil {
		return fmt.Errorf("write %s: %w", b.u.table, err)
	}
	b.args = b.args[:0]
	clear(b.keys)
	return nil
}

// readChanged reports each (member id, flag) row an upsert's RETURNING
// clause gives back; rows are *sql.Rows or pgx.Rows.
func readChanged(rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}, changed func(memberID string, flag bool)) error {
	for rows.Next() {
		var (
			member string
			flag   bool
		)
		if err := rows.Scan(&member, &flag); err != nil {
			return err
		}
		changed(member, flag)
	}
	return rows.Err()
}
