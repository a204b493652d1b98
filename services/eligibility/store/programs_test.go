package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/reference"
)

// sameProgram compares compiled CEL criteria by their source.
var sameProgram = cmp.Comparer(func(a, b *domain.Program) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Source() == b.Source())
})

func program(t *testing.T, planID, id string, kind domain.ProgramKind) domain.PlanProgram {
	t.Helper()
	p, err := domain.NewPlanProgram(planID, id, "Program "+id, kind)
	if err != nil {
		t.Fatalf("fixture program: %v", err)
	}
	return p
}

func ruleSet(t *testing.T, planID, programID string, kind domain.ProgramKind, src string) domain.RuleSet {
	t.Helper()
	ref, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	r, err := domain.ParseRuleSet([]byte(src), kind, ref)
	if err != nil {
		t.Fatalf("fixture rule set: %v", err)
	}
	return domain.RuleSet{PlanID: planID, ProgramID: programID, Source: src, Rules: r}
}

func TestPrograms(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s := open(t, tgt).s
		// Nanoseconds and a zone: the store keeps microseconds, in UTC.
		now := time.Date(2025, 6, 1, 9, 30, 0, 123456789, time.FixedZone("EST", -5*3600))
		stored := now.UTC().Truncate(time.Microsecond)

		creates := []struct {
			name string
			p    domain.PlanProgram
			want errs.Kind // KindInternal: no error
		}{
			{"part d", program(t, "acme", "partd", domain.PartD), errs.KindInternal},
			{"medicaid", program(t, "acme", "medicaid", domain.Medicaid), errs.KindInternal},
			{"employer", program(t, "acme", "acme-employees", domain.Employer), errs.KindInternal},
			{"same id in another plan", program(t, "other", "partd", domain.PartD), errs.KindInternal},
			{"taken id", program(t, "acme", "medicaid", domain.Commercial), errs.KindAlreadyExists},
			{"taken id of the part d program", program(t, "acme", "partd", domain.PartD), errs.KindAlreadyExists},
			{"second part d program", program(t, "acme", "partd-2", domain.PartD), errs.KindFailedPrecondition},
		}
		for _, c := range creates {
			got, err := s.CreateProgram(ctx, c.p, now)
			if c.want != errs.KindInternal {
				if k := errs.KindOf(err); k != c.want {
					t.Errorf("%s: CreateProgram kind = %v (%v), want %v", c.name, k, err, c.want)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: CreateProgram: %v", c.name, err)
			}
			want := c.p
			want.CreatedAt = stored
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: created (-want +got):\n%s", c.name, diff)
			}
			read, err := s.GetProgram(ctx, c.p.PlanID, c.p.ID)
			if err != nil {
				t.Fatalf("%s: GetProgram: %v", c.name, err)
			}
			if diff := cmp.Diff(want, read); diff != "" {
				t.Errorf("%s: stored (-want +got):\n%s", c.name, diff)
			}
		}

		for _, tt := range []struct{ plan, id string }{{"acme", "nope"}, {"third", "partd"}, {"acme", "partd-2"}} {
			if _, err := s.GetProgram(ctx, tt.plan, tt.id); errs.KindOf(err) != errs.KindNotFound {
				t.Errorf("GetProgram(%s, %s) = %v, want NotFound", tt.plan, tt.id, err)
			}
		}

		var ids []string
		after := ""
		for range 4 {
			page, err := s.ListPrograms(ctx, "acme", after, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, p := range page {
				ids = append(ids, p.ID)
			}
			after = page[len(page)-1].ID
		}
		if diff := cmp.Diff([]string{"acme-employees", "medicaid", "partd"}, ids); diff != "" {
			t.Errorf("ListPrograms in pages of 2 (-want +got):\n%s", diff)
		}

		for plan, want := range map[string]string{"acme": "partd", "other": "partd", "third": ""} {
			p, found, err := s.PartDProgram(ctx, plan)
			if err != nil || found != (want != "") || p.ID != want {
				t.Errorf("PartDProgram(%s) = %q, %v, %v; want %q", plan, p.ID, found, err, want)
			}
		}
	})
}

