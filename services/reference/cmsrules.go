package reference

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CMSRules are CMS's Part D MTM targeting parameters for one contract year
// (data/cms_rules.yaml, from domain.md 1.3): the most a plan may require, and
// what counts.
type CMSRules struct {
	ContractYear int
	// CoreDiseases are the disease keys of the year's core chronic diseases,
	// sorted.
	CoreDiseases []string
	// SponsorChoosesDiseases is true when a plan may target a subset of the
	// core diseases (CY2024), false when it must target them all (CY2025).
	SponsorChoosesDiseases bool
	MaxRequiredDiseases    int
	MaxRequiredDrugs       int
	// CostThresholdCents is the annual cost threshold in cents; 0 when it is
	// not confirmed.
	CostThresholdCents int64
	// CostThresholdConfirmed is false when no figure has a source: the plan's
	// rules must supply one before members can be evaluated.
	CostThresholdConfirmed bool
	// AllMaintenanceDrugsCount is true when every Part D maintenance drug
	// counts toward the drug criterion; false when the sponsor defines which.
	AllMaintenanceDrugsCount bool
	// The counting windows, in days ending on the as-of date inclusive.
	DiseaseWindowDays, DrugWindowDays, CostWindowDays int
	// Notes are the sources and UNCONFIRMED items of the year, for people.
	Notes []string
}

// clone copies the slices, so a caller cannot change shared rules.
func (c CMSRules) clone() CMSRules {
	c.CoreDiseases = slices.Clone(c.CoreDiseases)
	c.Notes = slices.Clone(c.Notes)
	return c
}

// Bounds of the values a CMS rules file may hold.
const (
	maxYAMLBytes  = 1 << 20
	firstPartD    = 2006 // Part D, and its MTM requirement, began in 2006
	lastYear      = 2100
	maxWindowDays = 730
	maxDrugsLimit = 100
)

// windows are counting windows in days.
type windows struct{ disease, drug, cost int }

// formatsWindows are the formats.md default windows, used when the file has
// no default_windows.
var formatsWindows = windows{disease: 365, drug: 180, cost: 91}

// LoadCMSRules reads CMS rules per contract year in the data/cms_rules.yaml
// format. Unknown keys are rejected; every problem is a *ParseError naming
// the line and column.
func LoadCMSRules(r io.Reader) (map[int]CMSRules, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxYAMLBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read cms rules: %w", err)
	}
	if len(src) > maxYAMLBytes {
		return nil, fmt.Errorf("cms rules: larger than %d bytes", maxYAMLBytes)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlError(err)
	}
	if len(doc.Content) == 0 {
		return nil, &ParseError{Line: 1, Field: "contract_years", Problem: "is required (the file is empty)"}
	}
	top, err := fields(doc.Content[0], "", "default_windows", "contract_years")
	if err != nil {
		return nil, err
	}
	defaults := formatsWindows
	if n, ok := top["default_windows"]; ok {
		if defaults, err = readWindows(n, "default_windows", defaults); err != nil {
			return nil, err
		}
	}
	years, ok := top["contract_years"]
	if !ok {
		return nil, errAt(resolve(doc.Content[0]), "contract_years", "is required")
	}
	if years.Kind != yaml.SequenceNode || len(years.Content) == 0 {
		return nil, errAt(years, "contract_years", "must be a list of at least one contract year")
	}
	out := make(map[int]CMSRules, len(years.Content))
	for i, entry := range years.Content {
		rules, err := readYear(entry, fmt.Sprintf("contract_years[%d]", i), defaults)
		if err != nil {
			return nil, err
		}
		if _, dup := out[rules.ContractYear]; dup {
			return nil, errAt(resolve(entry), fmt.Sprintf("contract_years[%d]", i), "contract year %d appears twice", rules.ContractYear)
		}
		out[rules.ContractYear] = rules
	}
	return out, nil
}

