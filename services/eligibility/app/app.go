// Package app holds the eligibility use cases: each validates its input
// with the domain, then reads or writes through the repository port.
package app

import (
	"context"
	"errors"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
)

// Repository is what the use cases need from storage. The store adapter
// implements it and owns transactions and the outbox.
type Repository interface {
	UpsertMember(ctx context.Context, m domain.Member, now time.Time) (stored domain.Member, created bool, err error)
	GetMember(ctx context.Context, planID, memberID string) (domain.Member, error)
	ListMembers(ctx context.Context, planID, after string, limit int) ([]domain.Member, error)
	Importer
	Evaluator
	Enrollments
	Records
	Histories
	Programs
	Runs
}

// App runs the eligibility use cases.
type App struct {
	repo Repository
	now  func() time.Time
	ndc  domain.NDCResolver
	ref  *reference.Reference
	runs runSignal
}

// Option configures an App.
type Option func(*App)

// WithClock sets the clock (time.Now by default).
func WithClock(now func() time.Time) Option { return func(a *App) { a.now = now } }

// WithReference sets the clinical reference data: the drug reference and
// ICD-10 map evaluation reads, the NDC table imports resolve through, and
// the CMS rules per contract year. Required.
func WithReference(ref *reference.Reference) Option {
	return func(a *App) {
		a.ref = ref
		if ref != nil && ref.NDC != nil {
			a.ndc = ref.NDC
		}
	}
}

// New returns the use cases over repo.
func New(repo Repository, opts ...Option) (*App, error) {
	if repo == nil {
		return nil, errors.New("eligibility app: nil repository")
	}
	a := &App{repo: repo, now: time.Now}
	for _, o := range opts {
		o(a)
	}
	if a.ref == nil {
		return nil, errors.New("eligibility app: no reference data (WithReference)")
	}
	return a, nil
}

// Today is the current date by the app's clock.
func (a *App) Today() civil.Date { return civil.Of(a.now().UTC()) }
