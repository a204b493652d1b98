package app

import (
	"context"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/paging"
)

// UpsertMember validates in and creates or replaces the member. Nothing is
// stored when any field is bad.
func (a *App) UpsertMember(ctx context.Context, planID string, in domain.MemberInput) (domain.Member, error) {
	m, err := domain.NewMember(planID, in, a.Today())
	if err != nil {
		return domain.Member{}, err
	}
	stored, _, err := a.repo.UpsertMember(ctx, m, a.now().UTC())
	return stored, err
}

// GetMember reads one member.
func (a *App) GetMember(ctx context.Context, planID, memberID string) (domain.Member, error) {
	return a.repo.GetMember(ctx, planID, memberID)
}

// ListMembers returns one page of a plan's members in member id order and
// the key to continue after ("" on the last page). A size of zero or less
// means paging.DefaultSize, as in paging.Parse.
func (a *App) ListMembers(ctx context.Context, planID string, page paging.Page) ([]domain.Member, string, error) {
	if page.Size <= 0 {
		page.Size = paging.DefaultSize
	}
	ms, err := a.repo.ListMembers(ctx, planID, page.After, page.Size+1)
	if err != nil {
		return nil, "", err
	}
	if len(ms) <= page.Size {
		return ms, "", nil
	}
	ms = ms[:page.Size]
	return ms, ms[len(ms)-1].MemberID, nil
}
