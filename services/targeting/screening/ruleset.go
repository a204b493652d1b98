package screening

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
)

//go:embed data/rules.yaml
var shippedRules []byte

// ShippedRules returns a copy of the embedded rules file, data/rules.yaml.
func ShippedRules() []byte { return bytes.Clone(shippedRules) }

// RuleSet is one version of the screening rules bound to a drug reference.
// It is immutable and safe for concurrent use; WithConfig returns a new one.
type RuleSet struct {
	version string
	drugs   *reference.Drugs
	classes classIndex
	rules   []rule
	// lookback is how many days before the as-of date the enabled rules
	// look: fills whose supply ends earlier are not indexed.
	lookback int
}

// Version is the rule-set version every Finding carries.
func (rs *RuleSet) Version() string { return rs.version }

// Lookback is how many days before the as-of date, as-of date included,
// the enabled rules look: a claim whose supply ends earlier cannot change
// a finding, nor can a diagnosis dated earlier.
func (rs *RuleSet) Lookback() int { return rs.lookback }

// DiagnosisPrefixes returns the ICD-10-CM code prefixes (upper case, no
// dot) the enabled rules look for: a diagnosis whose code starts with none
// of them cannot change a finding.
func (rs *RuleSet) DiagnosisPrefixes() []string {
	var out []string
	for _, r := range rs.rules {
		if d, ok := r.(interface{ diagnosisPrefixes() []string }); ok && r.base().enabled {
			out = append(out, d.diagnosisPrefixes()...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Enabled reports whether the rule with id runs.
func (rs *RuleSet) Enabled(id string) bool {
	r := rs.rule(id)
	return r != nil && r.base().enabled
}

func (rs *RuleSet) rule(id string) rule {
	for _, r := range rs.rules {
		if r.base().id == id {
			return r
		}
	}
	return nil
}

// RuleIDs lists every rule, in the order findings come out.
func RuleIDs() []string {
	rules := newRules()
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.base().id
	}
	return ids
}

var defaultRuleSet = sync.OnceValues(func() (*RuleSet, error) {
	ref, err := reference.Default()
	if err != nil {
		return nil, err
	}
	return Parse(shippedRules, ref.Drugs)
})

// Load returns the shipped rules over the embedded drug reference, parsed
// once per process and shared.
func Load() (*RuleSet, error) { return defaultRuleSet() }

// rulesFile is the rules file's layout; the rules' settings are read by
// the rules themselves (apply), so that a Config is checked the same way.
type rulesFile struct {
	Version      string                    `yaml:"version"`
	Rules        map[string]map[string]any `yaml:"rules"`
	Interactions []interactionFile         `yaml:"interactions"`
}

// versionLabel is the shape of a rule-set version and of a plan's label.
var versionLabel = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Parse reads a rules file in the data/rules.yaml format against drugs (a
// plan that replaces the drug reference parses the shipped file, or its
// own, against its drugs: every class and ingredient the rules name must
// be in it). Problems are an *errs.Error of kind Invalid naming each field.
func Parse(data []byte, drugs *reference.Drugs) (*RuleSet, error) {
	if drugs == nil || drugs.Len() == 0 {
		return nil, errors.New("screening rules: no drug reference")
	}
	var file rulesFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("screening rules: %w", errs.Invalid(errs.Field("rules_file", "not a valid rules file: "+err.Error())))
	}
	rs := &RuleSet{version: file.Version, drugs: drugs, classes: newClassIndex(drugs), rules: newRules()}
	var vs errs.Violations
	if !versionLabel.MatchString(file.Version) {
		vs.Add("version", "is required: 1 to 64 letters, digits, dots, dashes and underscores")
	}
	for _, id := range sortedKeys(file.Rules) {
		if rs.rule(id) == nil {
			vs.Add("rules."+id, "unknown rule (known: "+strings.Join(RuleIDs(), ", ")+")")
		}
	}
	for _, r := range rs.rules {
		id := r.base().id
		settings, ok := file.Rules[id]
		if !ok {
			vs.Add("rules."+id, "is required")
			continue
		}
		apply(r, settings, "rules."+id, true, &vs)
	}
	if ir, ok := rs.rule(RuleDrugInteraction).(*interactionRule); ok {
		ir.table = parseInteractions(file.Interactions, rs, &vs)
	}
	if vs.Len() == 0 {
		rs.prepare(&vs)
	}
	if err := sortedErr(vs); err != nil {
		return nil, fmt.Errorf("screening rules: %w", err)
	}
	return rs, nil
}

// sortedErr returns the violations as one Invalid error, by field, so that
// a file's problems read top to bottom whatever order the checks ran in.
func sortedErr(vs errs.Violations) error {
	slices.SortStableFunc(vs, func(a, b errs.FieldViolation) int { return strings.Compare(a.Field, b.Field) })
	return vs.Err()
}

// prepare compiles every rule, enabled or not (a Config may enable it).
func (rs *RuleSet) prepare(vs *errs.Violations) {
	rs.lookback = 1
	for _, r := range rs.rules {
		r.prepare(rs, "rules."+r.base().id, vs)
		if w, ok := r.(interface{ lookbackDays() int }); ok && r.base().enabled {
			rs.lookback = max(rs.lookback, w.lookbackDays())
		}
	}
}

// classIndex numbers the drug classes of a reference so that a drug's
// classes are small integers.
type classIndex struct {
	names  []string
	byName map[string]uint16
	byDrug [][]uint16 // by drug ID
}

func newClassIndex(drugs *reference.Drugs) classIndex {
	ci := classIndex{byName: map[string]uint16{}, byDrug: make([][]uint16, drugs.Len())}
	for _, d := range drugs.All() {
		for _, c := range d.Classes {
			i, ok := ci.byName[c]
			if !ok {
				i = uint16(len(ci.names))
				ci.names = append(ci.names, c)
				ci.byName[c] = i
			}
			ci.byDrug[d.ID] = append(ci.byDrug[d.ID], i)
		}
	}
	return ci
}

// knownClass checks a class key against the reference, for stringsParam.
func (rs *RuleSet) knownClass(c string) string {
	if _, ok := rs.classes.byName[c]; !ok {
		return "is not a class of the drug reference"
	}
	return ""
}

// knownIngredient checks an ingredient name against the reference.
func (rs *RuleSet) knownIngredient(name string) string {
	if _, ok := rs.drugs.Lookup(name); !ok {
		return "is not an ingredient of the drug reference"
	}
	return ""
}

// drugsMatching returns a table by drug ID of the drugs named in
// ingredients or having one of classes.
func (rs *RuleSet) drugsMatching(ingredients, classes []string) []bool {
	match := make([]bool, rs.drugs.Len())
	for _, name := range ingredients {
		if d, ok := rs.drugs.Lookup(name); ok {
			match[d.ID] = true
		}
	}
	for _, c := range classes {
		ci, ok := rs.classes.byName[c]
		if !ok {
			continue
		}
		for id, cls := range rs.classes.byDrug {
			if slices.Contains(cls, ci) {
				match[id] = true
			}
		}
	}
	return match
}
