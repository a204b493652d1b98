package store_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

var migrations = os.DirFS("testdata/migrations")

func TestRebind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d        store.Dialect
		in, want string
	}{
		{store.SQLite, "SELECT ? WHERE a = ?", "SELECT ? WHERE a = ?"},
		{store.Postgres, "SELECT ? WHERE a = ?", "SELECT $1 WHERE a = $2"},
		{store.Postgres, "SELECT '?', \"a?\" WHERE b = ?", "SELECT '?', \"a?\" WHERE b = $1"},
		{store.Postgres, "SELECT 1", "SELECT 1"},
	}
	for _, tt := range tests {
		if got := store.Rebind(tt.d, tt.in); got != tt.want {
			t.Errorf("Rebind(%s, %q) = %q, want %q", tt.d, tt.in, got, tt.want)
		}
	}
}

// TestContract is the behaviour every store must share.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		db := storetest.Open(t, tgt, "widgets")
		if err := db.Migrate(ctx, "widgets", migrations); err != nil {
			t.Fatal(err)
		}
		// Migrating twice is a no-op.
		if err := db.Migrate(ctx, "widgets", migrations); err != nil {
			t.Fatalf("second migrate: %v", err)
		}

		t.Run("commit", func(t *testing.T) {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO widgets (id, label, size) VALUES (?, ?, ?)`, "w1", "one", 1)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var label string
			if err := db.QueryRow(ctx, `SELECT label FROM widgets WHERE id = ?`, "w1").Scan(&label); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff("one", label); diff != "" {
				t.Errorf("label (-want +got):\n%s", diff)
			}
		})

		t.Run("rollback leaves nothing half-written", func(t *testing.T) {
			boom := errors.New("boom")
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO widgets (id, label, size) VALUES (?, ?, ?)`, "w2", "two", 2); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("InTx error = %v, want boom", err)
			}
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM widgets WHERE id = ?`, "w2").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("rolled back row is stored (%d rows)", n)
			}
		})

		t.Run("unique violation is recognised", func(t *testing.T) {
			_, err := db.Exec(ctx, `INSERT INTO widgets (id, label, size) VALUES (?, ?, ?)`, "w1", "dup", 9)
			if !store.IsUniqueViolation(err) {
				t.Errorf("duplicate insert error = %v, want a unique violation", err)
			}
		})

		t.Run("concurrent writers all commit", func(t *testing.T) {
			var wg sync.WaitGroup
			errc := make(chan error, 20)
			for i := range 20 {
				wg.Go(func() {
					errc <- db.InTx(ctx, func(tx *store.Tx) error {
						_, err := tx.Exec(ctx, `INSERT INTO widgets (id, label, size) VALUES (?, ?, ?)`,
							"c"+string(rune('a'+i)), "c", i)
						return err
					})
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Error(err)
				}
			}
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM widgets WHERE label = ?`, "c").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 20 {
				t.Errorf("rows after concurrent inserts = %d, want 20", n)
			}
		})
	})
}

func TestOpenRejectsBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, err := store.Open(ctx, "mysql://x", "svc"); err == nil {
		t.Error("Open(mysql://) succeeded, want an error")
	}
	if _, err := store.Open(ctx, "sqlite:"+t.TempDir(), "Bad-Schema"); err == nil {
		t.Error("Open with schema Bad-Schema succeeded, want an error")
	}
}

// TestConcurrentMigrations starts several replicas' migrations of one schema
// at once: they take turns and all succeed.
func TestConcurrentMigrations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		var wg sync.WaitGroup
		errc := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				db, err := store.Open(ctx, tgt.URL, tgt.Prefix+"replicas")
				if err != nil {
					errc <- err
					return
				}
				defer db.Close()
				errc <- db.Migrate(ctx, "widgets", migrations)
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Error(err)
			}
		}
	})
}
