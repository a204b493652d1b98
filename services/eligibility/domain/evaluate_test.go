package domain_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

func testMember() domain.Member {
	return domain.Member{PlanID: "acme", MemberID: "M001", BirthDate: mustDate("1950-03-15"),
		CoverageStart: mustDate("2024-01-01")}
}

// The building blocks of the boundary cases: diagnoses of n distinct core
// diseases, fills of n distinct maintenance ingredients that imply no core
// disease, and fills whose 91-day total is a given amount.
var (
	diagnosisCodes = []string{"E119", "I10", "E785", "F329", "J449"}
	maintenance    = []string{"metformin", "lisinopril", "atorvastatin", "sertraline", "donepezil",
		"alendronate", "losartan", "rosuvastatin", "tiotropium"}
)

// neutral returns n maintenance ingredients of the reference that imply no
// disease, in id order, so that drug counts do not move disease counts.
func neutral(t testing.TB, n int) []string {
	t.Helper()
	ref := testRef(t)
	var out []string
	for id := 0; id <= ref.Drugs.Len() && len(out) < n; id++ {
		if d := ref.Drugs.ByID(uint16(id)); d != nil && d.Maintenance && len(d.Diseases) == 0 && !strings.Contains(d.Ingredient, "/") {
			out = append(out, d.Ingredient)
		}
	}
	if len(out) < n {
		t.Fatalf("the reference has %d maintenance drugs implying no disease, want %d", len(out), n)
	}
	return out
}

func diseases(n int) []domain.Diagnosis {
	out := make([]domain.Diagnosis, n)
	for i := range n {
		out[i] = dx(diagnosisCodes[i], asOf25, 30)
	}
	return out
}

// drugs fills n disease-neutral maintenance ingredients at no cost (cost
// comes from spend).
func drugs(t testing.TB, n int) []domain.Claim {
	out := make([]domain.Claim, n)
	for i, ing := range neutral(t, n) {
		out[i] = fill(fmt.Sprintf("d%d", i), asOf25, 20, ing, 0)
	}
	return out
}

// spend is a non-maintenance fill of the given cents inside the cost window.
func spend(cents int64) []domain.Claim {
	return []domain.Claim{fill("cost", asOf25, 90, "amoxicillin", cents)}
}

