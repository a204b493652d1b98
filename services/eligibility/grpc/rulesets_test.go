package grpc_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	elggrpc "github.com/openmtm/openmtm/services/eligibility/grpc"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// programServer returns a server whose plan acme has a Part D program
// "partd" and a Medicaid program "medicaid", and plan other a Part D
// program "partd".
func programServer(t *testing.T) *elggrpc.Server {
	t.Helper()
	s := newServer(t)
	mustCreateProgram(t, s, "acme", "partd", eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D)
	mustCreateProgram(t, s, "acme", "medicaid", eligibilityv1.ProgramKind_PROGRAM_KIND_MEDICAID)
	mustCreateProgram(t, s, "other", "partd", eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D)
	return s
}

func usd(cents int64) *typev1.Money { return &typev1.Money{Cents: cents, CurrencyCode: "USD"} }

// violationProblem returns the problem of the violation of field, "" if none.
func violationProblem(err error, field string) string {
	var e *errs.Error
	if errors.As(err, &e) {
		for _, v := range e.Violations {
			if v.Field == field {
				return v.Problem
			}
		}
	}
	return ""
}

func TestCreateRuleSetBounds(t *testing.T) {
	t.Parallel()
	s := programServer(t)
	type rs = eligibilityv1.RuleSet
	tests := []struct {
		name    string
		program string
		in      *rs
		field   string // the one violation's field
		problem string // a part of its problem
	}{
		{"no contract year", "partd", &rs{}, "rule_set.contract_year", "is required"},
		{"a year without cms rules", "partd", &rs{ContractYear: 2019}, "rule_set.contract_year", "contract year with CMS rules"},
		{"one chronic disease", "partd", &rs{ContractYear: 2025, MinChronicDiseases: 1}, "rule_set.min_chronic_diseases", "from 2 to 3"},
		{"four chronic diseases", "partd", &rs{ContractYear: 2025, MinChronicDiseases: 4}, "rule_set.min_chronic_diseases", "from 2 to 3"},
		{"one drug", "partd", &rs{ContractYear: 2024, MinMaintenanceDrugs: 1}, "rule_set.min_maintenance_drugs", "from 2 to 8"},
		{"nine drugs", "partd", &rs{ContractYear: 2025, MinMaintenanceDrugs: 9}, "rule_set.min_maintenance_drugs", "from 2 to 8"},
		{"threshold above cms", "partd", &rs{ContractYear: 2025, CostThreshold: usd(162301)}, "rule_set.cost_threshold", "at most 1623.00"},
		{"threshold above cms 2024", "partd", &rs{ContractYear: 2024, CostThreshold: usd(533001)}, "rule_set.cost_threshold", "at most 5330.00"},
		{"zero threshold", "partd", &rs{ContractYear: 2025, CostThreshold: usd(0)}, "rule_set.cost_threshold", "above 0"},
		{"threshold in euros", "partd", &rs{ContractYear: 2025, CostThreshold: &typev1.Money{Cents: 100000, CurrencyCode: "EUR"}},
			"rule_set.cost_threshold.currency_code", "must be USD"},
		{"2026 without a threshold", "partd", &rs{ContractYear: 2026}, "rule_set.cost_threshold", "no confirmed CMS cost threshold"},
		{"disease window too wide", "partd", &rs{ContractYear: 2025, Windows: &eligibilityv1.CountingWindows{ChronicDiseaseDays: 731}},
			"rule_set.windows.chronic_disease_days", "from 1 to 730"},
		{"negative drug window", "partd", &rs{ContractYear: 2025, Windows: &eligibilityv1.CountingWindows{MaintenanceDrugDays: -1}},
			"rule_set.windows.maintenance_drug_days", "from 1 to 730"},
		{"cost window too wide", "partd", &rs{ContractYear: 2025, Windows: &eligibilityv1.CountingWindows{CostDays: 1000}},
			"rule_set.windows.cost_days", "from 1 to 730"},
		{"cel in part d", "partd", &rs{ContractYear: 2025, CelExpression: "true"}, "rule_set.cel_expression", "not allowed in part_d"},
		{"medicaid without cel", "medicaid", &rs{ContractYear: 2025}, "rule_set.cel_expression", "is required"},
		{"medicaid with a part d minimum", "medicaid", &rs{ContractYear: 2025, MinMaintenanceDrugs: 5, CelExpression: "true"},
			"rule_set.min_maintenance_drugs", "not used by medicaid"},
		{"cel type error", "medicaid", &rs{ContractYear: 2025, CelExpression: "facts.age >= 'old'"},
			"rule_set.cel_expression", "does not compile: 1:11: found no matching overload for '_>=_'"},
		{"cel unknown field", "medicaid", &rs{ContractYear: 2025, CelExpression: "facts.maintenance_drug_count >= 2 &&\n  facts.nope"},
			"rule_set.cel_expression", "does not compile: 2:8: "},
		{"cel syntax error", "medicaid", &rs{ContractYear: 2025, CelExpression: "facts.age >>= 3"},
			"rule_set.cel_expression", "does not compile: 1:"},
		{"cel not bool", "medicaid", &rs{ContractYear: 2025, CelExpression: "facts.age"}, "rule_set.cel_expression", "must evaluate to bool"},

		{"file: four chronic diseases", "partd", &rs{SourceYaml: "contract_year: 2025\nmin_chronic_diseases: 4\n"},
			"rule_set.min_chronic_diseases", "from 2 to 3"},
		{"file: zero cost window", "partd", &rs{SourceYaml: "contract_year: 2025\nwindows:\n  cost_days: 0\n"},
			"rule_set.windows.cost_days", "from 1 to 730"},
		{"file: a core disease list in 2025", "partd", &rs{SourceYaml: "contract_year: 2025\ncore_diseases: [chf, diabetes]\n"},
			"rule_set.core_diseases", "every core disease"},
		{"file: unknown setting", "partd", &rs{SourceYaml: "contract_year: 2025\nmax_drugs: 3\n"}, "rule_set.max_drugs", "not a rule setting"},
		{"file: not yaml", "partd", &rs{SourceYaml: "contract_year: [2025\n"}, "rule_set.source_yaml", "not valid YAML"},
		{"file: cel error position", "medicaid", &rs{SourceYaml: "contract_year: 2025\ncel: facts.age >= 'old'\n"},
			"rule_set.cel", "does not compile: 1:11: "},
		{"file and a typed setting", "partd", &rs{SourceYaml: "contract_year: 2025\n", MinChronicDiseases: 2},
			"rule_set.min_chronic_diseases", "must be left out when source_yaml is given"},
		{"file and another year", "partd", &rs{SourceYaml: "contract_year: 2025\n", ContractYear: 2024},
			"rule_set.contract_year", "match the rules file's contract_year (2025)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.CreateRuleSet(admin, &eligibilityv1.CreateRuleSetRequest{
				Parent: "plans/acme/programs/" + tt.program, RuleSet: tt.in,
			})
			if diff := cmp.Diff(&failure{errs.KindInvalid, []string{tt.field}}, failureOf(t, err)); diff != "" {
				t.Fatalf("error %v (-want +got):\n%s", err, diff)
			}
			if p := violationProblem(err, tt.field); !strings.Contains(p, tt.problem) {
				t.Errorf("problem of %s = %q, want it to contain %q", tt.field, p, tt.problem)
			}
		})
	}

	// Nothing of a refused rule set was stored: no version was used up.
	for _, program := range []string{"partd", "medicaid"} {
		resp, err := s.ListRuleSets(analyst, &eligibilityv1.ListRuleSetsRequest{Parent: "plans/acme/programs/" + program})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(resp.GetRuleSets()); n != 0 {
			t.Errorf("%s holds %d rule sets after refused uploads, want 0", program, n)
		}
	}
}

