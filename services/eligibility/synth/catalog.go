package synth

import (
	"errors"
	"math/rand/v2"
	"strings"

	"github.com/openmtm/openmtm/services/reference"
)

// The ten core chronic diseases, by the formats.md keys. Arrays indexed by
// these constants keep per-member disease sets allocation-free.
const (
	dAlzheimers = iota
	dBone
	dCHF
	dDiabetes
	dDyslipidemia
	dESRD
	dHIV
	dHypertension
	dMental
	dRespiratory
	numDiseases
)

// diseaseKeys are the formats.md keys, in the order of the constants above.
var diseaseKeys = [numDiseases]string{
	reference.Alzheimers, reference.BoneDiseaseArthritis, reference.CHF, reference.Diabetes,
	reference.Dyslipidemia, reference.ESRD, reference.HIVAIDS, reference.Hypertension,
	reference.MentalHealth, reference.Respiratory,
}

// kind says how a drug is used, and so how its fills are drawn.
type kind uint8

const (
	kindChronic kind = iota // maintenance: refilled all year
	kindAntibiotic
	kindOpioid
	kindNSAID
	kindBenzo
	kindAcuteOther
	numKinds
)

// form says how quantity is counted.
type form uint8

const (
	formTablet     form = iota // units per day × days
	formInsulin                // mL
	formInjectable             // pens or syringes
	formInhaler                // inhalers
)

// catDrug is a product the generator can dispense: a reference ingredient,
// or a combination of reference ingredients (the reference holds no
// combination rows; formats.md joins their ingredients with " / ").
type catDrug struct {
	name        []byte // generic_name as written
	ingredients []string
	kind        kind
	form        form
	tier        tier
}

// catalog is the drug reference arranged for drawing: per core disease the
// drugs taken for it, other maintenance drugs, and the acute kinds.
type catalog struct {
	drugs     []catDrug
	byName    map[string]int32
	byDisease [numDiseases]pool
	chronic   pool // maintenance drugs for no core disease
	acute     [numKinds]pool
}

func newCatalog(ref *reference.Reference) (*catalog, error) {
	if ref == nil || ref.Drugs == nil {
		return nil, errors.New("no drug reference")
	}
	ingredients := map[string]*reference.Drug{}
	for _, d := range ref.Drugs.All() {
		ingredients[strings.ToLower(strings.TrimSpace(d.Ingredient))] = d
	}
	diseaseIndex := make(map[string]int, numDiseases)
	for i, k := range diseaseKeys {
		diseaseIndex[k] = i
	}
	c := &catalog{byName: map[string]int32{}}
	// Every ingredient, then the combinations whose parts all exist, each
	// in the pools its reference rows put it in, with a small weight.
	names := make([]string, 0, len(ingredients)+len(combinations))
	for _, d := range ref.Drugs.All() {
		names = append(names, strings.ToLower(strings.TrimSpace(d.Ingredient)))
	}
	names = append(names, combinations...)
	for _, name := range names {
		var parts []*reference.Drug
		for _, ing := range splitIngredients(name) {
			d, ok := ingredients[ing]
			if !ok {
				parts = nil // a combination with an ingredient the reference lacks
				break
			}
			parts = append(parts, d)
		}
		if _, dup := c.byName[name]; dup || len(parts) == 0 {
			continue
		}
		cd, maintenance, implied := describe(name, parts, diseaseIndex)
		i := int32(len(c.drugs))
		c.drugs = append(c.drugs, cd)
		c.byName[name] = i
		w := defaultWeight(cd.tier)
		switch {
		case maintenance && len(implied) > 0:
			for _, dis := range implied {
				c.byDisease[dis].add(i, w)
			}
		case maintenance:
			c.chronic.add(i, w)
		default:
			c.acute[cd.kind].add(i, w)
		}
	}
	if len(c.drugs) == 0 {
		return nil, errors.New("the drug reference holds no drugs")
	}
	// Then the drugs most often taken, by name, with much larger weights.
	for dis, list := range treats {
		for _, t := range list {
			if i, ok := c.byName[t.name]; ok {
				c.byDisease[dis].add(i, t.weight*commonScale)
			}
		}
	}
	for _, t := range commonOther {
		if i, ok := c.byName[t.name]; ok {
			if k := c.drugs[i].kind; k == kindChronic {
				c.chronic.add(i, t.weight*commonScale)
			} else {
				c.acute[k].add(i, t.weight*commonScale)
			}
		}
	}
	return c, nil
}

// describe derives a product's kind, form and cost tier from its
// ingredients' reference rows, and whether it is a maintenance drug and
// which core diseases it implies.
func describe(name string, parts []*reference.Drug, diseaseIndex map[string]int) (catDrug, bool, []int) {
	cd := catDrug{name: []byte(name), ingredients: splitIngredients(name), kind: kindChronic}
	classes := map[string]bool{}
	maintenance := false
	var implied []int
	for _, p := range parts {
		maintenance = maintenance || p.Maintenance
		for _, cl := range p.Classes {
			classes[cl] = true
		}
		for _, key := range p.Diseases {
			if i, ok := diseaseIndex[key]; ok && !containsInt(implied, i) {
				implied = append(implied, i)
			}
		}
	}
	cd.tier = tierOf(cd.ingredients, classes)
	cd.form = formOf(classes)
	if !maintenance {
		cd.kind = acuteKind(classes)
	}
	return cd, maintenance, implied
}

// pool is a weighted choice among catalog drugs.
type pool struct {
	idx []int32 // catalog indexes
	cum []int32 // cumulative weights
}

func (p *pool) add(i int32, w int) {
	total := int32(0)
	if n := len(p.cum); n > 0 {
		total = p.cum[n-1]
	}
	p.idx = append(p.idx, i)
	p.cum = append(p.cum, total+int32(w))
}

func (p *pool) empty() bool { return len(p.idx) == 0 }

// pick draws one drug; the pool must not be empty.
func (p *pool) pick(r *rand.Rand) int32 {
	x := int32(r.IntN(int(p.cum[len(p.cum)-1])))
	lo, hi := 0, len(p.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if p.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return p.idx[lo]
}

func splitIngredients(name string) []string {
	var out []string
	for _, p := range strings.Split(name, "/") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func anyClass(classes map[string]bool, list []string) bool {
	for _, cl := range list {
		if classes[cl] {
			return true
		}
	}
	return false
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
