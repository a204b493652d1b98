package reference

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Drug is one active ingredient of the drug reference (data/drugs.csv).
type Drug struct {
	// ID is a dense index, 0..Len()-1 in file order, stable for one loaded
	// table: evaluators key per-member arrays and bitsets by it.
	ID uint16
	// Ingredient is the active moiety, lower case, without salt or ester.
	Ingredient string
	// Classes are lower_snake pharmacologic class keys (statin, opioid, ...).
	Classes []string
	// Maintenance is true for a drug taken continuously for a chronic
	// condition: the drugs the CMS drug criterion counts.
	Maintenance bool
	// Diseases are the core disease keys a paid fill implies on its own.
	Diseases []string
	// ValueSets are the PQA value sets the drug belongs to.
	ValueSets []string
	// Beers is true when the drug is on the AGS Beers Criteria list of
	// potentially inappropriate medications for older adults.
	Beers bool
}

// HasClass reports whether the drug has class c.
func (d *Drug) HasClass(c string) bool { return d != nil && contains(d.Classes, c) }

// InValueSet reports whether the drug is in value set v.
func (d *Drug) InValueSet(v string) bool { return d != nil && contains(d.ValueSets, v) }

// Drugs is a loaded drug reference. It is read-only after loading and safe
// for concurrent use; the *Drug values it hands out are shared and must not
// be modified.
type Drugs struct {
	all    []*Drug
	byName map[string]*Drug
}

// maxDrugs is the most rows a drug reference may hold: IDs are uint16.
const maxDrugs = 1 << 16

// LoadDrugs reads a drug reference in the data/drugs.csv format. Every
// problem is a *ParseError naming the line and column.
func LoadDrugs(r io.Reader) (*Drugs, error) {
	t, err := newTable(r, "ingredient", "classes", "maintenance", "diseases", "value_sets", "beers")
	if err != nil {
		return nil, err
	}
	d := &Drugs{byName: map[string]*Drug{}}
	firstLine := map[string]int{}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if len(d.all) == maxDrugs {
			return nil, t.errorf("ingredient", "more than %d drugs: ids are 16-bit", maxDrugs)
		}
		drug, err := parseDrug(t)
		if err != nil {
			return nil, err
		}
		if line, dup := firstLine[drug.Ingredient]; dup {
			return nil, t.errorf("ingredient", "%q appears twice (first on line %d)", drug.Ingredient, line)
		}
		firstLine[drug.Ingredient] = t.line()
		drug.ID = uint16(len(d.all))
		d.all = append(d.all, drug)
		d.byName[drug.Ingredient] = drug
	}
	return d, nil
}

// parseDrug reads the current record of t.
func parseDrug(t *table) (*Drug, error) {
	drug := &Drug{Ingredient: normalizeName(t.get("ingredient"))}
	switch {
	case drug.Ingredient == "":
		return nil, t.errorf("ingredient", "is required")
	case strings.Contains(drug.Ingredient, "/"):
		return nil, t.errorf("ingredient", "must be a single active ingredient: list each ingredient of a combination on its own row")
	}
	var err error
	if drug.Classes, err = list(t, "classes", func(c string) string {
		if !classKey.MatchString(c) {
			return fmt.Sprintf("class %q must be a lower_snake key", c)
		}
		return ""
	}); err != nil {
		return nil, err
	}
	if drug.Diseases, err = list(t, "diseases", func(k string) string {
		if !validDisease[k] {
			return fmt.Sprintf("%q is not a core disease key (%s)", k, strings.Join(DiseaseKeys, ", "))
		}
		return ""
	}); err != nil {
		return nil, err
	}
	if drug.ValueSets, err = list(t, "value_sets", func(v string) string {
		if !validValueSet[v] {
			return fmt.Sprintf("%q is not a value set (%s)", v, strings.Join(ValueSetKeys, ", "))
		}
		return ""
	}); err != nil {
		return nil, err
	}
	if drug.Maintenance, err = t.yesNo("maintenance"); err != nil {
		return nil, err
	}
	if drug.Beers, err = t.yesNo("beers"); err != nil {
		return nil, err
	}
	return drug, nil
}

// list reads a ';'-separated column, checking each item with bad (which
// returns the problem, or ""); empty items are skipped, repeats rejected.
func list(t *table, name string, bad func(string) string) ([]string, error) {
	var out []string
	for item := range strings.SplitSeq(t.get(name), ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p := bad(item); p != "" {
			return nil, t.errorf(name, "%s", p)
		}
		if slices.Contains(out, item) {
			return nil, t.errorf(name, "%q appears twice", item)
		}
		out = append(out, item)
	}
	return out, nil
}

// normalizeName lower-cases s, trims it and collapses inner runs of spaces,
// allocating only when s needs it.
func normalizeName(s string) string {
	s = strings.TrimSpace(strings.ToLower(s))
	if strings.Contains(s, "  ") || strings.ContainsAny(s, "\t\n\r") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

// Lookup finds a drug by ingredient name: an exact match, else the name
// lower-cased and trimmed.
func (d *Drugs) Lookup(ingredient string) (*Drug, bool) {
	if d == nil {
		return nil, false
	}
	if drug, ok := d.byName[ingredient]; ok {
		return drug, true
	}
	key := normalizeName(ingredient)
	if key == ingredient {
		return nil, false
	}
	drug, ok := d.byName[key]
	return drug, ok
}

// ByID returns the drug with id, or nil when there is none.
func (d *Drugs) ByID(id uint16) *Drug {
	if d == nil || int(id) >= len(d.all) {
		return nil
	}
	return d.all[id]
}

// Len is the number of drugs; IDs run from 0 to Len()-1.
func (d *Drugs) Len() int {
	if d == nil {
		return 0
	}
	return len(d.all)
}

// All returns every drug in ID order, in a slice the caller may keep.
func (d *Drugs) All() []*Drug {
	if d == nil {
		return nil
	}
	return slices.Clone(d.all)
}
