// Package targetingtest builds the targeting use cases over a real,
// migrated store for tests, with member records served from memory in
// place of the eligibility service.
package targetingtest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	edomain "github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/service"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/reference"
	"github.com/openmtm/openmtm/services/targeting/app"
	"github.com/openmtm/openmtm/services/targeting/assess"
	"github.com/openmtm/openmtm/services/targeting/screening"
	"github.com/openmtm/openmtm/services/targeting/store"
)

// Records serves members' records as eligibility's StreamMemberRecords
// does: members in id order, unknown ones skipped, records before since
// left out.
type Records struct {
	mu   sync.Mutex
	recs map[string]map[string]assess.Record // plan → member → record
}

// Put stores (replaces) a member's record.
func (r *Records) Put(rec assess.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.recs == nil {
		r.recs = map[string]map[string]assess.Record{}
	}
	if r.recs[rec.Member.PlanID] == nil {
		r.recs[rec.Member.PlanID] = map[string]assess.Record{}
	}
	r.recs[rec.Member.PlanID][rec.Member.MemberID] = rec
}

// Read implements app.Records.
func (r *Records) Read(ctx context.Context, planID string, ids []string, since civil.Date, fn func(assess.Record) error) error {
	r.mu.Lock()
	plan := r.recs[planID]
	if len(ids) == 0 {
		for id := range plan {
			ids = append(ids, id)
		}
	}
	ids = slices.Sorted(slices.Values(ids))
	var out []assess.Record
	for _, id := range slices.Compact(ids) {
		rec, ok := plan[id]
		if !ok {
			continue
		}
		rec.Claims = slices.DeleteFunc(slices.Clone(rec.Claims), func(c edomain.Claim) bool { return c.FillDate < since })
		out = append(out, rec)
	}
	r.mu.Unlock()
	for _, rec := range out {
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// Clock is a settable clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at noon UTC of day.
func NewClock(day civil.Date) *Clock {
	y, m, d := day.YMD()
	return &Clock{now: time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC)}
}

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to noon of day.
func (c *Clock) Set(day civil.Date) {
	n := NewClock(day)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = n.now
}

// Env is a targeting app over a migrated store of one target.
type Env struct {
	App     *app.App
	Store   *store.Store
	DB      *pstore.DB
	Records *Records
	Clock   *Clock
}

// New migrates a targeting store on tgt and returns the app over it, its
// clock set to today.
func New(t testing.TB, tgt storetest.Target, today civil.Date) *Env {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, tgt, "targeting")
	if err := service.Migrate(ctx, db, "targeting", store.Migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	ref, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	assessor, err := assess.New(ref)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := screening.Load()
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{Store: store.New(db), DB: db, Records: &Records{}, Clock: NewClock(today)}
	e.App, err = app.New(e.Store, e.Records, assessor, rules, app.WithClock(e.Clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	return e
}
