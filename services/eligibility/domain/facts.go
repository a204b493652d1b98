package domain

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
)

// Facts are what a member's claims and diagnoses show on an as-of date under
// one rule set's windows and core diseases: the input of Evaluate and of CEL
// programs. Build them with a FactsBuilder.
type Facts struct {
	AsOf         civil.Date
	ContractYear int
	// Diagnosed holds the core diseases of a diagnosis in the disease window;
	// DrugImplied those implied by a paid maintenance fill in it.
	Diagnosed   DiseaseSet
	DrugImplied DiseaseSet
	// Ingredients are the distinct maintenance ingredients with a paid fill in
	// the drug window, sorted; a combination product adds each of its own.
	Ingredients []string
	// CostWindowCents totals every paid fill in the cost window;
	// ProjectedAnnualCostCents annualizes it (4 × the 91-day default).
	CostWindowCents          int64
	ProjectedAnnualCostCents int64
	// Member facts, which WithMember (and so Evaluate) fills in.
	Age                     int
	LTC, DMPAtRisk, Hospice bool
	// Evidence is nil unless the builder kept it.
	Evidence *FactsEvidence
}

// FactsEvidence lists the rows behind each fact, for a determination's
// evidence, in date then id order.
type FactsEvidence struct {
	Diseases []Evidence // Detail: the disease, and the ingredient for a fill ("diabetes: metformin")
	Drugs    []Evidence // Detail: the maintenance ingredient
	Cost     []Evidence // Detail: the fill's total cost in USD
}

// Diseases returns the core diseases found from either source.
func (f Facts) Diseases() DiseaseSet { return f.Diagnosed | f.DrugImplied }

// WithMember returns f with the facts taken from the member record: age on
// f.AsOf and the ltc, dmp_at_risk and hospice flags.
func (f Facts) WithMember(m Member) Facts {
	f.Age = civil.Age(m.BirthDate, f.AsOf)
	f.LTC, f.DMPAtRisk, f.Hospice = m.LTC, m.DMPAtRisk, m.Hospice
	return f
}

func (f Facts) celFacts() memberFacts {
	all := f.Diseases()
	return memberFacts{
		ChronicDiseases:      all.Keys(),
		ChronicDiseaseCount:  int64(all.Len()),
		DiagnosedDiseases:    f.Diagnosed.Keys(),
		DrugDiseases:         f.DrugImplied.Keys(),
		MaintenanceDrugCount: int64(len(f.Ingredients)),
		Ingredients:          f.Ingredients,
		ProjectedAnnualCost:  float64(f.ProjectedAnnualCostCents) / 100,
		Age:                  int64(f.Age),
		LTC:                  f.LTC,
		DMPAtRisk:            f.DMPAtRisk,
		Hospice:              f.Hospice,
		ContractYear:         int64(f.ContractYear),
	}
}

// DiseaseSet is a set of disease keys, one bit per key of
// reference.DiseaseKeys in sorted order, so that a member's diseases cost
// two bytes per source however many claims imply them.
type DiseaseSet uint16

// diseaseKeys is reference.DiseaseKeys sorted: bit i of a DiseaseSet.
var diseaseKeys, diseaseBits = func() ([]string, map[string]DiseaseSet) {
	keys := slices.Sorted(slices.Values(reference.DiseaseKeys))
	keys = slices.Compact(keys)[:min(len(keys), 16)] // TestDiseaseKeysFit guards the 16
	m := make(map[string]DiseaseSet, len(keys))
	for i, k := range keys {
		m[k] = 1 << i
	}
	return keys, m
}()

// DiseaseSetOf returns the set of the given keys; unknown keys are ignored.
func DiseaseSetOf(keys ...string) DiseaseSet {
	var s DiseaseSet
	for _, k := range keys {
		s |= diseaseBits[k]
	}
	return s
}

// Has reports whether key is in s.
func (s DiseaseSet) Has(key string) bool { b := diseaseBits[key]; return b != 0 && s&b != 0 }

// Len returns the number of diseases in s.
func (s DiseaseSet) Len() int { return bits.OnesCount16(uint16(s)) }

// Keys returns the disease keys of s, sorted.
func (s DiseaseSet) Keys() []string {
	out := make([]string, 0, s.Len())
	for i, k := range diseaseKeys {
		if s&(1<<i) != 0 {
			out = append(out, k)
		}
	}
	return out
}

// FactsBuilder accumulates one member's paid claims and diagnoses into
// Facts. Its state is a few words (two disease bitmasks, a sorted slice of
// ingredient ids and a cost in cents) so that the batch command can hold
// one per member of a million-member plan; with keepEvidence it also keeps
// the rows behind each fact, for the service's determinations. A builder is
// not safe for concurrent use; builders made by Fresh share their
// configuration read-only, so a batch makes one with NewFactsBuilder and a
// Fresh one per member.
type FactsBuilder struct {
	cfg                *factsConfig
	diagnosed, implied DiseaseSet
	drugs              []uint16 // reference drug ids, sorted, distinct
	costCents          int64
	ev                 *FactsEvidence
}

type factsConfig struct {
	ref          *reference.Reference
	asOf         civil.Date
	contractYear int
	core         DiseaseSet
	// The windows: a row dated d is in a window of n days when
	// 0 <= asOf-d < n (day 0 is the as-of date).
	diseaseDays, drugDays, costDays int
	keepEvidence                    bool
}

