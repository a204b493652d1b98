package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/events"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store"
)

const memberColumns = `plan_id, member_id, mbi, contract_id, pbp_id, first_name, last_name,
	birth_date, sex, language, postal_code, phone, coverage_start, coverage_end,
	ltc, dmp_at_risk, hospice, created_at, updated_at`

// UpsertMember stores m, creating or replacing it, and enqueues
// member.upserted in the same transaction. A member identical to the stored
// one changes nothing and publishes nothing. It returns the stored member and
// whether it was created.
func (s *Store) UpsertMember(ctx context.Context, m domain.Member, now time.Time) (domain.Member, bool, error) {
	var res upsertResult
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		res, err = upsertMember(ctx, tx, m, now)
		return err
	})
	if err != nil {
		return domain.Member{}, false, fmt.Errorf("upsert member: %w", err)
	}
	if res.changed {
		s.notify()
	}
	return res.stored, res.created, nil
}

// ImportMembers stores every member read calls put with, in ONE
// transaction (nothing is stored when read fails), publishing
// member.upserted for each new or changed one.
func (s *Store) ImportMembers(ctx context.Context, read func(put func(domain.Member) error) error, now time.Time) (app.ImportCounts, error) {
	var counts app.ImportCounts
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		counts = app.ImportCounts{}
		return read(func(m domain.Member) error {
			res, err := upsertMember(ctx, tx, m, now)
			if res.changed {
				counts.Stored++
				counts.ChangedMembers++
			}
			return err
		})
	})
	if err != nil {
		return app.ImportCounts{}, fmt.Errorf("import members: %w", err)
	}
	if counts.Stored > 0 {
		s.notify()
	}
	return counts, nil
}

type upsertResult struct {
	stored           domain.Member
	created, changed bool
}

func upsertMember(ctx context.Context, tx *store.Tx, m domain.Member, now time.Time) (upsertResult, error) {
	// Stored times have microsecond precision; answer with what a read returns.
	now = now.UTC().Truncate(time.Microsecond)
	old, err := getMember(ctx, tx, m.PlanID, m.MemberID)
	created := errs.KindOf(err) == errs.KindNotFound
	switch {
	case created:
		m.CreatedAt, m.UpdatedAt = now, now
	case err != nil:
		return upsertResult{}, err
	default:
		m.CreatedAt, m.UpdatedAt = old.CreatedAt, old.UpdatedAt
		if sameMember(old, m) {
			return upsertResult{stored: old}, nil
		}
		m.UpdatedAt = now
	}
	if err := putMember(ctx, tx, m); err != nil {
		return upsertResult{}, err
	}
	// Coverage and the DMP flag decide eligibility: an incremental
	// evaluation run must see the member as changed.
	if _, err := tx.Exec(ctx, `INSERT INTO changed_members (plan_id, member_id) VALUES (?, ?)
		ON CONFLICT (plan_id, member_id) DO NOTHING`, m.PlanID, m.MemberID); err != nil {
		return upsertResult{}, fmt.Errorf("mark member changed: %w", err)
	}
	env, err := events.MemberUpserted(m, created)
	if err != nil {
		return upsertResult{}, err
	}
	if err := bus.Enqueue(ctx, tx, env); err != nil {
		return upsertResult{}, err
	}
	return upsertResult{stored: m, created: created, changed: true}, nil
}

func putMember(ctx context.Context, tx *store.Tx, m domain.Member) error {
	var end sql.NullString
	if m.CoverageEnd != nil {
		end = sql.NullString{String: m.CoverageEnd.String(), Valid: true}
	}
	_, err := tx.Exec(ctx, `INSERT INTO members (`+memberColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (plan_id, member_id) DO UPDATE SET
			mbi = excluded.mbi, contract_id = excluded.contract_id, pbp_id = excluded.pbp_id,
			first_name = excluded.first_name, last_name = excluded.last_name,
			birth_date = excluded.birth_date, sex = excluded.sex, language = excluded.language,
			postal_code = excluded.postal_code, phone = excluded.phone,
			coverage_start = excluded.coverage_start, coverage_end = excluded.coverage_end,
			ltc = excluded.ltc, dmp_at_risk = excluded.dmp_at_risk, hospice = excluded.hospice,
			updated_at = excluded.updated_at`,
		m.PlanID, m.MemberID, m.MBI, m.ContractID, m.PBPID, m.FirstName, m.LastName,
		m.BirthDate.String(), string(m.Sex), m.Language, m.PostalCode, m.Phone,
		m.CoverageStart.String(), end, m.LTC, m.DMPAtRisk, m.Hospice,
		m.CreatedAt.UnixMicro(), m.UpdatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("write member: %w", err)
	}
	return nil
}

// sameMember compares the fields a caller sets, not the timestamps.
func sameMember(a, b domain.Member) bool {
	a.CreatedAt, a.UpdatedAt, b.CreatedAt, b.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	ae, be := a.CoverageEnd, b.CoverageEnd
	a.CoverageEnd, b.CoverageEnd = nil, nil
	if (ae == nil) != (be == nil) || (ae != nil && *ae != *be) {
		return false
	}
	return a == b
}

// GetMember reads one member.
func (s *Store) GetMember(ctx context.Context, planID, memberID string) (domain.Member, error) {
	return getMember(ctx, s.db, planID, memberID)
}

// ListMembers returns up to limit members of a plan with ids after after, in
// member id order.
func (s *Store) ListMembers(ctx context.Context, planID, after string, limit int) ([]domain.Member, error) {
	return collect(ctx, s.db, "list members", scanMember, `SELECT `+memberColumns+` FROM members
		WHERE plan_id = ? AND member_id > ? ORDER BY member_id LIMIT ?`, planID, after, limit)
}

func getMember(ctx context.Context, q store.Querier, planID, memberID string) (domain.Member, error) {
	m, err := scanMember(q.QueryRow(ctx, `SELECT `+memberColumns+` FROM members
		WHERE plan_id = ? AND member_id = ?`, planID, memberID))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Member{}, errs.NotFound("plans/%s/members/%s not found", planID, memberID)
	}
	return m, err
}

func scanMember(row scanner) (domain.Member, error) {
	var (
		m                          domain.Member
		birth, start, sex          string
		end                        sql.NullString
		createdMicro, updatedMicro int64
	)
	err := row.Scan(&m.PlanID, &m.MemberID, &m.MBI, &m.ContractID, &m.PBPID, &m.FirstName, &m.LastName,
		&birth, &sex, &m.Language, &m.PostalCode, &m.Phone, &start, &end,
		&m.LTC, &m.DMPAtRisk, &m.Hospice, &createdMicro, &updatedMicro)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return m, err
		}
		return m, fmt.Errorf("read member: %w", err)
	}
	m.Sex = domain.Sex(sex)
	if m.BirthDate, err = civil.Parse(birth); err != nil {
		return m, fmt.Errorf("read member birth_date: %w", err)
	}
	if m.CoverageStart, err = civil.Parse(start); err != nil {
		return m, fmt.Errorf("read member coverage_start: %w", err)
	}
	if end.Valid {
		d, err := civil.Parse(end.String)
		if err != nil {
			return m, fmt.Errorf("read member coverage_end: %w", err)
		}
		m.CoverageEnd = &d
	}
	m.CreatedAt = time.UnixMicro(createdMicro).UTC()
	m.UpdatedAt = time.UnixMicro(updatedMicro).UTC()
	return m, nil
}
