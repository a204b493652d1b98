package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

func TestCopyFrom(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		db := storetest.Open(t, tgt, "copies")
		if err := db.Migrate(ctx, "copies", migrations); err != nil {
			t.Fatal(err)
		}
		rows := [][]any{{"c1", "one", 1}, {"c2", "two", 2}}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CopyFrom(ctx, "widgets", []string{"id", "label", "size"}, rows)
		})
		if db.Dialect() == store.SQLite {
			if err == nil {
				t.Fatal("SQLite accepted a COPY")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		// A COPY in a transaction that fails is rolled back with it.
		boom := errors.New("boom")
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.CopyFrom(ctx, "widgets", []string{"id", "label", "size"}, [][]any{{"c3", "three", 3}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM widgets WHERE id LIKE 'c%'`).Scan(&n); err != nil || n != 2 {
			t.Errorf("rows after the COPYs = %d (%v), want the 2 committed", n, err)
		}
	})
}
