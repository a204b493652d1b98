package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/events"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store"
)

// RecordDetermination keeps d as history and, in the same transaction,
// lets apply update the member's enrollment record of d's year, with the
// events that follow: determination.changed when eligibility differs from
// the member's previous determination of the year, and the enrollment's own
// (enrollmentEvents). It clears the member's changed mark.
func (s *Store) RecordDetermination(ctx context.Context, d domain.Determination, now time.Time,
	apply func(e *domain.Enrollment, id string)) (domain.RecordedDetermination, error) {
	var (
		sds   []domain.RecordedDetermination
		wrote bool
	)
	err := s.db.InTx(ctx, func(tx *store.Tx) (err error) {
		sds, wrote, err = recordDeterminations(ctx, tx, []domain.Determination{d}, now,
			func(_ int, e *domain.Enrollment, id string) { apply(e, id) })
		return err
	})
	if err != nil {
		return domain.RecordedDetermination{}, fmt.Errorf("record determination: %w", err)
	}
	if wrote {
		s.notify()
	}
	return sds[0], nil
}

// UpdateEnrollment loads the member's enrollment record of year (a new one
// when there is none), lets update change it, and stores it with the events
// its change calls for, in one transaction.
func (s *Store) UpdateEnrollment(ctx context.Context, planID, memberID string, year int, now time.Time,
	update func(e *domain.Enrollment) error) (domain.Enrollment, error) {
	var (
		after domain.Enrollment
		wrote bool
	)
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := getMember(ctx, tx, planID, memberID); err != nil {
			return err
		}
		before, _, err := getEnrollment(ctx, tx, planID, memberID, year)
		if err != nil {
			return err
		}
		after = before
		if err := update(&after); err != nil {
			return err
		}
		if err := putEnrollment(ctx, tx, after, now); err != nil {
			return err
		}
		envs, err := enrollmentEvents(before, after)
		if err != nil {
			return err
		}
		wrote, err = enqueue(ctx, tx, envs)
		return err
	})
	if err != nil {
		return domain.Enrollment{}, fmt.Errorf("update enrollment: %w", err)
	}
	if wrote {
		s.notify()
	}
	return after, nil
}

// enrollmentEvents are the events of an enrollment's change of status.
func enrollmentEvents(before, after domain.Enrollment) ([]*eventsv1.Envelope, error) {
	if before.Status == after.Status {
		return nil, nil
	}
	switch after.Status {
	case domain.Enrolled:
		env, err := events.MemberEnrolled(after)
		return []*eventsv1.Envelope{env}, err
	case domain.OptedOut:
		env, err := events.MemberOptedOut(after)
		return []*eventsv1.Envelope{env}, err
	}
	return nil, nil
}

func enqueue(ctx context.Context, tx *store.Tx, envs []*eventsv1.Envelope) (bool, error) {
	for _, env := range envs {
		if err := bus.Enqueue(ctx, tx, env); err != nil {
			return false, err
		}
	}
	return len(envs) > 0, nil
}

// GetDetermination reads one determination.
func (s *Store) GetDetermination(ctx context.Context, planID, memberID, id string) (domain.RecordedDetermination, error) {
	sd, err := scanDetermination(s.db.QueryRow(ctx, `SELECT `+determinationColumns+` FROM determinations
		WHERE plan_id = ? AND member_id = ? AND id = ?`, planID, memberID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sd, errs.NotFound("%s not found", events.DeterminationName(planID, memberID, id))
	}
	return sd, err
}

// ListDeterminations returns up to limit of a member's determinations,
// newest first, older than the id before ("" for the newest).
func (s *Store) ListDeterminations(ctx context.Context, planID, memberID, before string, limit int) ([]domain.RecordedDetermination, error) {
	q := `SELECT ` + determinationColumns + ` FROM determinations WHERE plan_id = ? AND member_id = ?`
	args := []any{planID, memberID}
	if before != "" {
		q += ` AND id < ?`
		args = append(args, before)
	}
	return collect(ctx, s.db, "list determinations", scanDetermination, q+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
}

// determinationBody is the part of a determination kept as JSON: read
// whole, never queried.
type determinationBody struct {
	Criteria []domain.Criterion
	Diseases []domain.ConditionFound
	Drugs    int
	Cost     int64
}

const determinationColumns = `id, plan_id, member_id, contract_year, as_of, rule_set, eligible, reason, body, created_at`

func scanDetermination(row scanner) (domain.RecordedDetermination, error) {
	var (
		sd          domain.RecordedDetermination
		asOf, body  string
		createdAtUs int64
	)
	d := &sd.Determination
	if err := row.Scan(&sd.ID, &d.PlanID, &d.MemberID, &d.ContractYear, &asOf, &d.RuleSet, &d.Eligible,
		&d.Reason, &body, &createdAtUs); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return sd, err
		}
		return sd, fmt.Errorf("read determination: %w", err)
	}
	if err := d.AsOf.UnmarshalText([]byte(asOf)); err != nil {
		return sd, fmt.Errorf("read determination as_of: %w", err)
	}
	var b determinationBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return sd, fmt.Errorf("read determination body: %w", err)
	}
	d.Criteria, d.Diseases, d.MaintenanceDrugCount, d.ProjectedAnnualCostCents = b.Criteria, b.Diseases, b.Drugs, b.Cost
	sd.CreatedAt = time.UnixMicro(createdAtUs).UTC()
	return sd, nil
}