// readYear reads one contract year's rules.
func readYear(entry *yaml.Node, path string, defaults windows) (CMSRules, error) {
	f, err := fields(entry, path, "contract_year", "core_diseases", "sponsor_chooses_diseases",
		"max_required_diseases", "max_required_drugs", "cost_threshold", "cost_threshold_confirmed",
		"all_maintenance_drugs_count", "windows", "notes")
	if err != nil {
		return CMSRules{}, err
	}
	for _, key := range []string{"contract_year", "core_diseases", "sponsor_chooses_diseases", "max_required_diseases",
		"max_required_drugs", "cost_threshold_confirmed", "all_maintenance_drugs_count"} {
		if _, ok := f[key]; !ok {
			return CMSRules{}, errAt(resolve(entry), joinPath(path, key), "is required")
		}
	}
	var c CMSRules
	at := func(key string) (*yaml.Node, string) { return f[key], joinPath(path, key) }
	n, field := at("contract_year")
	if c.ContractYear, err = intIn(n, field, firstPartD, lastYear); err != nil {
		return c, err
	}
	n, field = at("core_diseases")
	if c.CoreDiseases, err = stringList(n, field, func(k string) string {
		if !validDisease[k] {
			return fmt.Sprintf("%q is not a core disease key (%s)", k, strings.Join(DiseaseKeys, ", "))
		}
		return ""
	}); err != nil {
		return c, err
	}
	if len(c.CoreDiseases) == 0 {
		return c, errAt(n, field, "must list at least one core disease")
	}
	slices.Sort(c.CoreDiseases)
	for _, b := range []struct {
		key string
		dst *bool
	}{
		{"sponsor_chooses_diseases", &c.SponsorChoosesDiseases},
		{"cost_threshold_confirmed", &c.CostThresholdConfirmed},
		{"all_maintenance_drugs_count", &c.AllMaintenanceDrugsCount},
	} {
		if *b.dst, err = boolean(at(b.key)); err != nil {
			return c, err
		}
	}
	n, field = at("max_required_diseases")
	if c.MaxRequiredDiseases, err = intIn(n, field, 1, len(c.CoreDiseases)); err != nil {
		return c, err
	}
	n, field = at("max_required_drugs")
	if c.MaxRequiredDrugs, err = intIn(n, field, 1, maxDrugsLimit); err != nil {
		return c, err
	}
	if err := readThreshold(&c, f, path); err != nil {
		return c, err
	}
	w := defaults
	if n, ok := f["windows"]; ok {
		if w, err = readWindows(n, joinPath(path, "windows"), defaults); err != nil {
			return c, err
		}
	}
	c.DiseaseWindowDays, c.DrugWindowDays, c.CostWindowDays = w.disease, w.drug, w.cost
	if n, ok := f["notes"]; ok {
		if c.Notes, err = stringList(n, joinPath(path, "notes"), func(string) string { return "" }); err != nil {
			return c, err
		}
	}
	return c, nil
}

// readThreshold reads cost_threshold, which must be given exactly when
// cost_threshold_confirmed is true: domain.md keeps UNCONFIRMED figures out
// of shipped data, for the plan's rules to supply.
func readThreshold(c *CMSRules, f map[string]*yaml.Node, path string) error {
	n, ok := f["cost_threshold"]
	given := false
	if ok {
		var err error
		if c.CostThresholdCents, given, err = cents(n, joinPath(path, "cost_threshold")); err != nil {
			return err
		}
	}
	switch {
	case c.CostThresholdConfirmed && !given:
		return errAt(f["cost_threshold_confirmed"], joinPath(path, "cost_threshold_confirmed"),
			"is true but cost_threshold is missing")
	case !c.CostThresholdConfirmed && given:
		return errAt(n, joinPath(path, "cost_threshold"),
			"must be left out while cost_threshold_confirmed is false: an UNCONFIRMED threshold is for the plan's rules to supply")
	}
	return nil
}

// readWindows reads a windows mapping; keys left out keep their value in w.
func readWindows(n *yaml.Node, path string, w windows) (windows, error) {
	f, err := fields(n, path, "disease_days", "drug_days", "cost_days")
	if err != nil {
		return w, err
	}
	for _, d := range []struct {
		key string
		dst *int
	}{{"disease_days", &w.disease}, {"drug_days", &w.drug}, {"cost_days", &w.cost}} {
		if v, ok := f[d.key]; ok {
			if *d.dst, err = intIn(v, joinPath(path, d.key), 1, maxWindowDays); err != nil {
				return w, err
			}
		}
	}
	return w, nil
}
