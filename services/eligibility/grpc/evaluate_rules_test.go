package grpc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/app"
	elggrpc "github.com/openmtm/openmtm/services/eligibility/grpc"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/eligibility/store"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/service"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// fiveDrugClaims are five maintenance drugs filled two weeks before the
// as-of date (2025-06-15) at $100 each: four core diseases implied
// (dyslipidemia, hypertension, diabetes, mental health), five drugs, and a
// projected annual cost of 4 × $500 = $2,000, above the CY2025 threshold
// ($1,623). Under the CMS maxima (8 drugs) the member does not qualify.
const fiveDrugClaims = `claim_id,member_id,fill_date,generic_name,days_supply,total_cost
C1,M1,2025-06-01,atorvastatin,30,100.00
C2,M1,2025-06-01,lisinopril,30,100.00
C3,M1,2025-06-01,metformin,30,100.00
C4,M1,2025-06-01,sertraline,30,100.00
C5,M1,2025-06-01,levothyroxine,30,100.00
`

// evalServer returns a server over a migrated SQLite store that holds
// member M1 of plan acme (covered from 2024) and fiveDrugClaims.
func evalServer(t *testing.T) *elggrpc.Server {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t, storetest.SQLite(t), "eligibility")
	if err := service.Migrate(ctx, db, "eligibility", store.Migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	a, err := app.New(store.New(db, nil), app.WithClock(fixedClock), app.WithReference(ref(t)))
	if err != nil {
		t.Fatal(err)
	}
	s, err := elggrpc.New(a)
	if err != nil {
		t.Fatal(err)
	}
	m := validMember("M1")
	m.Hospice, m.Coverage.Start = false, date(2024, 1, 1)
	if _, err := s.UpsertMember(admin, &eligibilityv1.UpsertMemberRequest{Parent: "plans/acme", Member: m}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ImportClaims(ctx, "acme", strings.NewReader(fiveDrugClaims), intake.Options{}); err != nil {
		t.Fatal(err)
	}
	return s
}

// outcome is what these tests check of a determination.
type outcome struct {
	eligible bool
	ruleSet  string
	year     int32
	minDrugs int64 // the MAINTENANCE_DRUGS criterion's threshold; 0 for a CEL program
}

func outcomeOf(d *eligibilityv1.Determination) outcome {
	o := outcome{eligible: d.GetEligible(), ruleSet: d.GetRuleSet(), year: d.GetContractYear()}
	for _, c := range d.GetCriteria() {
		if c.GetKind() == eligibilityv1.CriterionKind_CRITERION_KIND_MAINTENANCE_DRUGS {
			o.minDrugs = c.GetThreshold()
		}
	}
	return o
}

// TestEvaluateUnderPlanRuleSets shows a plan's rule sets deciding
// evaluations: lower minimums change the outcome, CY2026 evaluates only once
// the plan supplies a threshold, and a request may name a program or one
// version.
func TestEvaluateUnderPlanRuleSets(t *testing.T) {
	t.Parallel()
	s := evalServer(t)
	evaluate := func(year int32, ruleSet string) (outcome, error) {
		d, err := s.EvaluateMember(admin, &eligibilityv1.EvaluateMemberRequest{
			Name: "plans/acme/members/M1", ContractYear: year, RuleSet: ruleSet,
		})
		return outcomeOf(d), err
	}
	upload := func(program string, in *eligibilityv1.RuleSet) {
		t.Helper()
		if _, err := s.CreateRuleSet(admin, &eligibilityv1.CreateRuleSetRequest{
			Parent: "plans/acme/programs/" + program, RuleSet: in,
		}); err != nil {
			t.Fatalf("CreateRuleSet: %v", err)
		}
	}
	steps := []struct {
		name     string
		setup    func()
		year     int32
		ruleSet  string
		want     outcome
		wantKind errs.Kind // for a failure, with wantMsg in its message
		wantMsg  string
	}{
		{name: "no plan rules: the CMS maxima (8 drugs)", want: outcome{false, "cms/2025", 2025, 8}},
		{name: "2026 without a plan rule set", year: 2026, wantKind: errs.KindFailedPrecondition,
			wantMsg: "contract year 2026 has no confirmed CMS cost threshold and the plan has no rule set for it"},
		{
			name: "a Part D program alone changes nothing",
			setup: func() {
				mustCreateProgram(t, s, "acme", "partd", eligibilityv1.ProgramKind_PROGRAM_KIND_PART_D)
			},
			want: outcome{false, "cms/2025", 2025, 8},
		},
		{name: "2026 with a Part D program but no 2026 rule set", year: 2026, wantKind: errs.KindFailedPrecondition,
			wantMsg: "create a rule set in plans/acme/programs/partd with contract_year 2026 and cost_threshold"},
		{
			name:  "the plan lowers the drug minimum to 5: eligible",
			setup: func() { upload("partd", &eligibilityv1.RuleSet{ContractYear: 2025, MinMaintenanceDrugs: 5}) },
			want:  outcome{true, "plans/acme/programs/partd/ruleSets/1", 2025, 5},
		},
		{
			name: "a newer version of the year takes over",
			setup: func() {
				upload("partd", &eligibilityv1.RuleSet{SourceYaml: "contract_year: 2025\nmin_maintenance_drugs: 6\n"})
			},
			want: outcome{false, "plans/acme/programs/partd/ruleSets/2", 2025, 6},
		},
		{name: "an older version named in the request", ruleSet: "plans/acme/programs/partd/ruleSets/1",
			want: outcome{true, "plans/acme/programs/partd/ruleSets/1", 2025, 5}},
		{name: "the program named in the request", ruleSet: "plans/acme/programs/partd",
			want: outcome{false, "plans/acme/programs/partd/ruleSets/2", 2025, 6}},
		{
			name: "2026 with the plan's threshold: evaluates",
			setup: func() {
				upload("partd", &eligibilityv1.RuleSet{ContractYear: 2026, MinMaintenanceDrugs: 5, CostThreshold: usd(190000)})
			},
			year: 2026,
			want: outcome{true, "plans/acme/programs/partd/ruleSets/3", 2026, 5},
		},
		{name: "a version of another year than the request's", ruleSet: "plans/acme/programs/partd/ruleSets/3",
			wantKind: errs.KindInvalid, wantMsg: "rule_set: is a rule set for contract year 2026, not 2025"},
		{
			name: "a CEL program named in the request",
			setup: func() {
				mustCreateProgram(t, s, "acme", "medicaid", eligibilityv1.ProgramKind_PROGRAM_KIND_MEDICAID)
				upload("medicaid", &eligibilityv1.RuleSet{ContractYear: 2025,
					CelExpression: "facts.maintenance_drug_count >= 5 && 'diabetes' in facts.chronic_diseases"})
			},
			ruleSet: "plans/acme/programs/medicaid",
			want:    outcome{true, "plans/acme/programs/medicaid/ruleSets/1", 2025, 0},
		},
		{name: "a CEL program without a rule set of the year", year: 2024, ruleSet: "plans/acme/programs/medicaid",
			wantKind: errs.KindFailedPrecondition, wantMsg: "plans/acme/programs/medicaid has no rule set for contract year 2024"},
		{name: "another plan's program", ruleSet: "plans/other/programs/partd", wantKind: errs.KindNotFound},
		{name: "a missing program", ruleSet: "plans/acme/programs/nope", wantKind: errs.KindNotFound},
		{name: "not a rule set name", ruleSet: "ruleSets/1", wantKind: errs.KindInvalid, wantMsg: "rule_set"},
		{name: "a bad version", ruleSet: "plans/acme/programs/partd/ruleSets/0", wantKind: errs.KindInvalid, wantMsg: "rule_set"},
	}
	// Steps build on each other, so they run in order.
	for _, st := range steps {
		if st.setup != nil {
			st.setup()
		}
		got, err := evaluate(st.year, st.ruleSet)
		if st.wantKind != errs.KindInternal {
			if k := errs.KindOf(err); k != st.wantKind || !strings.Contains(fmt.Sprint(err), st.wantMsg) {
				t.Errorf("%s: error = %v (%v), want %v containing %q", st.name, err, k, st.wantKind, st.wantMsg)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: EvaluateMember: %v", st.name, err)
		}
		if got != st.want {
			t.Errorf("%s: determination %+v, want %+v", st.name, got, st.want)
		}
	}
}
