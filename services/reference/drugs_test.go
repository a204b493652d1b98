package reference_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/reference"
)

func mustDefault(t testing.TB) *reference.Reference {
	t.Helper()
	ref, err := reference.Default()
	if err != nil {
		t.Fatalf("Default() error: %v", err)
	}
	return ref
}

func TestEmbeddedDrugs(t *testing.T) {
	t.Parallel()
	drugs := mustDefault(t).Drugs
	maintenance := 0
	prev := ""
	for i, d := range drugs.All() {
		if int(d.ID) != i || drugs.ByID(d.ID) != d {
			t.Errorf("%s: ID %d at position %d, ByID gives %v", d.Ingredient, d.ID, i, drugs.ByID(d.ID))
		}
		if d.Ingredient <= prev {
			t.Errorf("%q follows %q: the file must be sorted by ingredient without duplicates", d.Ingredient, prev)
		}
		prev = d.Ingredient
		if d.Ingredient != strings.ToLower(strings.TrimSpace(d.Ingredient)) || strings.Contains(d.Ingredient, "/") {
			t.Errorf("%q is not one lower-case ingredient", d.Ingredient)
		}
		if len(d.Classes) == 0 {
			t.Errorf("%s has no class", d.Ingredient)
		}
		for _, k := range d.Diseases {
			if !slices.Contains(reference.DiseaseKeys, k) {
				t.Errorf("%s: disease %q is not a disease key", d.Ingredient, k)
			}
		}
		for _, v := range d.ValueSets {
			if !slices.Contains(reference.ValueSetKeys, v) {
				t.Errorf("%s: value set %q is not a value set", d.Ingredient, v)
			}
		}
		if got, ok := drugs.Lookup(d.Ingredient); !ok || got != d {
			t.Errorf("Lookup(%q) = %v, %v", d.Ingredient, got, ok)
		}
		if d.Maintenance {
			maintenance++
		}
	}
	if maintenance < 300 {
		t.Errorf("%d maintenance ingredients, want at least 300", maintenance)
	}
	if drugs.ByID(uint16(drugs.Len())) != nil {
		t.Error("ByID(Len()) is not nil")
	}
}

func TestDrugSpotChecks(t *testing.T) {
	t.Parallel()
	type facts struct {
		Maintenance, Beers  bool
		Diseases, ValueSets []string
	}
	tests := []struct {
		ingredient string
		class      string
		want       facts
	}{
		{"atorvastatin", "statin", facts{true, false, []string{"dyslipidemia"}, []string{"statins"}}},
		{"lisinopril", "ace_inhibitor", facts{true, false, []string{"hypertension"}, []string{"rasa"}}},
		{"losartan", "arb", facts{true, false, []string{"hypertension"}, []string{"rasa"}}},
		{"aliskiren", "direct_renin_inhibitor", facts{true, false, []string{"hypertension"}, []string{"rasa"}}},
		{"valsartan", "arb", facts{true, false, []string{"hypertension"}, []string{"rasa"}}},
		{"sacubitril", "neprilysin_inhibitor", facts{true, false, []string{"chf"}, []string{"sacubitril_valsartan"}}},
		{"metformin", "biguanide", facts{true, false, []string{"diabetes"}, []string{"diabetes"}}},
		{"glipizide", "sulfonylurea", facts{true, true, []string{"diabetes"}, []string{"diabetes"}}},
		{"empagliflozin", "sglt2_inhibitor", facts{true, false, []string{"diabetes"}, []string{"diabetes"}}},
		{"insulin glargine", "insulin", facts{true, false, []string{"diabetes"}, []string{"insulin"}}},
		{"semaglutide", "glp1_agonist", facts{true, false, nil, []string{"diabetes"}}},
		{"bictegravir", "antiretroviral", facts{true, false, []string{"hiv_aids"}, nil}},
		{"emtricitabine", "antiretroviral", facts{true, false, nil, nil}},
		{"donepezil", "cholinesterase_inhibitor", facts{true, false, []string{"alzheimers"}, nil}},
		{"sevelamer", "phosphate_binder", facts{true, false, []string{"esrd"}, nil}},
		{"tiotropium", "lama", facts{true, false, []string{"respiratory"}, nil}},
		{"sertraline", "ssri", facts{true, false, []string{"mental_health"}, nil}},
		{"alendronate", "bisphosphonate", facts{true, false, []string{"bone_disease_arthritis"}, nil}},
		{"metoprolol", "beta_blocker", facts{true, false, []string{"hypertension"}, nil}},
		{"furosemide", "loop_diuretic", facts{true, false, nil, nil}},
		{"levothyroxine", "thyroid_hormone", facts{true, false, nil, nil}},
		{"omeprazole", "ppi", facts{true, true, nil, nil}},
		{"oxycodone", "opioid", facts{false, false, nil, nil}},
		{"alprazolam", "benzodiazepine", facts{false, true, nil, nil}},
		{"ibuprofen", "nsaid", facts{false, true, nil, nil}},
		{"amoxicillin", "antibiotic", facts{false, false, nil, nil}},
	}
	drugs := mustDefault(t).Drugs
	for _, tt := range tests {
		t.Run(tt.ingredient, func(t *testing.T) {
			t.Parallel()
			d, ok := drugs.Lookup(tt.ingredient)
			if !ok {
				t.Fatalf("Lookup(%q) found nothing", tt.ingredient)
			}
			if !d.HasClass(tt.class) {
				t.Errorf("classes %v lack %q", d.Classes, tt.class)
			}
			got := facts{d.Maintenance, d.Beers, d.Diseases, d.ValueSets}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("facts mismatch (-want +got):\n%s", diff)
			}
			for _, v := range reference.ValueSetKeys {
				if d.InValueSet(v) != slices.Contains(tt.want.ValueSets, v) {
					t.Errorf("InValueSet(%q) = %v", v, d.InValueSet(v))
				}
			}
		})
	}
}

