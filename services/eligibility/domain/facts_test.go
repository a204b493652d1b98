package domain_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
)

// The fixtures of the evaluator tests: the shipped reference data, an as-of
// date, and claims and diagnoses placed a number of days before it (day 0 is
// the as-of date itself).

var loadRef = sync.OnceValues(reference.Default)

func testRef(t testing.TB) *reference.Reference {
	t.Helper()
	ref, err := loadRef()
	if err != nil {
		t.Fatalf("reference.Default() = %v", err)
	}
	return ref
}

func cmsRules(t testing.TB, year int) domain.Rules {
	t.Helper()
	r, err := domain.CMSMaxima(testRef(t), year)
	if err != nil {
		t.Fatalf("CMSMaxima(%d) = %v", year, err)
	}
	return r
}

func mustDate(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic(s + ": " + err.Error())
	}
	return d
}

var asOf25 = mustDate("2025-06-30")

// fill is a paid claim of generic filled daysBefore days before asOf.
func fill(id string, asOf civil.Date, daysBefore int, generic string, cents int64) domain.Claim {
	return domain.Claim{PlanID: "acme", ClaimID: id, MemberID: "M001", FillDate: asOf.AddDays(-daysBefore),
		GenericName: generic, DaysSupply: 30, TotalCost: cents}
}

// dx is a diagnosis with service date daysBefore days before asOf.
func dx(code string, asOf civil.Date, daysBefore int) domain.Diagnosis {
	return domain.Diagnosis{PlanID: "acme", MemberID: "M001", ICD10: code, ServiceDate: asOf.AddDays(-daysBefore)}
}

func buildFacts(t testing.TB, rules domain.Rules, asOf civil.Date, keep bool, claims []domain.Claim, dxs []domain.Diagnosis) domain.Facts {
	t.Helper()
	b := domain.NewFactsBuilder(testRef(t), rules, asOf, keep)
	for _, c := range claims {
		b.AddClaim(c)
	}
	for _, d := range dxs {
		b.AddDiagnosis(d)
	}
	return b.Facts()
}

// TestReferenceAssumptions states what the evaluator tests assume of the
// shipped reference data, so that a data change fails here, readably,
// rather than as a puzzling boundary failure elsewhere.
func TestReferenceAssumptions(t *testing.T) {
	t.Parallel()
	ref := testRef(t)
	drugs := map[string][]string{ // maintenance ingredient → the core diseases it implies
		"metformin": {reference.Diabetes}, "lisinopril": {reference.Hypertension},
		"atorvastatin": {reference.Dyslipidemia}, "sertraline": {reference.MentalHealth},
		"donepezil": {reference.Alzheimers}, "alendronate": {reference.BoneDiseaseArthritis},
		"amlodipine": {reference.Hypertension}, "benazepril": {reference.Hypertension},
		"losartan": {reference.Hypertension}, "rosuvastatin": {reference.Dyslipidemia},
		"bictegravir": {reference.HIVAIDS}, "tiotropium": {reference.Respiratory},
	}
	for ing, want := range drugs {
		d, ok := ref.Drugs.Lookup(ing)
		if !ok || !d.Maintenance || !slices.Equal(d.Diseases, want) {
			t.Errorf("reference drug %q: want a maintenance drug implying %v, got %+v (found %v)", ing, want, d, ok)
		}
	}
	if d, ok := ref.Drugs.Lookup("amoxicillin"); ok && d.Maintenance {
		t.Errorf("reference drug amoxicillin: want not maintenance")
	}
	codes := map[string]string{"E119": reference.Diabetes, "I10": reference.Hypertension, "E785": reference.Dyslipidemia,
		"B20": reference.HIVAIDS, "F329": reference.MentalHealth, "J449": reference.Respiratory, "I509": reference.CHF}
	for code, want := range codes {
		if got := ref.Diagnoses.Diseases(code); !slices.Equal(got, []string{want}) {
			t.Errorf("reference diagnosis %s: got %v, want [%s]", code, got, want)
		}
	}
}

func TestDiseaseKeysFit(t *testing.T) {
	t.Parallel()
	// A DiseaseSet has 16 bits.
	if n := len(reference.DiseaseKeys); n > 16 {
		t.Fatalf("%d disease keys do not fit a DiseaseSet", n)
	}
	all := domain.DiseaseSetOf(reference.DiseaseKeys...)
	if diff := cmp.Diff(slices.Sorted(slices.Values(reference.DiseaseKeys)), all.Keys()); diff != "" {
		t.Errorf("Keys() of every disease (-want +got):\n%s", diff)
	}
	s := domain.DiseaseSetOf(reference.Hypertension, reference.CHF, "cancer")
	if s.Len() != 2 || !s.Has(reference.CHF) || s.Has(reference.Diabetes) || s.Has("cancer") {
		t.Errorf("DiseaseSetOf(hypertension, chf, cancer) = %v, want {chf, hypertension}", s.Keys())
	}
}

