package app_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/reference"
)

// fakeRepo is an in-memory Repository: enough to test the use cases'
// own logic. The real stores are covered by the store contract test.
type fakeRepo struct {
	app.Repository // the rest of the port is not used here (nil: a call would panic)

	mu      sync.Mutex
	members []domain.Member // kept in (plan, member id) order
	upserts []time.Time     // the now of every UpsertMember call
}

func (r *fakeRepo) UpsertMember(_ context.Context, m domain.Member, now time.Time) (domain.Member, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.upserts = append(r.upserts, now)
	m.CreatedAt, m.UpdatedAt = now, now
	i, found := slices.BinarySearchFunc(r.members, m, compareMembers)
	if found {
		m.CreatedAt = r.members[i].CreatedAt
		r.members[i] = m
		return m, false, nil
	}
	r.members = slices.Insert(r.members, i, m)
	return m, true, nil
}

func (r *fakeRepo) GetMember(_ context.Context, planID, memberID string) (domain.Member, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.members {
		if m.PlanID == planID && m.MemberID == memberID {
			return m, nil
		}
	}
	return domain.Member{}, errs.NotFound("member not found")
}

func (r *fakeRepo) ListMembers(_ context.Context, planID, after string, limit int) ([]domain.Member, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.Member
	for _, m := range r.members {
		if len(out) == limit {
			break
		}
		if m.PlanID == planID && m.MemberID > after {
			out = append(out, m)
		}
	}
	return out, nil
}

func compareMembers(a, b domain.Member) int {
	return cmp.Or(cmp.Compare(a.PlanID, b.PlanID), cmp.Compare(a.MemberID, b.MemberID))
}

var clock = time.Date(2025, 6, 15, 14, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return clock }

func newApp(t *testing.T, repo app.Repository) *app.App {
	t.Helper()
	a, err := app.New(repo, app.WithClock(fixedClock), app.WithReference(testRef))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func input(id string) domain.MemberInput {
	return domain.MemberInput{
		MemberID: id, FirstName: "Ada", LastName: "Lovelace",
		BirthDate: "1950-12-10", CoverageStart: "2025-01-01",
	}
}

// seed stores n members M001..Mn of plan acme, and two of plan other.
func seed(t *testing.T, n int) *fakeRepo {
	t.Helper()
	repo := &fakeRepo{}
	a := newApp(t, repo)
	for i := n; i >= 1; i-- {
		if _, err := a.UpsertMember(context.Background(), "acme", input(fmt.Sprintf("M%03d", i))); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"M000", "M002"} {
		if _, err := a.UpsertMember(context.Background(), "other", input(id)); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

func TestListMembers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		members int
		size    int
		// wantPages lists the member ids of each page, in order; every page
		// but the last has a next key (its last id), the last has none.
		wantPages [][]string
	}{
		{"no members", 0, 2, [][]string{nil}},
		{"fewer than a page", 1, 2, [][]string{{"M001"}}},
		{"exactly one page", 2, 2, [][]string{{"M001", "M002"}}},
		{"a short last page", 5, 2, [][]string{{"M001", "M002"}, {"M003", "M004"}, {"M005"}}},
		{"a full last page", 4, 2, [][]string{{"M001", "M002"}, {"M003", "M004"}}},
		{"pages of one", 3, 1, [][]string{{"M001"}, {"M002"}, {"M003"}}},
		{"zero size is the default size", 3, 0, [][]string{{"M001", "M002", "M003"}}},
		{"negative size is the default size", 3, -2, [][]string{{"M001", "M002", "M003"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, seed(t, tt.members))
			var got [][]string
			after := ""
			for range len(tt.wantPages) + 1 { // one spare, to catch a missing end
				ms, next, err := a.ListMembers(context.Background(), "acme", paging.Page{Size: tt.size, After: after})
				if err != nil {
					t.Fatalf("ListMembers after %q: %v", after, err)
				}
				var ids []string
				for _, m := range ms {
					ids = append(ids, m.MemberID)
				}
				got = append(got, ids)
				if next == "" {
					break
				}
				if want := ids[len(ids)-1]; next != want {
					t.Errorf("next key after page %v = %q, want its last id %q", ids, next, want)
				}
				after = next
			}
			if diff := gocmp.Diff(tt.wantPages, got); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpsertMember(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         domain.MemberInput
		wantFields []string // nil: stored
	}{
		{"valid", input("M001"), nil},
		{"missing member id", input(""), []string{"member_id"}},
		{
			"several bad fields",
			func() domain.MemberInput {
				in := input("M001")
				in.BirthDate, in.Phone, in.CoverageStart = "2025-06-16", "555-0100", ""
				return in
			}(),
			[]string{"birth_date", "phone", "coverage_start"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := &fakeRepo{}
			a := newApp(t, repo)
			got, err := a.UpsertMember(context.Background(), "acme", tt.in)
			if tt.wantFields != nil {
				if k := errs.KindOf(err); k != errs.KindInvalid {
					t.Fatalf("error kind = %v (%v), want %v", k, err, errs.KindInvalid)
				}
				var e *errs.Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T is not an *errs.Error", err)
				}
				var fields []string
				for _, v := range e.Violations {
					fields = append(fields, v.Field)
				}
				if diff := gocmp.Diff(tt.wantFields, fields); diff != "" {
					t.Errorf("violations (-want +got):\n%s", diff)
				}
				if len(repo.upserts) != 0 {
					t.Errorf("repository called %d times for bad input, want 0", len(repo.upserts))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// The repository is called once, with the app's clock in UTC.
			if diff := gocmp.Diff([]time.Time{clock}, repo.upserts); diff != "" {
				t.Errorf("repository upserts (-want +got):\n%s", diff)
			}
			stored, err := a.GetMember(context.Background(), "acme", tt.in.MemberID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(stored, got); diff != "" {
				t.Errorf("returned member differs from the stored one (-stored +returned):\n%s", diff)
			}
		})
	}
}

func TestNewRefusesNilRepository(t *testing.T) {
	t.Parallel()
	if _, err := app.New(nil, app.WithClock(fixedClock), app.WithReference(testRef)); err == nil {
		t.Error("New(nil) succeeded, want an error")
	}
}

var testRef = func() *reference.Reference {
	r, err := reference.Default()
	if err != nil {
		panic(err)
	}
	return r
}()
