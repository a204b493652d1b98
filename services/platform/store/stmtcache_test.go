package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// More transactions than the pool has connections, each running a
// statement not prepared yet: preparing must not wait for a connection
// that the queued transactions hold.
func TestStatementsInBusyTransactions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		db := storetest.Open(t, tgt, "stmts")
		if err := db.Migrate(ctx, "stmts", migrations); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 32)
		for i := range 32 {
			wg.Go(func() {
				errs <- db.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.Exec(ctx, `INSERT INTO widgets (id, label, size) VALUES (?, ?, ?)`, fmt.Sprint("s", i), "x", i)
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM widgets WHERE id LIKE 's%'`).Scan(&n); err != nil || n != 32 {
			t.Errorf("rows = %d (%v), want 32", n, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		// A closed store answers with errors, not a panic.
		if _, err := db.Exec(ctx, `SELECT 1`); err == nil {
			t.Error("a closed store ran a statement")
		}
	})
}