// NewFactsBuilder returns an empty builder for one member on asOf under
// rules (its windows and core diseases).
func NewFactsBuilder(ref *reference.Reference, rules Rules, asOf civil.Date, keepEvidence bool) *FactsBuilder {
	return &FactsBuilder{cfg: &factsConfig{
		ref:          ref,
		asOf:         asOf,
		contractYear: rules.ContractYear,
		core:         DiseaseSetOf(rules.CoreDiseases...),
		diseaseDays:  orDefault(rules.DiseaseWindowDays, DefaultDiseaseWindowDays),
		drugDays:     orDefault(rules.DrugWindowDays, DefaultDrugWindowDays),
		costDays:     orDefault(rules.CostWindowDays, DefaultCostWindowDays),
		keepEvidence: keepEvidence,
	}}
}

// Fresh returns an empty builder for another member with b's configuration
// (reference, rules, as-of date), without recomputing or copying it.
func (b *FactsBuilder) Fresh() FactsBuilder { return FactsBuilder{cfg: b.cfg} }

// Reset empties b for the next member, keeping its configuration.
func (b *FactsBuilder) Reset() { *b = FactsBuilder{cfg: b.cfg, drugs: b.drugs[:0]} }

// AddClaim adds a paid claim. Reversals are the caller's business: a claim
// marked Reversed is ignored here, and the caller must not pass the paid
// claim a reversal cancelled. A claim dated after the as-of date is ignored.
func (b *FactsBuilder) AddClaim(c Claim) {
	cfg := b.cfg
	day := int(cfg.asOf - c.FillDate) // 0 on the as-of date
	if c.Reversed || day < 0 {
		return
	}
	if day < cfg.costDays {
		b.costCents += c.TotalCost
		if cfg.keepEvidence {
			ev := b.evidence()
			ev.Cost = append(ev.Cost, Evidence{EvidenceClaim, c.ClaimID, c.FillDate, FormatCents(c.TotalCost)})
		}
	}
	inDisease, inDrug := day < cfg.diseaseDays, day < cfg.drugDays
	if !inDisease && !inDrug {
		return
	}
	// Split "a / b" by hand: this runs for every claim row of a plan.
	for rest := c.GenericName; rest != ""; {
		var ing string
		ing, rest, _ = strings.Cut(rest, "/")
		drug, ok := cfg.ref.Drugs.Lookup(strings.TrimSpace(ing))
		if !ok || !drug.Maintenance {
			continue
		}
		if inDisease {
			implied := DiseaseSetOf(drug.Diseases...) & cfg.core
			b.implied |= implied
			if cfg.keepEvidence {
				ev := b.evidence()
				for _, k := range implied.Keys() {
					ev.Diseases = append(ev.Diseases, Evidence{EvidenceClaim, c.ClaimID, c.FillDate, k + ": " + drug.Ingredient})
				}
			}
		}
		if inDrug {
			if i, found := slices.BinarySearch(b.drugs, drug.ID); !found {
				if b.drugs == nil {
					b.drugs = make([]uint16, 0, 8) // one allocation for a typical member
				}
				b.drugs = slices.Insert(b.drugs, i, drug.ID)
			}
			if cfg.keepEvidence {
				ev := b.evidence()
				ev.Drugs = append(ev.Drugs, Evidence{EvidenceClaim, c.ClaimID, c.FillDate, drug.Ingredient})
			}
		}
	}
}

// AddDiagnosis adds a diagnosis: the core diseases of its code count when
// its service date is in the disease window.
func (b *FactsBuilder) AddDiagnosis(d Diagnosis) {
	cfg := b.cfg
	day := int(cfg.asOf - d.ServiceDate)
	if day < 0 || day >= cfg.diseaseDays {
		return
	}
	found := DiseaseSetOf(cfg.ref.Diagnoses.Diseases(d.ICD10)...) & cfg.core
	b.diagnosed |= found
	if cfg.keepEvidence {
		ev := b.evidence()
		for _, k := range found.Keys() {
			ev.Diseases = append(ev.Diseases, Evidence{EvidenceDiagnosis, d.ICD10, d.ServiceDate, k})
		}
	}
}

func (b *FactsBuilder) evidence() *FactsEvidence {
	if b.ev == nil {
		b.ev = &FactsEvidence{}
	}
	return b.ev
}

// Facts returns what the builder has seen. The builder may go on adding, or
// be Reset; the returned Facts do not change.
func (b *FactsBuilder) Facts() Facts {
	cfg := b.cfg
	f := Facts{
		AsOf:            cfg.asOf,
		ContractYear:    cfg.contractYear,
		Diagnosed:       b.diagnosed,
		DrugImplied:     b.implied,
		Ingredients:     make([]string, 0, len(b.drugs)),
		CostWindowCents: b.costCents,
		// 4 quarters of 91 days: formats.md's 4 × the 91-day total, and the
		// same 364-day year for a plan's other cost windows.
		ProjectedAnnualCostCents: b.costCents * 364 / int64(cfg.costDays),
	}
	for _, id := range b.drugs {
		if d := cfg.ref.Drugs.ByID(id); d != nil {
			f.Ingredients = append(f.Ingredients, d.Ingredient)
		}
	}
	slices.Sort(f.Ingredients)
	if cfg.keepEvidence {
		ev := b.evidence()
		f.Evidence = &FactsEvidence{Diseases: sortedEvidence(ev.Diseases), Drugs: sortedEvidence(ev.Drugs), Cost: sortedEvidence(ev.Cost)}
	}
	return f
}

// sortedEvidence returns a sorted copy, so later adds do not show through.
func sortedEvidence(ev []Evidence) []Evidence {
	out := slices.Clone(ev)
	slices.SortFunc(out, func(a, b Evidence) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Detail, b.Detail))
	})
	return out
}
