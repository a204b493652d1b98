// Package app holds the targeting use cases.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/targeting/domain"
)

// Repository is what the use cases need from storage. Event handlers get
// one bound to the inbox transaction, so the effect and the inbox entry
// commit together.
type Repository interface {
	// RecordMember stores m and reports whether it was new.
	RecordMember(ctx context.Context, m domain.SeenMember) (created bool, err error)
	PlanSummary(ctx context.Context, planID string) (domain.PlanSummary, error)
	Interventions
}

// App runs the targeting use cases.
type App struct {
	repo    Repository
	now     func() time.Time
	cmrDays int
}

// New returns the use cases over repo.
func New(repo Repository) (*App, error) {
	if repo == nil {
		return nil, errors.New("targeting app: nil repository")
	}
	return &App{repo: repo, now: time.Now, cmrDays: domain.DefaultCMROfferDays}, nil
}

// RecordMember applies a member.upserted event.
func (a *App) RecordMember(ctx context.Context, m domain.SeenMember) error {
	if err := m.Validate(); err != nil {
		return err
	}
	_, err := a.repo.RecordMember(ctx, m)
	return err
}

// PlanSummary reads what targeting knows of a plan.
func (a *App) PlanSummary(ctx context.Context, planID string) (domain.PlanSummary, error) {
	return a.repo.PlanSummary(ctx, planID)
}

// Today is the current date by the app's clock.
func (a *App) Today() civil.Date { return civil.Of(a.now().UTC()) }
