// Package storetest runs one test body against every store: SQLite always,
// and PostgreSQL when OPENMTM_TEST_POSTGRES_URL is set. Each test gets its own
// schemas (PostgreSQL) or folder (SQLite), so tests run in parallel.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/openmtm/openmtm/services/platform/store"
)

// PostgresEnv names the variable holding the test PostgreSQL URL.
const PostgresEnv = "OPENMTM_TEST_POSTGRES_URL"

// Target is one store to test against.
type Target struct {
	// Name is "sqlite" or "postgres".
	Name string
	// URL opens it with store.Open.
	URL string
	// Prefix is a schema prefix unique to the test.
	Prefix string
}

// Run runs fn as the subtests "sqlite" and "postgres". The PostgreSQL one
// skips, saying why, when OPENMTM_TEST_POSTGRES_URL is unset.
func Run(t *testing.T, fn func(t *testing.T, tgt Target)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, Postgres(t))
	})
}

// SQLite is a target in a fresh temporary folder.
func SQLite(t testing.TB) Target {
	t.Helper()
	return Target{Name: "sqlite", URL: "sqlite:" + t.TempDir(), Prefix: uniquePrefix(t)}
}

// Postgres is a target in the test database with a prefix unique to the
// test; every schema with that prefix is dropped when the test ends. It skips
// the test when OPENMTM_TEST_POSTGRES_URL is unset.
func Postgres(t testing.TB) Target {
	t.Helper()
	url := os.Getenv(PostgresEnv)
	if url == "" {
		t.Skip(PostgresEnv + " is not set: skipping the PostgreSQL run (scripts/test.sh and .ci/run set it)")
	}
	tgt := Target{Name: "postgres", URL: url, Prefix: uniquePrefix(t)}
	t.Cleanup(func() { dropSchemas(t, url, tgt.Prefix) })
	return tgt
}

// Open opens the target's schema prefix+name and closes it when the test ends.
func Open(t testing.TB, tgt Target, name string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), tgt.URL, tgt.Prefix+name)
	if err != nil {
		t.Fatalf("open %s store %s: %v", tgt.Name, name, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func uniquePrefix(t testing.TB) string {
	t.Helper()
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(b) + "_"
}

func dropSchemas(t testing.TB, url, prefix string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Logf("drop test schemas %s*: %v", prefix, err)
		return
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, prefix)
	if err != nil {
		t.Logf("list test schemas: %v", err)
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Logf("list test schemas: %v", err)
		return
	}
	for _, n := range names {
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{n}.Sanitize()+" CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", n, err)
		}
	}
}
