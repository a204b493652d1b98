// Package app holds the targeting use cases.
package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/targeting/assess"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/screening"
)

// Repository is what the use cases need from storage. Event handlers get
// one bound to the inbox transaction (Bind), so the effect and the inbox
// entry commit together.
type Repository interface {
	// RecordMember stores m and reports whether it was new.
	RecordMember(ctx context.Context, m domain.SeenMember) (created bool, err error)
	PlanSummary(ctx context.Context, planID string) (domain.PlanSummary, error)
	// Atomically runs fn with the repository bound to one transaction (the
	// current one when it already is).
	Atomically(ctx context.Context, fn func(Repository) error) error
	Interventions
	Assessments
	SettingsStore
}

// Records reads members' clinical records from the system of record
// (eligibility).
type Records interface {
	// Read calls fn with the record of each of the plan's members named in
	// ids that exists (every member of the plan, when ids is empty), with
	// the claims, diagnoses and stays from since on.
	Read(ctx context.Context, planID string, ids []string, since civil.Date, fn func(assess.Record) error) error
}

// App runs the targeting use cases.
type App struct {
	repo     Repository
	records  Records
	assessor *assess.Assessor
	now      func() time.Time
	rules    *rulesCache
}

// Option configures an App.
type Option func(*App)

// WithClock sets the clock (tests).
func WithClock(now func() time.Time) Option { return func(a *App) { a.now = now } }

// New returns the use cases over repo, reading records with records and
// assessing with assessor and the screening rules rules (the shipped ones,
// which each plan's settings tune).
func New(repo Repository, records Records, assessor *assess.Assessor, rules *screening.RuleSet, opts ...Option) (*App, error) {
	if repo == nil || records == nil || assessor == nil || rules == nil {
		return nil, errors.New("targeting app: missing repository, records, assessor or rules")
	}
	a := &App{repo: repo, records: records, assessor: assessor, now: time.Now, rules: &rulesCache{base: rules}}
	for _, o := range opts {
		o(a)
	}
	return a, nil
}

// Bind returns the use cases over repo (an event handler's, bound to the
// inbox transaction), sharing everything else.
func (a *App) Bind(repo Repository) *App {
	b := *a
	b.repo = repo
	return &b
}

// atomically runs fn with the use cases bound to one transaction (the
// current one, for an event handler's app).
func (a *App) atomically(ctx context.Context, fn func(*App) error) error {
	return a.repo.Atomically(ctx, func(r Repository) error { return fn(a.Bind(r)) })
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

// rulesCache keeps each plan's tuned rule set by settings version, so that
// a plan's configuration is parsed once per change, not once per event.
type rulesCache struct {
	base   *screening.RuleSet
	mu     sync.Mutex
	byPlan map[string]tunedRules
}

type tunedRules struct {
	version int64
	rs      *screening.RuleSet
}

// For returns the rules of st.
func (c *rulesCache) For(st domain.Settings) (*screening.RuleSet, error) {
	if st.ScreeningConfig == "" {
		return c.base, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.byPlan[st.PlanID]; ok && t.version == st.Version {
		return t.rs, nil
	}
	rs, err := tune(c.base, st.ScreeningConfig)
	if err != nil {
		return nil, err
	}
	if c.byPlan == nil {
		c.byPlan = map[string]tunedRules{}
	}
	c.byPlan[st.PlanID] = tunedRules{st.Version, rs}
	return rs, nil
}

// tune applies a plan's screening configuration to the shipped rules,
// naming problems under settings.screening_config.
func tune(base *screening.RuleSet, config string) (*screening.RuleSet, error) {
	cfg, err := screening.ParseConfig([]byte(config))
	if err == nil {
		var rs *screening.RuleSet
		if rs, err = base.WithConfig(cfg); err == nil {
			return rs, nil
		}
	}
	return nil, errs.PrefixFields(err, "settings.screening_config.")
}
