package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps SQLite's prepared statements by query text. modernc's
// SQLite parses every statement it is given, and parsing took most of the
// time of the small statements a service runs per event (profiled: about
// 90% of an Exec); pgx caches prepared statements on its own, so PostgreSQL
// does not use this.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt // nil value: being prepared; nil map: closed
}

// Bounds of the cache: statements with long generated IN lists are one of
// a kind and amortise their parse; the cache never grows past maxStmts.
const (
	maxStmts            = 512
	maxStmtPlaceholders = 64
)

// get returns the prepared statement of query; false when it is not
// cached (run it unprepared). Outside a transaction it prepares a new
// statement at once. Inside one it must not: preparing takes a second
// connection from the pool while the transaction holds one, and with every
// connection held by transactions queued behind this one's write lock
// that waits for ever; so it prepares in the background and this call
// runs unprepared.
func (c *stmtCache) get(ctx context.Context, query string, inTx bool) (*sql.Stmt, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, seen := c.m[query]
	switch {
	case st != nil:
		return st, true, nil
	case c.m == nil || seen || len(c.m) >= maxStmts || strings.Count(query, "?") > maxStmtPlaceholders:
		return nil, false, nil
	case inTx:
		c.m[query] = nil // pending
		go c.prepare(query)
		return nil, false, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	c.m[query] = st
	return st, true, nil
}

// prepare fills in a pending statement; on failure it is forgotten, to be
// tried again.
func (c *stmtCache) prepare(query string) {
	st, err := c.db.PrepareContext(context.Background(), query)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.m == nil: // closed meanwhile
		if err == nil {
			st.Close()
		}
	case err != nil:
		delete(c.m, query)
	default:
		c.m[query] = st
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		if st != nil {
			st.Close()
		}
	}
	c.m = nil
}
