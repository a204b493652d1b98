package app_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
)

// programRepo is an in-memory Programs port, plus the member data and
// determination recording an evaluation needs. The real stores are covered
// by the store contract test.
type programRepo struct {
	app.Repository // the rest of the port is not used here

	mu       sync.Mutex
	programs []domain.PlanProgram
	ruleSets []domain.RuleSet // in creation order
	creates  []time.Time      // the now of every CreateProgram/CreateRuleSet
}

func (r *programRepo) CreateProgram(_ context.Context, p domain.PlanProgram, now time.Time) (domain.PlanProgram, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.creates = append(r.creates, now)
	for _, q := range r.programs {
		if q.PlanID == p.PlanID && q.ID == p.ID {
			return domain.PlanProgram{}, errs.AlreadyExists("exists")
		}
	}
	p.CreatedAt = now
	r.programs = append(r.programs, p)
	return p, nil
}

func (r *programRepo) GetProgram(_ context.Context, planID, programID string) (domain.PlanProgram, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.programs {
		if p.PlanID == planID && p.ID == programID {
			return p, nil
		}
	}
	return domain.PlanProgram{}, errs.NotFound("program not found")
}

func (r *programRepo) ListPrograms(_ context.Context, planID, after string, limit int) ([]domain.PlanProgram, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.PlanProgram
	for _, p := range r.programs {
		if p.PlanID == planID && p.ID > after {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b domain.PlanProgram) int { return strings.Compare(a.ID, b.ID) })
	return out[:min(limit, len(out))], nil
}

func (r *programRepo) PartDProgram(_ context.Context, planID string) (domain.PlanProgram, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.programs {
		if p.PlanID == planID && p.Kind == domain.PartD {
			return p, true, nil
		}
	}
	return domain.PlanProgram{}, false, nil
}

func (r *programRepo) CreateRuleSet(_ context.Context, rs domain.RuleSet, now time.Time) (domain.RuleSet, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.creates = append(r.creates, now)
	rs.Version = 1
	for _, o := range r.ruleSets {
		if o.PlanID == rs.PlanID && o.ProgramID == rs.ProgramID {
			rs.Version++
		}
	}
	rs.CreatedAt = now
	rs.Rules.Name = rs.Name()
	r.ruleSets = append(r.ruleSets, rs)
	return rs, nil
}

func (r *programRepo) GetRuleSet(_ context.Context, planID, programID string, version int) (domain.RuleSet, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rs := range r.ruleSets {
		if rs.PlanID == planID && rs.ProgramID == programID && rs.Version == version {
			return rs, nil
		}
	}
	return domain.RuleSet{}, errs.NotFound("rule set not found")
}

func (r *programRepo) ListRuleSets(ctx context.Context, planID, programID string, year, before, limit int) ([]domain.RuleSet, error) {
	if _, err := r.GetProgram(ctx, planID, programID); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []domain.RuleSet
	for _, rs := range slices.Backward(r.ruleSets) {
		if rs.PlanID == planID && rs.ProgramID == programID && (year == 0 || rs.Rules.ContractYear == year) &&
			(before == 0 || rs.Version < before) && len(out) < limit {
			out = append(out, rs)
		}
	}
	return out, nil
}

// MemberData answers with one member covered from 2024 and no claims: the
// tests here look at which rules an evaluation used, not at its outcome.
func (r *programRepo) MemberData(_ context.Context, planID, memberID string, _, _ civil.Date) (domain.Member, []domain.Claim, []domain.Diagnosis, error) {
	in := input(memberID)
	in.CoverageStart = "2024-01-01"
	m, err := domain.NewMember(planID, in, civil.Of(clock))
	return m, nil, nil, err
}

func (r *programRepo) RecordDetermination(_ context.Context, d domain.Determination, _ time.Time,
	_ func(*domain.Enrollment, string)) (domain.RecordedDetermination, error) {
	return domain.RecordedDetermination{ID: "D1", Determination: d}, nil
}

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
		t.Fatalf("error %v is not an errs.Invalid", err)
	}
	var out []string
	for _, v := range e.Violations {
		out = append(out, v.Field)
	}
	return out
}

