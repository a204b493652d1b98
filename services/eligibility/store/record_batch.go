package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/events"
	"github.com/openmtm/openmtm/services/platform/store"
)

// determinationBatch is how many determinations one INSERT carries (10
// parameters each), and how many members one enrollment read or changed
// mark delete names.
const determinationBatch = 500

// recordDeterminations is RecordDetermination for many determinations in
// tx: each is kept as history; apply(i, e, id) updates the enrollment
// record of ds[i]'s member and year with it, recorded under id; the events
// follow (determination.changed when eligibility differs from the member's
// previous determination of the year, then the enrollment's own); the
// members' changed marks are cleared. A handful of statements serve a
// whole batch of an evaluation run. It reports whether it enqueued events.
func recordDeterminations(ctx context.Context, tx *store.Tx, ds []domain.Determination, now time.Time,
	apply func(i int, e *domain.Enrollment, id string)) ([]domain.RecordedDetermination, bool, error) {
	sds := make([]domain.RecordedDetermination, len(ds))
	created := now.UTC().Truncate(time.Microsecond)
	for i, d := range ds {
		id, err := uuid.NewV7()
		if err != nil {
			return nil, false, fmt.Errorf("determination id: %w", err)
		}
		sds[i] = domain.RecordedDetermination{ID: id.String(), CreatedAt: created, Determination: d}
	}
	// Encoding the bodies (kilobytes of evidence each) overlaps the
	// enrollment statements; the determinations are inserted last.
	bodies := make(chan []string, 1)
	go func() { bodies <- encodeBodies(sds) }()
	current, err := getEnrollments(ctx, tx, ds)
	if err != nil {
		return nil, false, err
	}
	var (
		envs    []*eventsv1.Envelope
		changed []domain.Enrollment // in order of first change, one per record
		seen    = make(map[enrollmentKey]int, len(ds))
	)
	for i, d := range ds {
		k := enrollmentKey{d.PlanID, d.MemberID, d.ContractYear}
		before, found := current[k]
		if !found {
			before = domain.NewEnrollment(d.PlanID, d.MemberID, d.ContractYear)
		}
		after := before
		apply(i, &after, sds[i].ID)
		current[k] = after
		if j, ok := seen[k]; ok {
			changed[j] = after
		} else {
			seen[k] = len(changed)
			changed = append(changed, after)
		}
		if !found || before.LastDeterminationID == "" || before.Eligible != d.Eligible {
			env, err := events.DeterminationChanged(d, sds[i].ID)
			if err != nil {
				return nil, false, err
			}
			envs = append(envs, env)
		}
		more, err := enrollmentEvents(before, after)
		if err != nil {
			return nil, false, err
		}
		envs = append(envs, more...)
	}
	if err := putEnrollments(ctx, tx, changed, now); err != nil {
		return nil, false, err
	}
	wrote, err := enqueue(ctx, tx, envs)
	if err != nil {
		return nil, false, err
	}
	if err := clearChanged(ctx, tx, ds); err != nil {
		return nil, false, err
	}
	if err := insertDeterminations(ctx, tx, sds, <-bodies); err != nil {
		return nil, false, err
	}
	return sds, wrote, nil
}

// encodeBodies returns the JSON body of each determination.
func encodeBodies(sds []domain.RecordedDetermination) []string {
	out := make([]string, len(sds))
	var buf []byte
	for i, sd := range sds {
		d := sd.Determination
		buf = appendBody(buf[:0], determinationBody{d.Criteria, d.Diseases, d.MaintenanceDrugCount, d.ProjectedAnnualCostCents})
		out[i] = string(buf)
	}
	return out
}

func insertDeterminations(ctx context.Context, tx *store.Tx, sds []domain.RecordedDetermination, bodies []string) error {
	const row = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	for len(sds) > 0 {
		n := min(len(sds), determinationBatch)
		chunk, chunkBodies := sds[:n], bodies[:n]
		sds, bodies = sds[n:], bodies[n:]
		args := make([]any, 0, 10*n)
		for i, sd := range chunk {
			d := sd.Determination
			args = append(args, sd.ID, d.PlanID, d.MemberID, d.ContractYear, d.AsOf.String(), d.RuleSet,
				d.Eligible, d.Reason, chunkBodies[i], sd.CreatedAt.UnixMicro())
		}
		if _, err := tx.Exec(ctx, `INSERT INTO determinations (id, plan_id, member_id, contract_year, as_of,
			rule_set, eligible, reason, body, created_at) VALUES `+row+strings.Repeat(", "+row, len(chunk)-1),
			args...); err != nil {
			return fmt.Errorf("write determinations: %w", err)
		}
	}
	return nil
}

type enrollmentKey struct {
	plan, member string
	year         int
}

// getEnrollments reads the stored enrollment records of the members and
// years of ds.
func getEnrollments(ctx context.Context, tx *store.Tx, ds []domain.Determination) (map[enrollmentKey]domain.Enrollment, error) {
	out := make(map[enrollmentKey]domain.Enrollment, len(ds))
	for _, g := range groupMembers(ds, func(d domain.Determination) enrollmentKey {
		return enrollmentKey{plan: d.PlanID, year: d.ContractYear}
	}) {
		args := append([]any{g.key.plan, g.key.year}, g.members...)
		rows, err := tx.Query(ctx, `SELECT `+enrollmentColumns+` FROM enrollments
			WHERE plan_id = ? AND program_year = ? AND member_id IN (?`+strings.Repeat(", ?", len(g.members)-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read enrollments: %w", err)
		}
		for rows.Next() {
			e, err := scanEnrollment(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[enrollmentKey{e.PlanID, e.MemberID, e.ProgramYear}] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read enrollments: %w", err)
		}
	}
	return out, nil
}

// clearChanged deletes the changed marks of ds's members.
func clearChanged(ctx context.Context, tx *store.Tx, ds []domain.Determination) error {
	for _, g := range groupMembers(ds, func(d domain.Determination) enrollmentKey { return enrollmentKey{plan: d.PlanID} }) {
		args := append([]any{g.key.plan}, g.members...)
		if _, err := tx.Exec(ctx, `DELETE FROM changed_members WHERE plan_id = ? AND member_id IN (?`+
			strings.Repeat(", ?", len(g.members)-1)+`)`, args...); err != nil {
			return fmt.Errorf("clear changed marks: %w", err)
		}
	}
	return nil
}

type memberGroup struct {
	key     enrollmentKey
	members []any
}

// groupMembers splits ds's distinct member ids by key(d), in groups of at
// most determinationBatch.
func groupMembers(ds []domain.Determination, key func(domain.Determination) enrollmentKey) []memberGroup {
	var (
		groups []memberGroup
		open   = map[enrollmentKey]int{}
		seen   = map[enrollmentKey]bool{}
	)
	for _, d := range ds {
		k := key(d)
		if m := (enrollmentKey{k.plan, d.MemberID, k.year}); seen[m] {
			continue
		} else {
			seen[m] = true
		}
		i, ok := open[k]
		if !ok || len(groups[i].members) == determinationBatch {
			i = len(groups)
			open[k] = i
			groups = append(groups, memberGroup{key: k})
		}
		groups[i].members = append(groups[i].members, d.MemberID)
	}
	return groups
}