// TestFactsWindows checks every window edge: day 0 is the as-of date and a
// window of n days covers days 0..n-1.
func TestFactsWindows(t *testing.T) {
	t.Parallel()
	for _, year := range []int{2024, 2025} {
		t.Run(fmt.Sprintf("CY%d", year), func(t *testing.T) {
			t.Parallel()
			testFactsWindows(t, cmsRules(t, year))
		})
	}
}

func testFactsWindows(t *testing.T, rules domain.Rules) {
	type want struct {
		Diagnosed, Implied []string
		Ingredients        []string
		CostWindowCents    int64
	}
	tests := []struct {
		name   string
		claims []domain.Claim
		dxs    []domain.Diagnosis
		want   want
	}{
		{"diagnosis on day 0", nil, []domain.Diagnosis{dx("E119", asOf25, 0)}, want{Diagnosed: []string{"diabetes"}}},
		{"diagnosis on day 364", nil, []domain.Diagnosis{dx("E119", asOf25, 364)}, want{Diagnosed: []string{"diabetes"}}},
		{"diagnosis on day 365", nil, []domain.Diagnosis{dx("E119", asOf25, 365)}, want{}},
		{"diagnosis after as-of", nil, []domain.Diagnosis{dx("E119", asOf25, -1)}, want{}},
		{"fill on day 0", []domain.Claim{fill("c1", asOf25, 0, "metformin", 1000)}, nil,
			want{Implied: []string{"diabetes"}, Ingredients: []string{"metformin"}, CostWindowCents: 1000}},
		{"fill on day 90: cost's last day", []domain.Claim{fill("c1", asOf25, 90, "metformin", 1000)}, nil,
			want{Implied: []string{"diabetes"}, Ingredients: []string{"metformin"}, CostWindowCents: 1000}},
		{"fill on day 91: out of cost", []domain.Claim{fill("c1", asOf25, 91, "metformin", 1000)}, nil,
			want{Implied: []string{"diabetes"}, Ingredients: []string{"metformin"}}},
		{"fill on day 179: drug's last day", []domain.Claim{fill("c1", asOf25, 179, "metformin", 1000)}, nil,
			want{Implied: []string{"diabetes"}, Ingredients: []string{"metformin"}}},
		{"fill on day 180: out of drugs, still a disease", []domain.Claim{fill("c1", asOf25, 180, "metformin", 1000)}, nil,
			want{Implied: []string{"diabetes"}}},
		{"fill on day 364: disease's last day", []domain.Claim{fill("c1", asOf25, 364, "metformin", 1000)}, nil,
			want{Implied: []string{"diabetes"}}},
		{"fill on day 365: counts nowhere", []domain.Claim{fill("c1", asOf25, 365, "metformin", 1000)}, nil, want{}},
		{"fill after as-of: counts nowhere", []domain.Claim{fill("c1", asOf25, -1, "metformin", 1000)}, nil, want{}},
		{"combination counts each ingredient", []domain.Claim{fill("c1", asOf25, 10, "amlodipine / benazepril", 1000)}, nil,
			want{Implied: []string{"hypertension"}, Ingredients: []string{"amlodipine", "benazepril"}, CostWindowCents: 1000}},
		{"an ingredient counts once", []domain.Claim{fill("c1", asOf25, 10, "amlodipine / benazepril", 1000),
			fill("c2", asOf25, 40, "amlodipine", 500), fill("c3", asOf25, 70, "benazepril", 500)}, nil,
			want{Implied: []string{"hypertension"}, Ingredients: []string{"amlodipine", "benazepril"}, CostWindowCents: 2000}},
		{"non-maintenance drug: cost only", []domain.Claim{fill("c1", asOf25, 5, "amoxicillin", 1500)}, nil,
			want{CostWindowCents: 1500}},
		{"unknown ingredient: cost only", []domain.Claim{fill("c1", asOf25, 5, "not a drug", 700)}, nil,
			want{CostWindowCents: 700}},
		{"reversed claim counts nowhere", []domain.Claim{func() domain.Claim {
			c := fill("c1", asOf25, 5, "metformin", 700)
			c.Reversed = true
			return c
		}()}, nil, want{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := buildFacts(t, rules, asOf25, false, tt.claims, tt.dxs)
			got := want{f.Diagnosed.Keys(), f.DrugImplied.Keys(), f.Ingredients, f.CostWindowCents}
			if diff := cmp.Diff(tt.want, got, cmpEmpty); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
			if f.ProjectedAnnualCostCents != 4*f.CostWindowCents {
				t.Errorf("projected = %d, want 4 × %d", f.ProjectedAnnualCostCents, f.CostWindowCents)
			}
		})
	}
}

// cmpEmpty treats nil and empty slices alike.
var cmpEmpty = cmp.FilterValues(func(x, y []string) bool { return len(x) == 0 && len(y) == 0 }, cmp.Ignore())