func TestCreateRuleSetAccess(t *testing.T) {
	t.Parallel()
	s := programServer(t)
	valid := &eligibilityv1.RuleSet{ContractYear: 2025}
	tests := []struct {
		name   string
		ctx    context.Context
		parent string
		in     *eligibilityv1.RuleSet
		want   *failure
	}{
		{"analyst may not write", analyst, "plans/acme/programs/partd", valid, &failure{Kind: errs.KindPermissionDenied}},
		{"another plan's program", admin, "plans/other/programs/partd", valid, &failure{Kind: errs.KindNotFound}},
		{"another tenant's key", as("plans/other", auth.RoleAdmin), "plans/acme/programs/partd", valid, &failure{Kind: errs.KindNotFound}},
		{"missing program", admin, "plans/acme/programs/nope", valid, &failure{Kind: errs.KindNotFound}},
		{"no rule set", admin, "plans/acme/programs/partd", nil, &failure{errs.KindInvalid, []string{"rule_set"}}},
		{"bad parent", admin, "plans/acme/partd", valid, &failure{errs.KindInvalid, []string{"parent"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.CreateRuleSet(tt.ctx, &eligibilityv1.CreateRuleSetRequest{Parent: tt.parent, RuleSet: tt.in})
			if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRuleSetVersions checks that versions count per program across years,
// that reads return what creation did, and the list's order and filter.
func TestRuleSetVersions(t *testing.T) {
	t.Parallel()
	s := programServer(t)
	defaults := &eligibilityv1.CountingWindows{ChronicDiseaseDays: 365, MaintenanceDrugDays: 180, CostDays: 91}
	uploads := []struct {
		program string
		in      *eligibilityv1.RuleSet
		want    *eligibilityv1.RuleSet
	}{
		{
			"partd", &eligibilityv1.RuleSet{ContractYear: 2025},
			&eligibilityv1.RuleSet{Name: "plans/acme/programs/partd/ruleSets/1", ContractYear: 2025,
				MinChronicDiseases: 3, MinMaintenanceDrugs: 8, CostThreshold: usd(162300), Windows: defaults},
		},
		{
			"partd", &eligibilityv1.RuleSet{SourceYaml: "contract_year: 2024\nmin_chronic_diseases: 2\nwindows: {cost_days: 30}\n"},
			&eligibilityv1.RuleSet{Name: "plans/acme/programs/partd/ruleSets/2", ContractYear: 2024,
				MinChronicDiseases: 2, MinMaintenanceDrugs: 8, CostThreshold: usd(533000),
				Windows: &eligibilityv1.CountingWindows{ChronicDiseaseDays: 365, MaintenanceDrugDays: 180, CostDays: 30}},
		},
		{
			"partd", &eligibilityv1.RuleSet{ContractYear: 2026, MinMaintenanceDrugs: 5, CostThreshold: &typev1.Money{Cents: 170050}},
			&eligibilityv1.RuleSet{Name: "plans/acme/programs/partd/ruleSets/3", ContractYear: 2026,
				MinChronicDiseases: 3, MinMaintenanceDrugs: 5, CostThreshold: usd(170050), Windows: defaults},
		},
		{
			"medicaid", &eligibilityv1.RuleSet{ContractYear: 2025, CelExpression: "facts.maintenance_drug_count >= 5"},
			&eligibilityv1.RuleSet{Name: "plans/acme/programs/medicaid/ruleSets/1", ContractYear: 2025,
				CelExpression: "facts.maintenance_drug_count >= 5", Windows: defaults},
		},
		{
			"partd", &eligibilityv1.RuleSet{ContractYear: 2025, MinChronicDiseases: 2, MinMaintenanceDrugs: 6},
			&eligibilityv1.RuleSet{Name: "plans/acme/programs/partd/ruleSets/4", ContractYear: 2025,
				MinChronicDiseases: 2, MinMaintenanceDrugs: 6, CostThreshold: usd(162300), Windows: defaults},
		},
	}
	created := map[string]*eligibilityv1.RuleSet{}
	for _, u := range uploads {
		got, err := s.CreateRuleSet(admin, &eligibilityv1.CreateRuleSetRequest{Parent: "plans/acme/programs/" + u.program, RuleSet: u.in})
		if err != nil {
			t.Fatalf("CreateRuleSet %s: %v", u.want.GetName(), err)
		}
		u.want.CreateTime = timestamppb.New(now)
		if diff := cmp.Diff(u.want, got, protocmp.Transform()); diff != "" {
			t.Errorf("CreateRuleSet (-want +got):\n%s", diff)
		}
		read, err := s.GetRuleSet(analyst, &eligibilityv1.GetRuleSetRequest{Name: u.want.GetName()})
		if err != nil {
			t.Fatalf("GetRuleSet %s: %v", u.want.GetName(), err)
		}
		if diff := cmp.Diff(got, read, protocmp.Transform()); diff != "" {
			t.Errorf("GetRuleSet %s (-created +read):\n%s", u.want.GetName(), diff)
		}
		created[got.GetName()] = got
	}

	list := func(year int32, size int32) []string {
		var names []string
		token := ""
		for range 6 {
			resp, err := s.ListRuleSets(analyst, &eligibilityv1.ListRuleSetsRequest{
				Parent: "plans/acme/programs/partd", ContractYear: year, PageSize: size, PageToken: token,
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, rs := range resp.GetRuleSets() {
				if diff := cmp.Diff(created[rs.GetName()], rs, protocmp.Transform()); diff != "" {
					t.Errorf("listed %s (-created +listed):\n%s", rs.GetName(), diff)
				}
				names = append(names, strings.TrimPrefix(rs.GetName(), "plans/acme/programs/partd/ruleSets/"))
			}
			if token = resp.GetNextPageToken(); token == "" {
				break
			}
		}
		return names
	}
	if diff := cmp.Diff([]string{"4", "3", "2", "1"}, list(0, 3)); diff != "" {
		t.Errorf("every year, newest first (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"4", "1"}, list(2025, 1)); diff != "" {
		t.Errorf("2025, newest first (-want +got):\n%s", diff)
	}

	reads := []struct {
		name string
		ctx  context.Context
		rs   string
		want *failure
	}{
		{"missing version", analyst, "plans/acme/programs/partd/ruleSets/5", &failure{Kind: errs.KindNotFound}},
		{"version of another program", analyst, "plans/acme/programs/medicaid/ruleSets/2", &failure{Kind: errs.KindNotFound}},
		{"another plan's rule set", admin, "plans/other/programs/partd/ruleSets/1", &failure{Kind: errs.KindNotFound}},
		{"another tenant's key", as("plans/other", auth.RoleAdmin), "plans/acme/programs/partd/ruleSets/1", &failure{Kind: errs.KindNotFound}},
		{"version zero", analyst, "plans/acme/programs/partd/ruleSets/0", &failure{errs.KindInvalid, []string{"name"}}},
		{"leading zero", analyst, "plans/acme/programs/partd/ruleSets/01", &failure{errs.KindInvalid, []string{"name"}}},
		{"not a number", analyst, "plans/acme/programs/partd/ruleSets/latest", &failure{errs.KindInvalid, []string{"name"}}},
	}
	for _, tt := range reads {
		_, err := s.GetRuleSet(tt.ctx, &eligibilityv1.GetRuleSetRequest{Name: tt.rs})
		if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
			t.Errorf("%s: error (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, bad := range []*eligibilityv1.ListRuleSetsRequest{
		{Parent: "plans/acme/programs/partd", ContractYear: -1},
		{Parent: "plans/acme/programs/partd", PageToken: "eA"}, // "x"
	} {
		if _, err := s.ListRuleSets(analyst, bad); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("ListRuleSets(%v) = %v, want InvalidArgument", bad, err)
		}
	}
	if _, err := s.ListRuleSets(analyst, &eligibilityv1.ListRuleSetsRequest{Parent: "plans/acme/programs/nope"}); errs.KindOf(err) != errs.KindNotFound {
		t.Errorf("ListRuleSets of a missing program = %v, want NotFound", err)
	}
}
