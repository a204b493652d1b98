package synth

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// population summarizes a run from its files alone, the way an evaluator
// would see it.
type population struct {
	members                      int
	under65, female              int
	dmp, hospice, ltc, openEnded int
	evident                      [numDiseases]int // members with the disease by diagnosis or maintenance drug
	paid, reversed               int
	maxDrugs, noDrugs, combos    int
	earlyRefills, lateRefills    int
	overCY2025Threshold          int // projected annual cost ≥ $1,623
}

func summarize(t *testing.T, dir string, asOf civil.Date) population {
	t.Helper()
	implies := map[string][]int{}
	for _, d := range mustRef(t).Drugs.All() {
		if !d.Maintenance {
			continue
		}
		for _, key := range d.Diseases {
			if dis := slices.Index(diseaseKeys[:], key); dis >= 0 {
				implies[d.Ingredient] = append(implies[d.Ingredient], dis)
			}
		}
	}
	var pop population
	index := map[string]int{}
	scan(t, filepath.Join(dir, MembersFile), func(_ int, r record) {
		index[r.get("member_id")] = pop.members
		pop.members++
		birth, _ := civil.Parse(r.get("birth_date"))
		count(&pop.under65, asOf.Year()-birth.Year() < 65)
		count(&pop.female, r.get("sex") == "F")
		count(&pop.dmp, isY(r.get("dmp_at_risk")))
		count(&pop.hospice, isY(r.get("hospice")))
		count(&pop.ltc, isY(r.get("ltc")))
		count(&pop.openEnded, r.get("coverage_end") == "")
	})
	has := make([][numDiseases]bool, pop.members)
	drugs := make([]map[string]civil.Date, pop.members) // last fill date per drug
	cost91 := make([]int64, pop.members)
	scan(t, filepath.Join(dir, ClaimsFile), func(_ int, r record) {
		m := index[r.get("member_id")]
		day, _ := civil.Parse(r.get("fill_date"))
		cents, _ := domain.ParseCents(r.get("total_cost"))
		if asOf-day > 90 {
			cents = 0
		}
		if r.get("status") == "reversed" {
			pop.reversed++
			cost91[m] -= cents // it cancels the paid row just above
			return
		}
		pop.paid++
		cost91[m] += cents
		name := r.get("generic_name")
		for _, ing := range domain.SplitIngredients(name) {
			for _, dis := range implies[ing] {
				has[m][dis] = true
			}
		}
		if drugs[m] == nil {
			drugs[m] = map[string]civil.Date{}
		}
		if last, ok := drugs[m][name]; ok {
			count(&pop.earlyRefills, day-last < 25)
			count(&pop.lateRefills, day-last > 45 && day-last < 85)
		}
		drugs[m][name] = day
		count(&pop.combos, strings.Contains(name, " / "))
	})
	diagnoses := mustRef(t).Diagnoses
	scan(t, filepath.Join(dir, DiagnosesFile), func(_ int, r record) {
		for _, key := range diagnoses.Diseases(r.get("icd10")) {
			if dis := slices.Index(diseaseKeys[:], key); dis >= 0 {
				has[index[r.get("member_id")]][dis] = true
			}
		}
	})
	for m := range has {
		for dis, ok := range has[m] {
			count(&pop.evident[dis], ok)
		}
		pop.maxDrugs = max(pop.maxDrugs, len(drugs[m]))
		count(&pop.noDrugs, len(drugs[m]) == 0)
		count(&pop.overCY2025Threshold, 4*cost91[m] >= 162300)
	}
	return pop
}

func count(n *int, cond bool) {
	if cond {
		*n++
	}
}

// TestPopulationLooksLikeMedicare checks loose bounds around the figures of
// figures.go. Diseases are counted as an evaluator sees them (a diagnosis
// or a maintenance drug that implies them), which is less than the drawn
// prevalence: untreated members of stand-alone PDPs leave no trace.
func TestPopulationLooksLikeMedicare(t *testing.T) {
	t.Parallel()
	asOf := DefaultAsOf
	dir, st := generate(t, Config{Members: 10000, Seed: 2025})
	pop := summarize(t, dir, asOf)
	t.Logf("%+v", pop)
	share := func(n int) float64 { return float64(n) / float64(pop.members) }

	bounds := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"under 65", share(pop.under65), 0.10, 0.20},
		{"female", share(pop.female), 0.50, 0.60},
		{"DMP at-risk", share(pop.dmp), 0.002, 0.01},
		{"hospice", share(pop.hospice), 0.004, 0.02},
		{"long-term care", share(pop.ltc), 0.025, 0.06},
		{"open coverage", share(pop.openEnded), 0.90, 0.98},
		{"hypertension", share(pop.evident[dHypertension]), 0.45, 0.65},
		{"dyslipidemia", share(pop.evident[dDyslipidemia]), 0.35, 0.55},
		{"diabetes", share(pop.evident[dDiabetes]), 0.18, 0.32},
		{"chf", share(pop.evident[dCHF]), 0.08, 0.18},
		{"mental health", share(pop.evident[dMental]), 0.10, 0.22},
		{"respiratory", share(pop.evident[dRespiratory]), 0.07, 0.16},
		{"esrd", share(pop.evident[dESRD]), 0.002, 0.01},
		{"no drugs", share(pop.noDrugs), 0.02, 0.15},
		{"claim rows per member", float64(st.Claims) / float64(pop.members), 30, 50},
		{"reversals per paid claim", float64(pop.reversed) / float64(pop.paid), 0.015, 0.025},
		{"projected cost over CY2025 threshold", share(pop.overCY2025Threshold), 0.10, 0.45},
	}
	for _, b := range bounds {
		if b.got < b.lo || b.got > b.hi {
			t.Errorf("%s = %.4f, want within [%g, %g]", b.name, b.got, b.lo, b.hi)
		}
	}
	if pop.maxDrugs > maxDrugs || pop.maxDrugs < 15 {
		t.Errorf("most distinct drugs of one member = %d, want a long tail up to at most %d", pop.maxDrugs, maxDrugs)
	}
	if pop.combos == 0 || pop.earlyRefills == 0 || pop.lateRefills == 0 {
		t.Errorf("combination fills %d, early refills %d, late refills %d; want some of each",
			pop.combos, pop.earlyRefills, pop.lateRefills)
	}
}
