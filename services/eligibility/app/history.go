package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// Histories is the part of the repository a member's history reads.
type Histories interface {
	MemberEnrollments(ctx context.Context, planID, memberID string) ([]domain.Enrollment, error)
}

// HistoryEntry is one thing that happened to a member. Summary is short and
// never holds PHI.
type HistoryEntry struct {
	Time     time.Time
	Kind     string // "member.created", "member.updated", "determination", "enrolled", "opted_out"
	Resource string
	Summary  string
}

// MemberHistory returns everything recorded of a member, oldest first.
// Dates without a time (enrollment, opt-out) sort at the start of their day.
func (a *App) MemberHistory(ctx context.Context, planID, memberID string) ([]HistoryEntry, error) {
	m, err := a.repo.GetMember(ctx, planID, memberID)
	if err != nil {
		return nil, err
	}
	name := "plans/" + planID + "/members/" + memberID
	out := []HistoryEntry{{Time: m.CreatedAt, Kind: "member.created", Resource: name, Summary: "member record created"}}
	if m.UpdatedAt.After(m.CreatedAt) {
		out = append(out, HistoryEntry{Time: m.UpdatedAt, Kind: "member.updated", Resource: name, Summary: "member record last replaced"})
	}
	for before := ""; ; {
		ds, err := a.repo.ListDeterminations(ctx, planID, memberID, before, 500)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			summary := fmt.Sprintf("contract year %d as of %s: not eligible", d.ContractYear, d.AsOf)
			if d.Eligible {
				summary = fmt.Sprintf("contract year %d as of %s: eligible, reason %s", d.ContractYear, d.AsOf, d.Reason)
			}
			out = append(out, HistoryEntry{Time: d.CreatedAt, Kind: "determination",
				Resource: name + "/determinations/" + d.ID, Summary: summary})
		}
		if len(ds) < 500 {
			break
		}
		before = ds[len(ds)-1].ID
	}
	es, err := a.repo.MemberEnrollments(ctx, planID, memberID)
	if err != nil {
		return nil, err
	}
	at := func(d *civil.Date) time.Time { return d.Time() }
	for _, e := range es {
		if e.EnrolledOn != nil {
			out = append(out, HistoryEntry{Time: at(e.EnrolledOn), Kind: "enrolled", Resource: name + "/enrollment",
				Summary: fmt.Sprintf("enrolled in the %d MTM program, reason %s", e.ProgramYear, e.Reason)})
		}
		if e.OptedOutOn != nil {
			out = append(out, HistoryEntry{Time: at(e.OptedOutOn), Kind: "opted_out", Resource: name + "/enrollment",
				Summary: fmt.Sprintf("opted out of the %d MTM program, reason %s", e.ProgramYear, e.OptOutReason)})
		}
	}
	slices.SortStableFunc(out, func(x, y HistoryEntry) int { return cmp.Compare(x.Time.UnixNano(), y.Time.UnixNano()) })
	return out, nil
}
