// Package app holds the eligibility use cases: each validates its input
// with the domain, then reads or writes through the repository port.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// Repository is what the use cases need from storage. The store adapter
// implements it and owns transactions and the outbox.
type Repository interface {
	UpsertMember(ctx context.Context, m domain.Member, now time.Time) (stored domain.Member, created bool, err error)
	GetMember(ctx context.Context, planID, memberID string) (domain.Member, error)
	ListMembers(ctx context.Context, planID, after string, limit int) ([]domain.Member, error)
}

// App runs the eligibility use cases.
type App struct {
	repo Repository
	now  func() time.Time
}

// New returns the use cases over repo; now is the clock (time.Now when nil).
func New(repo Repository, now func() time.Time) (*App, error) {
	if repo == nil {
		return nil, errors.New("eligibility app: nil repository")
	}
	if now == nil {
		now = time.Now
	}
	return &App{repo: repo, now: now}, nil
}

func (a *App) today() civil.Date { return civil.Of(a.now().UTC()) }