func TestCreateProgram(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := &programRepo{}
	a := newApp(t, repo)
	if _, err := a.CreateProgram(ctx, "acme", "Part_D", "", ""); err == nil {
		t.Fatal("CreateProgram with a bad id and no kind succeeded")
	} else if diff := gocmp.Diff([]string{"program_id", "kind"}, fieldsOf(t, err)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
	if len(repo.creates) != 0 {
		t.Fatalf("a refused program reached the repository")
	}
	got, err := a.CreateProgram(ctx, "acme", "partd", "Part D", domain.PartD)
	if err != nil {
		t.Fatal(err)
	}
	want := domain.PlanProgram{PlanID: "acme", ID: "partd", DisplayName: "Part D", Kind: domain.PartD, CreatedAt: clock}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("program (-want +got):\n%s", diff)
	}
}

func TestCreateRuleSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name, program, src string
		year               int
		wantKind           errs.Kind // KindInternal: stored
		wantFields         []string
	}{
		{"part d within bounds", "partd", "contract_year: 2025\nmin_chronic_diseases: 2\n", 0, errs.KindInternal, nil},
		{"the year beside the file agrees", "partd", "contract_year: 2025\n", 2025, errs.KindInternal, nil},
		{"the year beside the file differs", "partd", "contract_year: 2025\n", 2024, errs.KindInvalid, []string{"contract_year"}},
		{"part d bounds", "partd", "contract_year: 2025\nmin_chronic_diseases: 4\nmin_maintenance_drugs: 9\n", 0,
			errs.KindInvalid, []string{"min_chronic_diseases", "min_maintenance_drugs"}},
		{"parsed for the program's kind", "medicaid", "contract_year: 2025\nmin_chronic_diseases: 2\n", 0,
			errs.KindInvalid, []string{"min_chronic_diseases", "cel"}},
		{"a cel program", "medicaid", "contract_year: 2025\ncel: facts.age >= 18\n", 0, errs.KindInternal, nil},
		{"missing program", "nope", "contract_year: 2025\n", 0, errs.KindNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := &programRepo{programs: []domain.PlanProgram{
				{PlanID: "acme", ID: "partd", Kind: domain.PartD},
				{PlanID: "acme", ID: "medicaid", Kind: domain.Medicaid},
			}}
			a := newApp(t, repo)
			got, err := a.CreateRuleSet(ctx, "acme", tt.program, []byte(tt.src), tt.year)
			if k := errs.KindOf(err); err != nil && k != tt.wantKind || err == nil && tt.wantKind != errs.KindInternal {
				t.Fatalf("CreateRuleSet error = %v, want kind %v", err, tt.wantKind)
			}
			if tt.wantFields != nil {
				if diff := gocmp.Diff(tt.wantFields, fieldsOf(t, err)); diff != "" {
					t.Errorf("violations (-want +got):\n%s", diff)
				}
			}
			if err != nil {
				if len(repo.ruleSets) != 0 {
					t.Errorf("a refused rule set was stored")
				}
				return
			}
			if got.Version != 1 || got.Source != tt.src || got.Rules.Name != "plans/acme/programs/"+tt.program+"/ruleSets/1" ||
				!got.CreatedAt.Equal(clock) {
				t.Errorf("stored %+v", got)
			}
		})
	}
}

func TestListRuleSetsPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := &programRepo{programs: []domain.PlanProgram{{PlanID: "acme", ID: "partd", Kind: domain.PartD}}}
	a := newApp(t, repo)
	for _, y := range []string{"2024", "2025", "2024", "2025", "2025"} {
		if _, err := a.CreateRuleSet(ctx, "acme", "partd", []byte("contract_year: "+y), 0); err != nil {
			t.Fatal(err)
		}
	}
	pages := func(year, size int) [][]int {
		var out [][]int
		after := ""
		for range 6 {
			rss, next, err := a.ListRuleSets(ctx, "acme", "partd", year, paging.Page{Size: size, After: after})
			if err != nil {
				t.Fatal(err)
			}
			var vs []int
			for _, rs := range rss {
				vs = append(vs, rs.Version)
			}
			out = append(out, vs)
			if after = next; next == "" {
				break
			}
		}
		return out
	}
	if diff := gocmp.Diff([][]int{{5, 4}, {3, 2}, {1}}, pages(0, 2)); diff != "" {
		t.Errorf("every year in pages of 2 (-want +got):\n%s", diff)
	}
	if diff := gocmp.Diff([][]int{{5, 4}, {2}}, pages(2025, 2)); diff != "" {
		t.Errorf("2025 in pages of 2 (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"x", "0", "-3"} {
		_, _, err := a.ListRuleSets(ctx, "acme", "partd", 0, paging.Page{Size: 2, After: bad})
		if diff := gocmp.Diff([]string{"page_token"}, fieldsOf(t, err)); diff != "" {
			t.Errorf("after %q: violations (-want +got):\n%s", bad, diff)
		}
	}
}