func TestFactsPlanWindows(t *testing.T) {
	t.Parallel()
	rules := cmsRules(t, 2025)
	rules.DiseaseWindowDays, rules.DrugWindowDays, rules.CostWindowDays = 30, 20, 182
	claims := []domain.Claim{
		fill("c1", asOf25, 19, "lisinopril", 1000),  // every window
		fill("c2", asOf25, 20, "metformin", 1000),   // disease and cost
		fill("c3", asOf25, 30, "atorvastatin", 300), // cost only
		fill("c4", asOf25, 182, "sertraline", 9999), // nowhere
	}
	f := buildFacts(t, rules, asOf25, false, claims, nil)
	if diff := cmp.Diff([]string{"diabetes", "hypertension"}, f.DrugImplied.Keys()); diff != "" {
		t.Errorf("diseases (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"lisinopril"}, f.Ingredients); diff != "" {
		t.Errorf("ingredients (-want +got):\n%s", diff)
	}
	// A 182-day window is half of the 364-day year the 4 × 91 default implies.
	if f.CostWindowCents != 2300 || f.ProjectedAnnualCostCents != 4600 {
		t.Errorf("cost = %d, projected = %d; want 2300, 4600", f.CostWindowCents, f.ProjectedAnnualCostCents)
	}
}

func TestFactsCoreDiseasesOfTheYear(t *testing.T) {
	t.Parallel()
	dxs := []domain.Diagnosis{dx("B20", asOf25, 10), dx("E119", asOf25, 10)}
	claims := []domain.Claim{fill("c1", asOf25, 10, "bictegravir", 300000)}
	for year, want := range map[int][]string{2024: {"diabetes"}, 2025: {"diabetes", "hiv_aids"}} {
		f := buildFacts(t, cmsRules(t, year), asOf25, false, claims, dxs)
		if diff := cmp.Diff(want, f.Diseases().Keys()); diff != "" {
			t.Errorf("CY%d diseases (-want +got):\n%s", year, diff)
		}
	}
}

func TestFactsEvidence(t *testing.T) {
	t.Parallel()
	claims := []domain.Claim{
		fill("c2", asOf25, 100, "amlodipine / benazepril", 2500),
		fill("c1", asOf25, 10, "metformin", 1234),
		fill("c3", asOf25, 5, "amoxicillin", 800),
	}
	dxs := []domain.Diagnosis{dx("E119", asOf25, 200), dx("Z000", asOf25, 3)}
	f := buildFacts(t, cmsRules(t, 2025), asOf25, true, claims, dxs)
	d := func(n int) civil.Date { return asOf25.AddDays(-n) }
	want := &domain.FactsEvidence{
		Diseases: []domain.Evidence{
			{Kind: "diagnosis", ID: "E119", Date: d(200), Detail: "diabetes"},
			{Kind: "claim", ID: "c2", Date: d(100), Detail: "hypertension: amlodipine"},
			{Kind: "claim", ID: "c2", Date: d(100), Detail: "hypertension: benazepril"},
			{Kind: "claim", ID: "c1", Date: d(10), Detail: "diabetes: metformin"},
		},
		Drugs: []domain.Evidence{
			{Kind: "claim", ID: "c2", Date: d(100), Detail: "amlodipine"},
			{Kind: "claim", ID: "c2", Date: d(100), Detail: "benazepril"},
			{Kind: "claim", ID: "c1", Date: d(10), Detail: "metformin"},
		},
		Cost: []domain.Evidence{
			{Kind: "claim", ID: "c1", Date: d(10), Detail: "12.34"},
			{Kind: "claim", ID: "c3", Date: d(5), Detail: "8.00"},
		},
	}
	if diff := cmp.Diff(want, f.Evidence); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if f := buildFacts(t, cmsRules(t, 2025), asOf25, false, claims, dxs); f.Evidence != nil {
		t.Errorf("evidence without keepEvidence = %+v, want nil", f.Evidence)
	}
}

func TestFactsBuilderReuse(t *testing.T) {
	t.Parallel()
	b := domain.NewFactsBuilder(testRef(t), cmsRules(t, 2025), asOf25, true)
	b.AddClaim(fill("c1", asOf25, 1, "metformin", 100))
	first := b.Facts()
	b.Reset()
	b.AddClaim(fill("c2", asOf25, 1, "lisinopril", 200))
	second := b.Facts()
	other := b.Fresh()
	other.AddDiagnosis(dx("I10", asOf25, 1))

	if diff := cmp.Diff([]string{"metformin"}, first.Ingredients); diff != "" {
		t.Errorf("first member's ingredients changed by the next (-want +got):\n%s", diff)
	}
	if len(first.Evidence.Cost) != 1 || first.CostWindowCents != 100 {
		t.Errorf("first member's facts changed by the next: %+v", first)
	}
	if diff := cmp.Diff([]string{"lisinopril"}, second.Ingredients); diff != "" {
		t.Errorf("after Reset (-want +got):\n%s", diff)
	}
	if f := other.Facts(); len(f.Ingredients) != 0 || f.CostWindowCents != 0 || !f.Diagnosed.Has("hypertension") || f.AsOf != asOf25 {
		t.Errorf("Fresh builder = %+v, want only the diagnosis", f)
	}
}