func TestRuleSets(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s := open(t, tgt).s
		now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		for _, p := range []domain.PlanProgram{
			program(t, "acme", "partd", domain.PartD),
			program(t, "acme", "medicaid", domain.Medicaid),
			program(t, "other", "partd", domain.PartD),
		} {
			if _, err := s.CreateProgram(ctx, p, now); err != nil {
				t.Fatal(err)
			}
		}

		// Versions count per program, across contract years.
		inputs := []domain.RuleSet{
			ruleSet(t, "acme", "partd", domain.PartD, "contract_year: 2025\nmin_chronic_diseases: 2\n"),
			ruleSet(t, "acme", "partd", domain.PartD, "contract_year: 2024\ncore_diseases: [diabetes, chf, hypertension]\n"),
			ruleSet(t, "acme", "partd", domain.PartD, "contract_year: 2026\ncost_threshold: '1700.50'\nwindows: {cost_days: 60}\n"),
			ruleSet(t, "acme", "medicaid", domain.Medicaid, "contract_year: 2025\ncel: facts.maintenance_drug_count >= 5\n"),
			ruleSet(t, "acme", "partd", domain.PartD, "contract_year: 2025\nmin_maintenance_drugs: 4\n"),
			ruleSet(t, "other", "partd", domain.PartD, "contract_year: 2025\n"),
		}
		wantVersions := []int{1, 2, 3, 1, 4, 1}
		var created []domain.RuleSet
		for i, in := range inputs {
			got, err := s.CreateRuleSet(ctx, in, now.Add(time.Duration(i)*time.Second))
			if err != nil {
				t.Fatalf("CreateRuleSet %d: %v", i, err)
			}
			want := in
			want.Version = wantVersions[i]
			want.CreatedAt = now.Add(time.Duration(i) * time.Second)
			want.Rules.Name = fmt.Sprintf("plans/%s/programs/%s/ruleSets/%d", in.PlanID, in.ProgramID, want.Version)
			if diff := cmp.Diff(want, got, sameProgram); diff != "" {
				t.Errorf("CreateRuleSet %d (-want +got):\n%s", i, diff)
			}
			read, err := s.GetRuleSet(ctx, in.PlanID, in.ProgramID, want.Version)
			if err != nil {
				t.Fatalf("GetRuleSet %s: %v", want.Name(), err)
			}
			if diff := cmp.Diff(want, read, sameProgram); diff != "" {
				t.Errorf("GetRuleSet %s (-want +got):\n%s", want.Name(), diff)
			}
			created = append(created, got)
		}
		if p := created[3].Rules.Program; p == nil {
			t.Error("a medicaid rule set read back has no CEL program")
		}

		lists := []struct {
			name                string
			program             string
			year, before, limit int
			want                []int
		}{
			{"every version, newest first", "partd", 0, 0, 10, []int{4, 3, 2, 1}},
			{"one year", "partd", 2025, 0, 10, []int{4, 1}},
			{"latest of a year", "partd", 2025, 0, 1, []int{4}},
			{"before a version", "partd", 0, 3, 10, []int{2, 1}},
			{"year and before", "partd", 2025, 4, 10, []int{1}},
			{"a year without any", "partd", 2023, 0, 10, nil},
			{"another program", "medicaid", 0, 0, 10, []int{1}},
		}
		for _, tt := range lists {
			got, err := s.ListRuleSets(ctx, "acme", tt.program, tt.year, tt.before, tt.limit)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var versions []int
			for _, rs := range got {
				versions = append(versions, rs.Version)
			}
			if diff := cmp.Diff(tt.want, versions); diff != "" {
				t.Errorf("%s: versions (-want +got):\n%s", tt.name, diff)
			}
		}

		notFound := []struct {
			name string
			err  error
		}{
			{"missing version", second(s.GetRuleSet(ctx, "acme", "partd", 5))},
			{"another plan's version", second(s.GetRuleSet(ctx, "other", "partd", 2))},
			{"list of a missing program", second(s.ListRuleSets(ctx, "acme", "nope", 0, 0, 10))},
			{"create in a missing program", second(s.CreateRuleSet(ctx, ruleSet(t, "acme", "nope", domain.PartD, "contract_year: 2025\n"), now))},
		}
		for _, tt := range notFound {
			if k := errs.KindOf(tt.err); k != errs.KindNotFound {
				t.Errorf("%s: kind = %v (%v), want NotFound", tt.name, k, tt.err)
			}
		}
	})
}

// TestCreateRuleSetConcurrently checks that concurrent uploads to one
// program get consecutive versions, none twice.
func TestCreateRuleSetConcurrently(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s := open(t, tgt).s
		now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		if _, err := s.CreateProgram(ctx, program(t, "acme", "partd", domain.PartD), now); err != nil {
			t.Fatal(err)
		}
		const n = 8
		in := ruleSet(t, "acme", "partd", domain.PartD, "contract_year: 2025\n")
		versions := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				rs, err := s.CreateRuleSet(ctx, in, now)
				if err != nil {
					t.Errorf("CreateRuleSet: %v", err)
					return
				}
				versions[i] = rs.Version
			})
		}
		wg.Wait()
		slices.Sort(versions)
		if diff := cmp.Diff([]int{1, 2, 3, 4, 5, 6, 7, 8}, versions); diff != "" {
			t.Errorf("versions (-want +got):\n%s", diff)
		}
	})
}

// second returns the error of a two-value call.
func second[T any](_ T, err error) error { return err }