// TestEvaluatePartD walks each criterion across its boundary, per contract
// year, holding the other criteria met.
func TestEvaluatePartD(t *testing.T) {
	t.Parallel()
	type tc struct {
		name     string
		year     int
		nDx      int
		claims   []domain.Claim
		extraDx  []domain.Diagnosis
		dmp      bool
		eligible bool
		reason   string
		failed   string // the criterion not met, if any
	}
	// cost quarter totals: 4 × 40575 = 162300 (CY2025's $1,623); 4 × 133250 = 533000 (CY2024's $5,330).
	tests := []tc{
		{name: "all met", year: 2025, nDx: 3, claims: cat(drugs(t, 8), spend(40575)), eligible: true, reason: "01"},
		{name: "two diseases", year: 2025, nDx: 2, claims: cat(drugs(t, 8), spend(40575)), failed: "CHRONIC_DISEASES"},
		{name: "seven drugs", year: 2025, nDx: 3, claims: cat(drugs(t, 7), spend(40575)), failed: "MAINTENANCE_DRUGS"},
		{name: "cost exactly at threshold", year: 2025, nDx: 3, claims: cat(drugs(t, 8), spend(40575)), eligible: true, reason: "01"},
		{name: "cost just under threshold", year: 2025, nDx: 3, claims: cat(drugs(t, 8), spend(40574)), failed: "ANNUAL_COST"},
		{name: "CY2025 cost under CY2024 threshold", year: 2024, nDx: 3, claims: cat(drugs(t, 8), spend(40575)), failed: "ANNUAL_COST"},
		{name: "CY2024 cost exactly at threshold", year: 2024, nDx: 3, claims: cat(drugs(t, 8), spend(133250)), eligible: true, reason: "01"},
		{name: "CY2024 cost just under", year: 2024, nDx: 3, claims: cat(drugs(t, 8), spend(133249)), failed: "ANNUAL_COST"},
		{name: "CY2024 two diseases", year: 2024, nDx: 2, claims: cat(drugs(t, 8), spend(133250)), failed: "CHRONIC_DISEASES"},
		{name: "CY2024 seven drugs", year: 2024, nDx: 3, claims: cat(drugs(t, 7), spend(133250)), failed: "MAINTENANCE_DRUGS"},
		{name: "hiv_aids is the third disease in CY2025", year: 2025, nDx: 2, extraDx: []domain.Diagnosis{dx("B20", asOf25, 1)},
			claims: cat(drugs(t, 8), spend(40575)), eligible: true, reason: "01"},
		{name: "hiv_aids is not a core disease in CY2024", year: 2024, nDx: 2, extraDx: []domain.Diagnosis{dx("B20", asOf25, 1)},
			claims: cat(drugs(t, 8), spend(133250)), failed: "CHRONIC_DISEASES"},
		{name: "a fill on day 364 implies the third disease", year: 2025, nDx: 2,
			claims: cat(drugs(t, 8), []domain.Claim{fill("x", asOf25, 364, "sertraline", 0)}, spend(40575)), eligible: true, reason: "01"},
		{name: "a fill on day 365 does not", year: 2025, nDx: 2,
			claims: cat(drugs(t, 8), []domain.Claim{fill("x", asOf25, 365, "sertraline", 0)}, spend(40575)), failed: "CHRONIC_DISEASES"},
		{name: "a combination makes the eighth drug", year: 2025, nDx: 3,
			claims: cat(drugs(t, 6), []domain.Claim{fill("combo", asOf25, 100, "amlodipine / benazepril", 0)}, spend(40575)), eligible: true, reason: "01"},
		{name: "CY2024 DMP only", year: 2024, nDx: 0, dmp: true, eligible: true, reason: "02", failed: "CHRONIC_DISEASES"},
		{name: "CY2024 DMP and criteria", year: 2024, nDx: 3, claims: cat(drugs(t, 8), spend(133250)), dmp: true, eligible: true, reason: "03"},
		{name: "DMP only", year: 2025, nDx: 0, dmp: true, eligible: true, reason: "02", failed: "CHRONIC_DISEASES"},
		{name: "DMP and criteria", year: 2025, nDx: 3, claims: cat(drugs(t, 8), spend(40575)), dmp: true, eligible: true, reason: "03"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("CY%d %s", tt.year, tt.name), func(t *testing.T) {
			t.Parallel()
			rules := cmsRules(t, tt.year)
			m := testMember()
			m.DMPAtRisk = tt.dmp
			f := buildFacts(t, rules, asOf25, false, tt.claims, cat(diseases(tt.nDx), tt.extraDx))
			d := domain.Evaluate(m, f, rules, asOf25)
			if d.Eligible != tt.eligible || d.Reason != tt.reason {
				t.Errorf("eligible, reason = %v, %q; want %v, %q (criteria %+v)", d.Eligible, d.Reason, tt.eligible, tt.reason, d.Criteria)
			}
			for _, c := range d.Criteria {
				wantMet := c.Kind != tt.failed && (c.Kind != "DMP_AT_RISK" || tt.dmp)
				if tt.failed == "CHRONIC_DISEASES" && tt.nDx == 0 && c.Kind != "COVERAGE" && c.Kind != "DMP_AT_RISK" {
					wantMet = false // a DMP-only member meets none of the three
				}
				if c.Met != wantMet {
					t.Errorf("%s met = %v, want %v (value %d, threshold %d)", c.Kind, c.Met, wantMet, c.Value, c.Threshold)
				}
			}
		})
	}
}

