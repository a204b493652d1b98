package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store"
)

const programColumns = `plan_id, program_id, display_name, kind, created_at`

// CreateProgram stores a new program. An id the plan already uses is
// AlreadyExists; a second Part D program of a plan is FailedPrecondition,
// since evaluation falls back to the plan's one Part D program.
func (s *Store) CreateProgram(ctx context.Context, p domain.PlanProgram, now time.Time) (domain.PlanProgram, error) {
	p.CreatedAt = now.UTC().Truncate(time.Microsecond)
	_, err := s.db.Exec(ctx, `INSERT INTO programs (`+programColumns+`, last_version) VALUES (?, ?, ?, ?, ?, 0)`,
		p.PlanID, p.ID, p.DisplayName, string(p.Kind), p.CreatedAt.UnixMicro())
	if err == nil {
		return p, nil
	}
	if !store.IsUniqueViolation(err) {
		return domain.PlanProgram{}, fmt.Errorf("create program: %w", err)
	}
	// Which of the two unique keys collided: the id, or the one Part D
	// program (the id is checked first, as a retried create should hear
	// that its program exists).
	if _, gerr := s.GetProgram(ctx, p.PlanID, p.ID); gerr == nil {
		return domain.PlanProgram{}, errs.AlreadyExists("%s already exists", p.Name())
	}
	if other, found, ferr := s.PartDProgram(ctx, p.PlanID); ferr == nil && found {
		return domain.PlanProgram{}, errs.FailedPrecondition(
			"plans/%s already has a Part D program, %s: a plan has at most one", p.PlanID, other.Name())
	}
	return domain.PlanProgram{}, fmt.Errorf("create program: %w", err)
}

// GetProgram reads one program.
func (s *Store) GetProgram(ctx context.Context, planID, programID string) (domain.PlanProgram, error) {
	p, err := scanProgram(s.db.QueryRow(ctx, `SELECT `+programColumns+` FROM programs
		WHERE plan_id = ? AND program_id = ?`, planID, programID))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.PlanProgram{}, errs.NotFound("%s not found", domain.ProgramName(planID, programID))
	}
	return p, err
}

// PartDProgram returns the plan's Part D program, if it has one.
func (s *Store) PartDProgram(ctx context.Context, planID string) (domain.PlanProgram, bool, error) {
	p, err := scanProgram(s.db.QueryRow(ctx, `SELECT `+programColumns+` FROM programs
		WHERE plan_id = ? AND kind = ?`, planID, string(domain.PartD)))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return domain.PlanProgram{}, false, nil
	case err != nil:
		return domain.PlanProgram{}, false, err
	}
	return p, true, nil
}

// ListPrograms returns up to limit programs of a plan with ids after after,
// in id order.
func (s *Store) ListPrograms(ctx context.Context, planID, after string, limit int) ([]domain.PlanProgram, error) {
	return collect(ctx, s.db, "list programs", scanProgram, `SELECT `+programColumns+` FROM programs
		WHERE plan_id = ? AND program_id > ? ORDER BY program_id LIMIT ?`, planID, after, limit)
}

func scanProgram(row scanner) (domain.PlanProgram, error) {
	var (
		p       domain.PlanProgram
		kind    string
		created int64
	)
	if err := row.Scan(&p.PlanID, &p.ID, &p.DisplayName, &kind, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p, err
		}
		return p, fmt.Errorf("read program: %w", err)
	}
	p.Kind = domain.ProgramKind(kind)
	p.CreatedAt = time.UnixMicro(created).UTC()
	return p, nil
}
