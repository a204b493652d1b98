package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// TestEvaluateUnderRules checks which rules an evaluation runs under: the
// determination names them, or the error says why there are none.
func TestEvaluateUnderRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	asOf := civil.Of(clock) // 2025-06-15

	// withPartD has a Part D program with versions 1 (2025), 2 (2024),
	// 3 (2025) and a medicaid program with version 1 (2025).
	withPartD := func(t *testing.T) *programRepo {
		repo := &programRepo{}
		a := newApp(t, repo)
		for _, p := range []struct {
			id   string
			kind domain.ProgramKind
		}{{"partd", domain.PartD}, {"medicaid", domain.Medicaid}} {
			if _, err := a.CreateProgram(ctx, "acme", p.id, "", p.kind); err != nil {
				t.Fatal(err)
			}
		}
		for _, rs := range []struct{ program, src string }{
			{"partd", "contract_year: 2025\nmin_chronic_diseases: 2\n"},
			{"partd", "contract_year: 2024\n"},
			{"partd", "contract_year: 2025\nmin_maintenance_drugs: 2\n"},
			{"medicaid", "contract_year: 2025\ncel: facts.maintenance_drug_count >= 1\n"},
		} {
			if _, err := a.CreateRuleSet(ctx, "acme", rs.program, []byte(rs.src), 0); err != nil {
				t.Fatal(err)
			}
		}
		return repo
	}
	empty := func(*testing.T) *programRepo { return &programRepo{} }
	partDOnly := func(t *testing.T) *programRepo {
		repo := &programRepo{}
		if _, err := newApp(t, repo).CreateProgram(ctx, "acme", "partd", "", domain.PartD); err != nil {
			t.Fatal(err)
		}
		return repo
	}

	tests := []struct {
		name     string
		repo     func(*testing.T) *programRepo
		ref      app.RuleSetRef
		year     int
		want     string    // the determination's rule set
		wantKind errs.Kind // or the error's kind,
		wantMsg  string    // and a part of its message
	}{
		{"no programs: cms maxima", empty, app.RuleSetRef{}, 0, "cms/2025", 0, ""},
		{"no programs, 2024: cms maxima", empty, app.RuleSetRef{}, 2024, "cms/2024", 0, ""},
		{"no programs, 2026", empty, app.RuleSetRef{}, 2026, "", errs.KindFailedPrecondition,
			"contract year 2026 has no confirmed CMS cost threshold and the plan has no rule set for it: create a program of kind PART_D in plans/acme"},
		{"part d program without rule sets: cms maxima", partDOnly, app.RuleSetRef{}, 2025, "cms/2025", 0, ""},
		{"part d program without a 2026 rule set", partDOnly, app.RuleSetRef{}, 2026, "", errs.KindFailedPrecondition,
			"create a rule set in plans/acme/programs/partd with contract_year 2026 and cost_threshold"},
		{"year unknown to the reference data", empty, app.RuleSetRef{}, 2030, "", errs.KindFailedPrecondition,
			"contract year 2030 has no CMS rules in the reference data"},
		{"the latest part d rule set of the year", withPartD, app.RuleSetRef{}, 0, "plans/acme/programs/partd/ruleSets/3", 0, ""},
		{"the latest of another year", withPartD, app.RuleSetRef{}, 2024, "plans/acme/programs/partd/ruleSets/2", 0, ""},
		{"a named program", withPartD, app.RuleSetRef{ProgramID: "medicaid"}, 2025, "plans/acme/programs/medicaid/ruleSets/1", 0, ""},
		{"a named cel program without a rule set of the year", withPartD, app.RuleSetRef{ProgramID: "medicaid"}, 2024, "",
			errs.KindFailedPrecondition, "plans/acme/programs/medicaid has no rule set for contract year 2024"},
		{"a named part d program without a rule set of the year", partDOnly, app.RuleSetRef{ProgramID: "partd"}, 2024, "cms/2024", 0, ""},
		{"a named version", withPartD, app.RuleSetRef{ProgramID: "partd", Version: 1}, 2025, "plans/acme/programs/partd/ruleSets/1", 0, ""},
		{"a named version of another year", withPartD, app.RuleSetRef{ProgramID: "partd", Version: 2}, 2025, "",
			errs.KindInvalid, "is a rule set for contract year 2024, not 2025"},
		{"a missing program", withPartD, app.RuleSetRef{ProgramID: "nope"}, 2025, "", errs.KindNotFound, ""},
		{"a missing version", withPartD, app.RuleSetRef{ProgramID: "partd", Version: 9}, 2025, "", errs.KindNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, tt.repo(t))
			d, err := a.EvaluateMemberUnder(ctx, "acme", "M001", tt.ref, tt.year, asOf)
			if tt.want != "" {
				if err != nil {
					t.Fatalf("EvaluateMemberUnder: %v", err)
				}
				if d.RuleSet != tt.want {
					t.Errorf("determination rule set = %q, want %q", d.RuleSet, tt.want)
				}
				return
			}
			if k := errs.KindOf(err); k != tt.wantKind || !strings.Contains(fmt.Sprint(err), tt.wantMsg) {
				t.Errorf("EvaluateMemberUnder error = %v (%v), want %v containing %q", err, k, tt.wantKind, tt.wantMsg)
			}
		})
	}
}

// TestEvaluateMemberUsesThePlanRules checks that EvaluateMember, without a
// rule set named, runs under the plan's Part D rule set.
func TestEvaluateMemberUsesThePlanRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	repo := &programRepo{}
	a := newApp(t, repo)
	if _, err := a.CreateProgram(ctx, "acme", "partd", "", domain.PartD); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateRuleSet(ctx, "acme", "partd", []byte("contract_year: 2026\ncost_threshold: 1700\n"), 0); err != nil {
		t.Fatal(err)
	}
	d, err := a.EvaluateMember(ctx, "acme", "M001", 2026, civil.Of(clock))
	if err != nil {
		t.Fatal(err)
	}
	if want := "plans/acme/programs/partd/ruleSets/1"; d.RuleSet != want {
		t.Errorf("rule set = %q, want %q", d.RuleSet, want)
	}
}