func cat[T any](parts ...[]T) []T {
	var out []T
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestEvaluateDetermination checks a whole determination: criteria order,
// values, thresholds, sources and evidence.
func TestEvaluateDetermination(t *testing.T) {
	t.Parallel()
	rules := cmsRules(t, 2025)
	claims := []domain.Claim{
		fill("c1", asOf25, 10, "metformin", 10000),
		fill("c2", asOf25, 200, "atorvastatin", 5000), // disease only: out of the drug and cost windows
		fill("c3", asOf25, 20, "lisinopril", 5000),
	}
	dxs := []domain.Diagnosis{dx("E119", asOf25, 50), dx("F329", asOf25, 60)}
	f := buildFacts(t, rules, asOf25, true, claims, dxs)
	got := domain.Evaluate(testMember(), f, rules, asOf25)
	d := func(n int) civil.Date { return asOf25.AddDays(-n) }
	want := domain.Determination{
		PlanID: "acme", MemberID: "M001", ContractYear: 2025, AsOf: asOf25, RuleSet: "cms/2025",
		Criteria: []domain.Criterion{
			{Kind: "COVERAGE", Met: true, Value: 1, Threshold: 1, Detail: "coverage 2024-01-01 to open includes 2025-06-30"},
			{Kind: "CHRONIC_DISEASES", Met: true, Value: 4, Threshold: 3, Evidence: []domain.Evidence{
				{Kind: "claim", ID: "c2", Date: d(200), Detail: "dyslipidemia: atorvastatin"},
				{Kind: "diagnosis", ID: "F329", Date: d(60), Detail: "mental_health"},
				{Kind: "diagnosis", ID: "E119", Date: d(50), Detail: "diabetes"},
				{Kind: "claim", ID: "c3", Date: d(20), Detail: "hypertension: lisinopril"},
				{Kind: "claim", ID: "c1", Date: d(10), Detail: "diabetes: metformin"},
			}},
			{Kind: "MAINTENANCE_DRUGS", Met: false, Value: 2, Threshold: 8, Evidence: []domain.Evidence{
				{Kind: "claim", ID: "c3", Date: d(20), Detail: "lisinopril"},
				{Kind: "claim", ID: "c1", Date: d(10), Detail: "metformin"},
			}},
			{Kind: "ANNUAL_COST", Met: false, Value: 60000, Threshold: 162300, Evidence: []domain.Evidence{
				{Kind: "claim", ID: "c3", Date: d(20), Detail: "50.00"},
				{Kind: "claim", ID: "c1", Date: d(10), Detail: "100.00"},
			}},
			{Kind: "DMP_AT_RISK", Threshold: 1},
		},
		Diseases: []domain.ConditionFound{
			{Disease: "diabetes", Source: "both"},
			{Disease: "dyslipidemia", Source: "drug"},
			{Disease: "hypertension", Source: "drug"},
			{Disease: "mental_health", Source: "diagnosis"},
		},
		MaintenanceDrugCount:     2,
		ProjectedAnnualCostCents: 60000,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Evaluate (-want +got):\n%s", diff)
	}
}

func TestEvaluateCoverage(t *testing.T) {
	t.Parallel()
	rules := cmsRules(t, 2025)
	f := buildFacts(t, rules, asOf25, false, cat(drugs(t, 8), spend(50000)), diseases(3))
	ended, lastDay := mustDate("2025-06-29"), asOf25
	tests := []struct {
		name     string
		start    civil.Date
		end      *civil.Date
		dmp      bool
		eligible bool
		reason   string
	}{
		{"starts on as-of", asOf25, nil, false, true, "01"},
		{"starts the day after", asOf25.AddDays(1), nil, true, false, ""},
		{"ends on as-of", mustDate("2024-01-01"), &lastDay, false, true, "01"},
		{"ended the day before, DMP too", mustDate("2024-01-01"), &ended, true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := testMember()
			m.CoverageStart, m.CoverageEnd, m.DMPAtRisk = tt.start, tt.end, tt.dmp
			d := domain.Evaluate(m, f, rules, asOf25)
			if d.Eligible != tt.eligible || d.Reason != tt.reason {
				t.Errorf("eligible, reason = %v, %q; want %v, %q", d.Eligible, d.Reason, tt.eligible, tt.reason)
			}
			if c, _ := d.Criterion("COVERAGE"); c.Met != tt.eligible {
				t.Errorf("COVERAGE met = %v, want %v (%s)", c.Met, tt.eligible, c.Detail)
			}
		})
	}
}

