package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/openmtm/openmtm/services/platform/store"
)

// copyChunk is how many rows one COPY sends: memory stays flat however
// large the file.
const copyChunk = 10000

// copier is the PostgreSQL rowWriter: rows stream into a temporary table
// with COPY, then flush merges them into the table in one statement,
// keeping the last row of each key in file order, and reports what
// changed. COPY and a single merge are several times faster than
// multi-row INSERTs, and the merge makes "a later row replaces an earlier
// one" exact across the file.
type copier struct {
	tx      *store.Tx
	u       upsert
	rows    [][]any
	seq     int64
	staged  bool
	changed func(memberID string, flag bool)
}

func (c *copier) stage() string { return "stage_" + c.u.table }

// add stages one row; the key is not needed, the merge keeps the last row
// of each key.
func (c *copier) add(ctx context.Context, _ string, row ...any) error {
	c.seq++
	c.rows = append(c.rows, append([]any{c.seq}, row...))
	if len(c.rows) == copyChunk {
		return c.send(ctx)
	}
	return nil
}

// send copies the rows added since the last send into the stage.
func (c *copier) send(ctx context.Context) error {
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
	if err := c.tx.CopyFrom(ctx, c.stage(), cols, c.rows); err != nil {
		return err
	}
	c.rows = c.rows[:0]
	return nil
}

// flush sends what is left and merges the stage into the table.
func (c *copier) flush(ctx context.Context) error {
	if err := c.send(ctx); err != nil || !c.staged {
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
