package app

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// Limits of StreamMemberRecords.
const (
	// MaxRecordMembers is how many members one request may name.
	MaxRecordMembers = 1000
	// RecordsBatch is how many members one read of a whole plan covers:
	// one query per table per batch, and memory bounded by the batch,
	// never by the plan.
	RecordsBatch = 500
)

// RecordReader reads members' whole clinical records.
type RecordReader interface {
	// MemberRecords reads members of plan planID with their claims (paid
	// and reversed, oldest fill first), diagnoses (oldest first) and
	// inpatient stays (oldest admission first), keeping claims filled,
	// diagnoses made and stays ending on or after since (everything when
	// since is nil). The members are those of sel.IDs that exist, or, when
	// sel.IDs is empty, up to sel.Limit members after sel.After; in member
	// id order either way.
	MemberRecords(ctx context.Context, planID string, sel RecordSelection, since *civil.Date) ([]MemberRecords, error)
}

// RecordSelection says which members a MemberRecords read covers.
type RecordSelection struct {
	IDs   []string
	After string
	Limit int
}

// RecordsQuery is a StreamMemberRecords request, before validation.
type RecordsQuery struct {
	// MemberIDs names the members (unknown ones are skipped); empty means
	// every member of the plan.
	MemberIDs []string
	// Since is a YYYY-MM-DD date, or "" for all records.
	Since string
}

// StreamMemberRecords sends the records of the members q names, or of
// every member of the plan, in member id order, one member at a time. A
// whole plan is read in batches of RecordsBatch members, so memory does
// not grow with the plan. The read is not one snapshot: an import that
// commits meanwhile may show in part, and its records.changed event
// tells the consumer to read those members again.
func (a *App) StreamMemberRecords(ctx context.Context, planID string, q RecordsQuery, send func(MemberRecords) error) error {
	var v errs.Violations
	if len(q.MemberIDs) > MaxRecordMembers {
		v.Addf("member_ids", "must name at most %d members, not %d", MaxRecordMembers, len(q.MemberIDs))
	} else {
		for i, id := range q.MemberIDs {
			if p := domain.MemberIDProblem(id); p != "" {
				v.Add(fmt.Sprintf("member_ids[%d]", i), p)
			}
		}
	}
	var since *civil.Date
	if s := strings.TrimSpace(q.Since); s != "" {
		d, err := civil.Parse(s)
		if err != nil {
			v.Add("since", err.Error())
		}
		since = &d
	}
	if err := v.Err(); err != nil {
		return err
	}
	sel := RecordSelection{Limit: RecordsBatch}
	if len(q.MemberIDs) > 0 {
		sel = RecordSelection{IDs: slices.Compact(slices.Sorted(slices.Values(q.MemberIDs)))}
	}
	for {
		recs, err := a.repo.MemberRecords(ctx, planID, sel, since)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := send(r); err != nil {
				return err
			}
		}
		if sel.IDs != nil || len(recs) < sel.Limit {
			return nil
		}
		sel.After = recs[len(recs)-1].Member.MemberID
	}
}