// TestEvaluateCostThresholdEdge compares projected cost with the threshold
// to the cent, below the 4-cent steps that quarter totals make.
func TestEvaluateCostThresholdEdge(t *testing.T) {
	t.Parallel()
	for year, threshold := range map[int]int64{2024: 533000, 2025: 162300} {
		rules := cmsRules(t, year)
		if rules.CostThresholdCents != threshold {
			t.Fatalf("CY%d threshold = %d, want %d", year, rules.CostThresholdCents, threshold)
		}
		for projected, want := range map[int64]bool{threshold: true, threshold - 1: false, threshold + 1: true} {
			f := domain.Facts{ProjectedAnnualCostCents: projected}
			c, _ := domain.Evaluate(testMember(), f, rules, asOf25).Criterion("ANNUAL_COST")
			if c.Met != want || c.Value != projected || c.Threshold != threshold {
				t.Errorf("CY%d projected %d: %+v, want met %v", year, projected, c, want)
			}
		}
	}
}

func TestEvaluateContractYear2026(t *testing.T) {
	t.Parallel()
	ref := testRef(t)
	_, err := domain.CMSMaxima(ref, 2026)
	if err == nil || !strings.Contains(err.Error(), "contract year 2026 has no confirmed CMS cost threshold: upload plan rules with cost_threshold") {
		t.Fatalf("CMSMaxima(2026) = %v, want the no-threshold refusal", err)
	}
	rules, err := domain.ParseRuleSet([]byte("contract_year: 2026\ncost_threshold: \"1700.00\"\n"), domain.PartD, ref)
	if err != nil {
		t.Fatalf("ParseRuleSet(2026 with threshold) = %v", err)
	}
	asOf := mustDate("2026-03-31")
	var claims []domain.Claim
	for i, ing := range neutral(t, 8) {
		claims = append(claims, fill(fmt.Sprintf("d%d", i), asOf, 3, ing, 5000)) // 8 × $50 × 4 = $1,600
	}
	f := buildFacts(t, rules, asOf, false, claims, []domain.Diagnosis{dx("E119", asOf, 1), dx("I10", asOf, 1), dx("J449", asOf, 1)})
	if d := domain.Evaluate(testMember(), f, rules, asOf); d.Eligible || d.RuleSet != "plan/part_d/2026" {
		t.Errorf("$1,600 against $1,700: eligible %v under %q, want not eligible under plan/part_d/2026", d.Eligible, d.RuleSet)
	}
	claims = append(claims, fill("more", asOf, 3, "amoxicillin", 2500)) // + $100
	f = buildFacts(t, rules, asOf, false, claims, []domain.Diagnosis{dx("E119", asOf, 1), dx("I10", asOf, 1), dx("J449", asOf, 1)})
	if d := domain.Evaluate(testMember(), f, rules, asOf); !d.Eligible || d.Reason != "01" {
		t.Errorf("$1,700 against $1,700: %+v, want eligible, reason 01", d)
	}
}

