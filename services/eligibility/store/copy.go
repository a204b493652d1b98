package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/openmtm/openmtm/services/eligibility/app"
)

// copyChunk is how many rows one COPY sends: memory stays flat however
// large the file.
const copyChunk = 10000

// importCopy is the PostgreSQL import: rows stream into a temporary table
// with COPY, then one statement merges them into the table, keeping the
// last row of each key in file order, and reports what changed. COPY and a
// single merge are several times faster than multi-row INSERTs, and the
// merge makes "a later row replaces an earlier one" exact across the file.
// It runs on one pgx connection, in one transaction.
func (s *Store) importCopy(ctx context.Context, planID string, u upsert, write func(add rowFunc) error) (app.ImportCounts, error) {
	conn, err := s.db.SQL().Conn(ctx)
	if err != nil {
		return app.ImportCounts{}, fmt.Errorf("import %s: %w", u.table, err)
	}
	defer conn.Close()
	var counts app.ImportCounts
	err = conn.Raw(func(driverConn any) error {
		tx, err := driverConn.(*stdlib.Conn).Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		changed := map[string]struct{}{}
		c := &copier{tx: tx, u: u, changed: countInto(&counts, changed)}
		if err := write(func(_ string, row ...any) error { return c.add(ctx, row) }); err != nil {
			return err
		}
		if err := c.merge(ctx); err != nil {
			return err
		}
		counts.ChangedMembers = len(changed)
		marks := &copier{tx: tx, u: changedUpsert, changed: func(string, bool) {}}
		for m := range changed {
			if err := marks.add(ctx, []any{planID, m}); err != nil {
				return err
			}
		}
		if err := marks.merge(ctx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return app.ImportCounts{}, fmt.Errorf("import %s: %w", u.table, err)
	}
	return counts, nil
}

// copier stages rows of one upsert in a temporary table.
type copier struct {
	tx      pgx.Tx
	u       upsert
	rows    [][]any
	seq     int64
	staged  bool
	changed func(memberID string, flag bool)
}

func (c *copier) stage() string { return "stage_" + c.u.table }

func (c *copier) add(ctx context.Context, row []any) error {
	c.seq++
	c.rows = append(c.rows, append([]any{c.seq}, row...))
	if len(c.rows) == copyChunk {
		return c.flush(ctx)
	}
	return nil
}

func (c *copier) flush(ctx context.Context) error {
	if len(c.rows) == 0 {
		return nil
	}
	if !c.staged {
		// seq keeps file order, so the merge can keep each key's last row.
		if _, err := c.tx.Exec(ctx, fmt.Sprintf(`CREATE TEMP TABLE %s ON COMMIT DROP AS
			SELECT 0::bigint AS seq, %s FROM %s WITH NO DATA`,
			c.stage(), strings.Join(c.u.columns, ", "), c.u.table)); err != nil {
			return fmt.Errorf("stage %s: %w", c.u.table, err)
		}
		c.staged = true
	}
	cols := append([]string{"seq"}, c.u.columns...)
	if _, err := c.tx.CopyFrom(ctx, pgx.Identifier{c.stage()}, cols, pgx.CopyFromRows(c.rows)); err != nil {
		return fmt.Errorf("copy %s: %w", c.u.table, err)
	}
	c.rows = c.rows[:0]
	return nil
}

func (c *copier) merge(ctx context.Context) error {
	if err := c.flush(ctx); err != nil || !c.staged {
		return err
	}
	cols := strings.Join(c.u.columns, ", ")
	key := strings.Join(c.u.conflict, ", ")
	rows, err := c.tx.Query(ctx, fmt.Sprintf(`INSERT INTO %s (%s)
		SELECT DISTINCT ON (%s) %s FROM %s ORDER BY %s, seq DESC%s`,
		c.u.table, cols, key, cols, c.stage(), key, c.u.onConflict()))
	if err != nil {
		return fmt.Errorf("merge %s: %w", c.u.table, err)
	}
	defer rows.Close()
	if err := readChanged(rows, c.changed); err != nil {
		return fmt.Errorf("merge %s: %w", c.u.table, err)
	}
	return nil
}
