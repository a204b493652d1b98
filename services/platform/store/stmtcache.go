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
	m  map[string]*sql.Stmt
}

// Bounds of the cache: statements with long generated IN lists are one of
// a kind and amortise their parse; the cache never grows past maxStmts.
const (
	maxStmts            = 512
	maxStmtPlaceholders = 64
)

// get returns the prepared statement of query, preparing it on first use;
// false when the statement is not to be cached (run it unprepared).
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, true, nil
	}
	if len(c.m) >= maxStmts || strings.Count(query, "?") > maxStmtPlaceholders {
		return nil, false, nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st, true, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}