func TestEvaluateProgram(t *testing.T) {
	t.Parallel()
	ref := testRef(t)
	src := "contract_year: 2025\ncel: facts.chronic_disease_count >= 2 && facts.age >= 65 && !facts.hospice\n"
	rules, err := domain.ParseRuleSet([]byte(src), domain.Medicaid, ref)
	if err != nil {
		t.Fatalf("ParseRuleSet = %v", err)
	}
	f := buildFacts(t, rules, asOf25, false, nil, diseases(2))
	tests := []struct {
		name     string
		edit     func(*domain.Member)
		eligible bool
		reason   string
	}{
		{"qualifies", func(*domain.Member) {}, true, "01"},
		{"hospice", func(m *domain.Member) { m.Hospice = true }, false, ""},
		{"too young", func(m *domain.Member) { m.BirthDate = mustDate("1960-07-01") }, false, ""},
		{"65 on as-of", func(m *domain.Member) { m.BirthDate = mustDate("1960-06-30") }, true, "01"},
		{"DMP too", func(m *domain.Member) { m.DMPAtRisk = true }, true, "03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := testMember()
			tt.edit(&m)
			d := domain.Evaluate(m, f, rules, asOf25)
			if d.Eligible != tt.eligible || d.Reason != tt.reason {
				t.Errorf("eligible, reason = %v, %q; want %v, %q", d.Eligible, d.Reason, tt.eligible, tt.reason)
			}
			kinds := make([]string, len(d.Criteria))
			for i, c := range d.Criteria {
				kinds[i] = c.Kind
			}
			if diff := cmp.Diff([]string{"COVERAGE", "PROGRAM", "DMP_AT_RISK"}, kinds); diff != "" {
				t.Errorf("criteria (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateProgramRuntimeError(t *testing.T) {
	t.Parallel()
	p, err := domain.CompileProgram("facts.ingredients[3] == 'metformin'")
	if err != nil {
		t.Fatal(err)
	}
	rules := domain.Rules{Name: "x", Kind: domain.Commercial, ContractYear: 2025, Program: p}
	m := testMember()
	m.DMPAtRisk = true
	d := domain.Evaluate(m, domain.Facts{}, rules, asOf25)
	c, _ := d.Criterion("PROGRAM")
	if c.Met || !strings.Contains(c.Detail, "not met") || !d.Eligible || d.Reason != "02" {
		t.Errorf("failing program: %+v; want PROGRAM not met with the error, eligible through DMP (02)", d)
	}
}

func TestEvaluateDiseaseSources(t *testing.T) {
	t.Parallel()
	rules := cmsRules(t, 2025)
	tests := []struct {
		name   string
		claims []domain.Claim
		dxs    []domain.Diagnosis
		want   []domain.ConditionFound
	}{
		{"diagnosis", nil, []domain.Diagnosis{dx("E119", asOf25, 1)}, []domain.ConditionFound{{Disease: "diabetes", Source: "diagnosis"}}},
		{"drug", []domain.Claim{fill("c", asOf25, 1, "metformin", 0)}, nil, []domain.ConditionFound{{Disease: "diabetes", Source: "drug"}}},
		{"both", []domain.Claim{fill("c", asOf25, 1, "metformin", 0)}, []domain.Diagnosis{dx("E119", asOf25, 1)},
			[]domain.ConditionFound{{Disease: "diabetes", Source: "both"}}},
		{"neither in the window", []domain.Claim{fill("c", asOf25, 365, "metformin", 0)}, []domain.Diagnosis{dx("E119", asOf25, 365)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := domain.Evaluate(testMember(), buildFacts(t, rules, asOf25, false, tt.claims, tt.dxs), rules, asOf25)
			if diff := cmp.Diff(tt.want, d.Diseases, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("diseases (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkFactsAndEvaluate is one member's work in the batch command: 40
// paid claims (a year of monthly fills of a few drugs plus acute fills)
// through a builder, then Evaluate.
func BenchmarkFactsAndEvaluate(b *testing.B) {
	rules := cmsRules(b, 2025)
	ref := testRef(b)
	var claims []domain.Claim
	for i := range 40 {
		ing := maintenance[i%len(maintenance)]
		if i%7 == 0 {
			ing = "amlodipine / benazepril"
		}
		claims = append(claims, fill(fmt.Sprintf("c%d", i), asOf25, i*9, ing, int64(10000+i*37)))
	}
	dxs := diseases(3)
	m := testMember()
	proto := domain.NewFactsBuilder(ref, rules, asOf25, false)
	b.ReportAllocs()
	for b.Loop() {
		fb := proto.Fresh()
		for _, c := range claims {
			fb.AddClaim(c)
		}
		for _, d := range dxs {
			fb.AddDiagnosis(d)
		}
		if d := domain.Evaluate(m, fb.Facts(), rules, asOf25); !d.Eligible {
			b.Fatalf("benchmark member not eligible: %+v", d.Criteria)
		}
	}
}
