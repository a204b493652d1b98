package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/store"
)

const enrollmentColumns = `plan_id, member_id, program_year, status, reason, determination_id,
	met_criteria_on, enrolled_on, opted_out_on, opt_out_reason, cmr_offered_on, cmr_dates, tmr_count,
	last_determination_id, eligible, diseases`

// getEnrollment reads a member's record of year, or a new one (found false).
func getEnrollment(ctx context.Context, q store.Querier, planID, memberID string, year int) (domain.Enrollment, bool, error) {
	e, err := scanEnrollment(q.QueryRow(ctx, `SELECT `+enrollmentColumns+` FROM enrollments
		WHERE plan_id = ? AND member_id = ? AND program_year = ?`, planID, memberID, year))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.NewEnrollment(planID, memberID, year), false, nil
	}
	return e, err == nil, err
}

func putEnrollment(ctx context.Context, tx *store.Tx, e domain.Enrollment, now time.Time) error {
	return putEnrollments(ctx, tx, []domain.Enrollment{e}, now)
}

// putEnrollments writes records of distinct members in one statement per
// enrollmentBatch (evaluation runs write a batch of members at once).
func putEnrollments(ctx context.Context, tx *store.Tx, es []domain.Enrollment, now time.Time) error {
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for len(es) > 0 {
		chunk := es[:min(len(es), enrollmentBatch)]
		es = es[len(chunk):]
		args := make([]any, 0, 17*len(chunk))
		for _, e := range chunk {
			args = append(args, e.PlanID, e.MemberID, e.ProgramYear, string(e.Status), e.Reason, e.DeterminationID,
				optDate(e.MetCriteriaOn), optDate(e.EnrolledOn), optDate(e.OptedOutOn), string(e.OptOutReason),
				optDate(e.CMROfferedOn), joinDates(e.CMRDates), e.TMRCount,
				e.LastDeterminationID, e.Eligible, strings.Join(e.Diseases, ","), now.UnixMicro())
		}
		_, err := tx.Exec(ctx, `INSERT INTO enrollments (`+enrollmentColumns+`, updated_at)
		VALUES `+row+strings.Repeat(", "+row, len(chunk)-1)+`
		ON CONFLICT (plan_id, member_id, program_year) DO UPDATE SET
			status = excluded.status, reason = excluded.reason, determination_id = excluded.determination_id,
			met_criteria_on = excluded.met_criteria_on, enrolled_on = excluded.enrolled_on,
			opted_out_on = excluded.opted_out_on, opt_out_reason = excluded.opt_out_reason,
			cmr_offered_on = excluded.cmr_offered_on, cmr_dates = excluded.cmr_dates,
			tmr_count = excluded.tmr_count, last_determination_id = excluded.last_determination_id,
			eligible = excluded.eligible, diseases = excluded.diseases, updated_at = excluded.updated_at`, args...)
		if err != nil {
			return fmt.Errorf("write enrollments: %w", err)
		}
	}
	return nil
}

// enrollmentBatch is how many records one statement writes: 17 parameters
// each, under both databases' limits.
const enrollmentBatch = 500

// GetEnrollment reads a member's record of year; a member never evaluated
// that year has a not-enrolled record.
func (s *Store) GetEnrollment(ctx context.Context, planID, memberID string, year int) (domain.Enrollment, error) {
	if _, err := getMember(ctx, s.db, planID, memberID); err != nil {
		return domain.Enrollment{}, err
	}
	e, _, err := getEnrollment(ctx, s.db, planID, memberID, year)
	return e, err
}

// ListEnrollments returns up to limit records of a plan's year, in member id
// order after member id after.
func (s *Store) ListEnrollments(ctx context.Context, planID string, year int, f app.EnrollmentFilter, after string, limit int) ([]domain.Enrollment, error) {
	q := `SELECT ` + enrollmentColumns + ` FROM enrollments WHERE plan_id = ? AND program_year = ? AND member_id > ?`
	args := []any{planID, year, after}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.Reason != "" {
		q += ` AND reason = ?`
		args = append(args, f.Reason)
	}
	if f.EverEnrolled {
		q += ` AND enrolled_on IS NOT NULL`
	}
	if f.Eligible != nil {
		q += ` AND eligible = ?`
		args = append(args, *f.Eligible)
	}
	if f.Disease != "" {
		// Disease keys are lower_snake words, so a comma-bounded match is exact.
		q += ` AND ',' || diseases || ',' LIKE ?`
		args = append(args, "%,"+f.Disease+",%")
	}
	return collect(ctx, s.db, "list enrollments", scanEnrollment, q+` ORDER BY member_id LIMIT ?`, append(args, limit)...)
}

func scanEnrollment(row scanner) (domain.Enrollment, error) {
	var (
		e                                  domain.Enrollment
		status, optOut, cmrDates, diseases string
		met, enrolled, optedOut, offered   sql.NullString
	)
	err := row.Scan(&e.PlanID, &e.MemberID, &e.ProgramYear, &status, &e.Reason, &e.DeterminationID,
		&met, &enrolled, &optedOut, &optOut, &offered, &cmrDates, &e.TMRCount,
		&e.LastDeterminationID, &e.Eligible, &diseases)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return e, err
		}
		return e, fmt.Errorf("read enrollment: %w", err)
	}
	e.Status, e.OptOutReason = domain.EnrollmentStatus(status), domain.OptOutReason(optOut)
	for _, p := range []struct {
		dst **civil.Date
		src sql.NullString
	}{{&e.MetCriteriaOn, met}, {&e.EnrolledOn, enrolled}, {&e.OptedOutOn, optedOut}, {&e.CMROfferedOn, offered}} {
		if p.src.Valid {
			d, err := civil.Parse(p.src.String)
			if err != nil {
				return e, fmt.Errorf("read enrollment date: %w", err)
			}
			*p.dst = &d
		}
	}
	for _, s := range strings.Split(cmrDates, ",") {
		if s == "" {
			continue
		}
		d, err := civil.Parse(s)
		if err != nil {
			return e, fmt.Errorf("read enrollment cmr_dates: %w", err)
		}
		e.CMRDates = append(e.CMRDates, d)
	}
	if diseases != "" {
		e.Diseases = strings.Split(diseases, ",")
	}
	return e, nil
}

func optDate(d *civil.Date) sql.NullString {
	if d == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: d.String(), Valid: true}
}

func joinDates(ds []civil.Date) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}

// MemberEnrollments reads a member's enrollment records of every year,
// oldest year first.
func (s *Store) MemberEnrollments(ctx context.Context, planID, memberID string) ([]domain.Enrollment, error) {
	return collect(ctx, s.db, "member enrollments", scanEnrollment, `SELECT `+enrollmentColumns+` FROM enrollments
		WHERE plan_id = ? AND member_id = ? ORDER BY program_year`, planID, memberID)
}
