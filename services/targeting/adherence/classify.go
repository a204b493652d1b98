package adherence

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/reference"
)

// DrugID names a drug as the shifting rule sees it: one set of active
// ingredients ("amlodipine / benazepril" and "benazepril" are two drugs).
// Zero is no drug. IDs are dense and stable for one Classifier.
type DrugID uint32

// Class is what a claim's generic name means to the measures.
type Class struct {
	// Measures are the measures whose value set holds one of the
	// ingredients: a combination product counts for each.
	Measures MeasureSet
	// Insulin is set when an ingredient is an insulin: any such fill in the
	// year excludes the member from diabetes.
	Insulin bool
	// SacubitrilValsartan is set for sacubitril/valsartan: any such fill in
	// the year excludes the member from rasa.
	SacubitrilValsartan bool
	// Drug identifies the ingredients when Measures is not empty.
	Drug DrugID
}

// Relevant reports whether a fill of this class matters to any measure:
// in a value set, or excluding from one.
func (c Class) Relevant() bool { return c.Measures != 0 || c.Insulin || c.SacubitrilValsartan }

// maxCached bounds the classifier's memory in a long-running service fed
// arbitrary generic names; names past it are classified on every call.
const maxCached = 1 << 16

// Classifier sorts claims into measures by the value sets of the drug
// reference (data/drugs.csv value_sets). It caches by generic name, since a
// plan's tens of millions of claims name a few thousand products, and is
// safe for concurrent use.
type Classifier struct {
	drugs  *reference.Drugs
	cache  sync.Map // generic name → Class
	cached atomic.Int64

	mu    sync.Mutex
	ids   map[string]DrugID // sorted ingredients → id
	names []string          // id → sorted ingredients; names[0] = ""
}

// NewClassifier returns a classifier over drugs (nil: every claim is in no
// measure).
func NewClassifier(drugs *reference.Drugs) *Classifier {
	return &Classifier{drugs: drugs, ids: map[string]DrugID{}, names: []string{""}}
}

// Classify returns the class of a claim's generic name (ingredients joined
// by " / ", as domain.NewClaim normalises it).
func (c *Classifier) Classify(generic string) Class {
	if v, ok := c.cache.Load(generic); ok {
		return v.(Class)
	}
	cl := c.classify(generic)
	if c.cached.Load() < maxCached {
		if _, loaded := c.cache.LoadOrStore(generic, cl); !loaded {
			c.cached.Add(1)
		}
	}
	return cl
}

func (c *Classifier) classify(generic string) Class {
	var cl Class
	ingredients := domain.SplitIngredients(generic)
	for _, name := range ingredients {
		d, ok := c.drugs.Lookup(name)
		if !ok {
			continue
		}
		for _, vs := range d.ValueSets {
			switch vs {
			case reference.ValueSetDiabetes:
				cl.Measures = cl.Measures.With(Diabetes)
			case reference.ValueSetRASA:
				cl.Measures = cl.Measures.With(RASA)
			case reference.ValueSetStatins:
				cl.Measures = cl.Measures.With(Statins)
			case reference.ValueSetInsulin:
				cl.Insulin = true
			case reference.ValueSetSacubitrilValsartan:
				cl.SacubitrilValsartan = true
			}
		}
	}
	if cl.Measures != 0 {
		cl.Drug = c.id(ingredients)
	}
	return cl
}

// id returns the id of a set of ingredients, in any order.
func (c *Classifier) id(ingredients []string) DrugID {
	sorted := slices.Clone(ingredients)
	slices.Sort(sorted)
	key := strings.Join(slices.Compact(sorted), " / ")
	c.mu.Lock()
	defer c.mu.Unlock()
	if id, ok := c.ids[key]; ok {
		return id
	}
	id := DrugID(len(c.names))
	c.ids[key] = id
	c.names = append(c.names, key)
	return id
}

// DrugName returns the ingredients of a drug id, sorted and joined by
// " / ", or "" for an id the classifier did not hand out.
func (c *Classifier) DrugName(id DrugID) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if int(id) < len(c.names) {
		return c.names[id]
	}
	return ""
}
