// Package store keeps the targeting service's records in SQLite or
// PostgreSQL, one SQL text for both.
package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/targeting/app"
	"github.com/openmtm/openmtm/services/targeting/domain"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the service's own goose migrations.
var Migrations, _ = fs.Sub(migrationFiles, "migrations")

// Store is the targeting repository bound to one transaction: event
// handlers get one for the inbox transaction, RPCs one from InTx.
type Store struct {
	q  store.Querier
	tx *store.Tx
	db *store.DB
}

// New returns the repository over a migrated db.
func New(db *store.DB) *Store { return &Store{q: db, db: db} }

// inTx runs fn with the repository bound to a transaction: the caller's, or
// a new one.
func (s *Store) inTx(ctx context.Context, fn func(*Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return fn(WithTx(tx)) })
}

// WithTx returns the repository bound to tx.
func WithTx(tx *store.Tx) *Store { return &Store{q: tx, tx: tx} }

// RecordMember stores m; a new member counts once towards its plan.
func (s *Store) RecordMember(ctx context.Context, m domain.SeenMember) (bool, error) {
	res, err := s.q.Exec(ctx, `INSERT INTO members (plan_id, member_id, language, postal_code)
		VALUES (?, ?, ?, ?) ON CONFLICT (plan_id, member_id) DO NOTHING`,
		m.PlanID, m.MemberID, m.Language, m.PostalCode)
	if err != nil {
		return false, fmt.Errorf("record member: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("record member: %w", err)
	} else if n == 0 {
		_, err := s.q.Exec(ctx, `UPDATE members SET language = ?, postal_code = ?
			WHERE plan_id = ? AND member_id = ?`, m.Language, m.PostalCode, m.PlanID, m.MemberID)
		if err != nil {
			return false, fmt.Errorf("update member: %w", err)
		}
		return false, nil
	}
	_, err = s.q.Exec(ctx, `INSERT INTO plan_counters (plan_id, members_seen) VALUES (?, 1)
		ON CONFLICT (plan_id) DO UPDATE SET members_seen = plan_counters.members_seen + 1`, m.PlanID)
	if err != nil {
		return false, fmt.Errorf("count member: %w", err)
	}
	return true, nil
}

// PlanSummary reads a plan's counters; a plan never heard of has zero.
func (s *Store) PlanSummary(ctx context.Context, planID string) (domain.PlanSummary, error) {
	sum := domain.PlanSummary{PlanID: planID}
	err := s.q.QueryRow(ctx, `SELECT COALESCE(SUM(members_seen), 0) FROM plan_counters WHERE plan_id = ?`,
		planID).Scan(&sum.MembersSeen)
	if err != nil {
		return sum, fmt.Errorf("plan summary: %w", err)
	}
	return sum, nil
}

// Atomically runs fn with the repository bound to one transaction: the
// current one, or a new one.
func (s *Store) Atomically(ctx context.Context, fn func(app.Repository) error) error {
	return s.inTx(ctx, func(t *Store) error { return fn(t) })
}