func TestDrugLookup(t *testing.T) {
	t.Parallel()
	drugs := mustDefault(t).Drugs
	tests := []struct {
		name string
		want string // ingredient found, "" for none
	}{
		{"atorvastatin", "atorvastatin"},
		{"  Atorvastatin ", "atorvastatin"},
		{"INSULIN  GLARGINE", "insulin glargine"},
		{"atorvastatin calcium", ""},
		{"amlodipine / benazepril", ""}, // combinations are looked up per ingredient
		{"", ""},
	}
	for _, tt := range tests {
		d, ok := drugs.Lookup(tt.name)
		got := ""
		if ok {
			got = d.Ingredient
		}
		if got != tt.want {
			t.Errorf("Lookup(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	var none *reference.Drugs
	if _, ok := none.Lookup("x"); ok || none.Len() != 0 || none.All() != nil || none.ByID(0) != nil {
		t.Error("a nil *Drugs is not empty")
	}
	var noDrug *reference.Drug
	if noDrug.HasClass("statin") || noDrug.InValueSet("statins") {
		t.Error("a nil *Drug has a class or value set")
	}
}

func TestLoadDrugsColumnsInAnyOrder(t *testing.T) {
	t.Parallel()
	in := "# a plan's file\nbeers,notes,Ingredient,maintenance,classes,value_sets,diseases\n" +
		",\"free, text\",Metformin,Y,biguanide; antidiabetic;,diabetes,diabetes\n" +
		"N,,acetaminophen,,analgesic,,\n"
	drugs, err := reference.LoadDrugs(strings.NewReader(in))
	if err != nil {
		t.Fatalf("LoadDrugs: %v", err)
	}
	want := []reference.Drug{
		{ID: 0, Ingredient: "metformin", Classes: []string{"biguanide", "antidiabetic"}, Maintenance: true,
			Diseases: []string{"diabetes"}, ValueSets: []string{"diabetes"}},
		{ID: 1, Ingredient: "acetaminophen", Classes: []string{"analgesic"}},
	}
	var got []reference.Drug
	for _, d := range drugs.All() {
		got = append(got, *d)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drugs mismatch (-want +got):\n%s", diff)
	}
}
