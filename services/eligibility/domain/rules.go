package domain

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/reference"
)

// ProgramKind says which kind of program a rule set targets for. Part D
// follows the CMS criteria within CMS's bounds; the other kinds define their
// own criterion as a CEL expression.
type ProgramKind string

// The program kinds.
const (
	PartD      ProgramKind = "part_d"
	Medicaid   ProgramKind = "medicaid"
	Commercial ProgramKind = "commercial"
	Employer   ProgramKind = "employer"
)

// Valid reports whether k is one of the program kinds.
func (k ProgramKind) Valid() bool {
	switch k {
	case PartD, Medicaid, Commercial, Employer:
		return true
	}
	return false
}

// The default counting windows of formats.md, in days ending on the as-of
// date inclusive, and the widest window a rule set may set.
const (
	DefaultDiseaseWindowDays = 365
	DefaultDrugWindowDays    = 180
	DefaultCostWindowDays    = 91
	MaxWindowDays            = 730
)

// minMultiple is CMS's "multiple" chronic diseases or Part D drugs
// (domain.md 1.2): a plan may lower the minimums, but not below two.
const minMultiple = 2

// Rules are the targeting rules of one program and contract year: the CMS
// maxima of the year, or a plan's rule set (ParseRuleSet). They are values:
// build them once and share them between goroutines.
type Rules struct {
	// Name identifies the rules in determinations: "cms/2025", or a plan rule
	// set's name (the service replaces it with the stored version's name).
	Name         string
	Kind         ProgramKind
	ContractYear int
	// MinDiseases, MinDrugs and CostThresholdCents are the Part D criteria;
	// zero for a CEL program.
	MinDiseases        int
	MinDrugs           int
	CostThresholdCents int64
	// CoreDiseases are the disease keys that count; other diseases found in
	// the data are ignored (hiv_aids before 2025, for instance).
	CoreDiseases      []string
	DiseaseWindowDays int
	DrugWindowDays    int
	CostWindowDays    int
	// Program is the CEL criterion of a program beyond Part D; nil for Part D.
	Program *Program
}

// CMSMaxima returns the most a Part D plan may require in contract year
// year (formats.md: the rules without a plan rules file): the year's maximum
// numbers of chronic diseases and drugs, its cost threshold, all its core
// diseases and the default windows. A year the reference data does not know,
// or whose cost threshold is not confirmed, is a FailedPrecondition: the plan
// must upload rules that supply a threshold.
func CMSMaxima(ref *reference.Reference, year int) (Rules, error) {
	if ref == nil {
		return Rules{}, fmt.Errorf("cms maxima for %d: no reference data", year)
	}
	cms, ok := ref.CMSRulesFor(year)
	if !ok {
		return Rules{}, errs.FailedPrecondition(
			"contract year %d has no CMS rules in the reference data (known: %s): upload plan rules for it", year, knownYears(ref))
	}
	if !cms.CostThresholdConfirmed || cms.CostThresholdCents <= 0 {
		return Rules{}, errs.FailedPrecondition(
			"contract year %d has no confirmed CMS cost threshold: upload plan rules with cost_threshold", year)
	}
	return Rules{
		Name:               fmt.Sprintf("cms/%d", year),
		Kind:               PartD,
		ContractYear:       year,
		MinDiseases:        cms.MaxRequiredDiseases,
		MinDrugs:           cms.MaxRequiredDrugs,
		CostThresholdCents: cms.CostThresholdCents,
		CoreDiseases:       slices.Clone(cms.CoreDiseases),
		DiseaseWindowDays:  orDefault(cms.DiseaseWindowDays, DefaultDiseaseWindowDays),
		DrugWindowDays:     orDefault(cms.DrugWindowDays, DefaultDrugWindowDays),
		CostWindowDays:     orDefault(cms.CostWindowDays, DefaultCostWindowDays),
	}, nil
}

func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}

// knownYears lists the contract years of the reference data, for messages.
func knownYears(ref *reference.Reference) string {
	years := make([]int, 0, len(ref.CMS))
	for y := range ref.CMS {
		years = append(years, y)
	}
	slices.Sort(years)
	s := ""
	for i, y := range years {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(y)
	}
	if s == "" {
		return "none"
	}
	return s
}

// maxRuleSetBytes bounds an uploaded rules file; real ones are a few lines.
const maxRuleSetBytes = 64 << 10

// The earliest and latest program years a non-Part D rule set may name.
const (
	minProgramYear = 2000
	maxProgramYear = 2100
)

// ruleSetKeys are the settings of a rules file, in the order messages list
// them; windowKeys those of its windows mapping.
var (
	ruleSetKeys = []string{"contract_year", "min_chronic_diseases", "min_maintenance_drugs",
		"cost_threshold", "windows", "core_diseases", "cel"}
	windowKeys = []string{"chronic_disease_days", "maintenance_drug_days", "cost_days"}
)

// ParseRuleSet reads a plan's rules file (YAML) for a program of the given
// kind and checks it against the bounds:
//
//   - Part D (domain.md 1.3): contract_year must be in the reference data;
//     min_chronic_diseases 2 to the year's maximum (3) and
//     min_maintenance_drugs 2 to the year's maximum (8), both defaulting to
//     the maximum; cost_threshold above 0 and at most CMS's when CMS's is
//     confirmed (a plan may not require more cost than CMS), required when it
//     is not; core_diseases only where the year lets the sponsor choose (a
//     non-empty subset of the year's list, at least min_chronic_diseases
//     long), otherwise absent or the whole list; cel is not allowed.
//   - medicaid, commercial, employer: contract_year 2000 to 2100 (the
//     program year); cel is required and replaces the three Part D criteria,
//     so min_chronic_diseases, min_maintenance_drugs and cost_threshold are
//     rejected rather than silently ignored; core_diseases is a non-empty
//     subset of every disease key (default all) and decides which diseases
//     facts.chronic_diseases holds.
//   - windows (every kind): each 1 to 730 days, defaulting to formats.md's
//     365, 180 and 91.
//
// Unknown keys are rejected. Every problem is reported at once as an
// errs.Invalid whose fields are the YAML keys ("windows.cost_days").
func ParseRuleSet(src []byte, kind ProgramKind, ref *reference.Reference) (Rules, error) {
	if !kind.Valid() {
		return Rules{}, errs.Invalid(errs.Field("kind", "must be part_d, medicaid, commercial or employer"))
	}
	if ref == nil {
		return Rules{}, fmt.Errorf("parse rule set: no reference data")
	}
	if len(src) > maxRuleSetBytes {
		return Rules{}, errs.Invalid(errs.Field("rules", fmt.Sprintf("must be at most %d bytes", maxRuleSetBytes)))
	}
	var v errs.Violations
	raw, err := readRuleSet(src, &v)
	if err != nil {
		return Rules{}, err
	}
	year, yearOK := raw.whole("contract_year")
	r := Rules{
		Kind:              kind,
		ContractYear:      year,
		DiseaseWindowDays: raw.window("chronic_disease_days", DefaultDiseaseWindowDays),
		DrugWindowDays:    raw.window("maintenance_drug_days", DefaultDrugWindowDays),
		CostWindowDays:    raw.window("cost_days", DefaultCostWindowDays),
	}
	r.Name = fmt.Sprintf("plan/%s/%d", kind, r.ContractYear)
	switch {
	case !raw.has("contract_year"):
		v.Add("contract_year", "is required")
	case !yearOK: // reported by whole
	case kind == PartD:
		checkPartD(&r, raw, ref)
	case r.ContractYear < minProgramYear || r.ContractYear > maxProgramYear:
		v.Addf("contract_year", "must be a program year from %d to %d", minProgramYear, maxProgramYear)
	}
	if kind == PartD {
		checkPartDKeys(raw)
	} else {
		checkProgram(&r, raw)
	}
	if err := v.Err(); err != nil {
		return Rules{}, err
	}
	return r, nil
}

// checkPartDKeys rejects the settings Part D rules may not have.
func checkPartDKeys(raw *rawRuleSet) {
	if raw.has("cel") {
		raw.v.Add("cel", "is not allowed in part_d rules: Part D targets on the CMS criteria; a CEL criterion belongs to a medicaid, commercial or employer program")
	}
}

// checkPartD fills the Part D settings of r from raw within the bounds of
// r.ContractYear's CMS rules.
func checkPartD(r *Rules, raw *rawRuleSet, ref *reference.Reference) {
	v := raw.v
	cms, ok := ref.CMSRulesFor(r.ContractYear)
	if !ok {
		v.Addf("contract_year", "must be a contract year with CMS rules in the reference data (%s)", knownYears(ref))
		return
	}
	r.MinDiseases = raw.bounded("min_chronic_diseases", cms.MaxRequiredDiseases, minMultiple, cms.MaxRequiredDiseases,
		fmt.Sprintf("CMS requires multiple chronic diseases and lets a plan require at most %d in %d", cms.MaxRequiredDiseases, r.ContractYear))
	r.MinDrugs = raw.bounded("min_maintenance_drugs", cms.MaxRequiredDrugs, minMultiple, cms.MaxRequiredDrugs,
		fmt.Sprintf("CMS requires multiple Part D drugs and lets a plan require at most %d in %d", cms.MaxRequiredDrugs, r.ContractYear))
	confirmed := cms.CostThresholdConfirmed && cms.CostThresholdCents > 0
	switch cost, given := raw.cents("cost_threshold"); {
	case !given && confirmed:
		r.CostThresholdCents = cms.CostThresholdCents
	case !given:
		v.Addf("cost_threshold", "is required: contract year %d has no confirmed CMS cost threshold", r.ContractYear)
	case confirmed && cost > cms.CostThresholdCents:
		v.Addf("cost_threshold", "must be at most %s, the CMS cost threshold of %d: a plan may not require more than CMS",
			FormatCents(cms.CostThresholdCents), r.ContractYear)
	default:
		r.CostThresholdCents = cost
	}
	list, given := raw.diseases(cms.CoreDiseases)
	switch {
	case !given:
		r.CoreDiseases = slices.Clone(cms.CoreDiseases)
	case !cms.SponsorChoosesDiseases && len(list) != len(cms.CoreDiseases):
		v.Addf("core_diseases", "must be left out or list all %d core diseases: in %d CMS requires every core disease in the targeting criteria",
			len(cms.CoreDiseases), r.ContractYear)
	case r.MinDiseases > 0 && len(list) < r.MinDiseases:
		v.Addf("core_diseases", "must list at least min_chronic_diseases (%d) diseases, or no member could qualify", r.MinDiseases)
	default:
		r.CoreDiseases = list
	}
}

// checkProgram fills the settings of a program beyond Part D from raw.
func checkProgram(r *Rules, raw *rawRuleSet) {
	v := raw.v
	for _, key := range []string{"min_chronic_diseases", "min_maintenance_drugs", "cost_threshold"} {
		if raw.has(key) {
			v.Addf(key, "is not used by %s programs: state the criterion in cel, e.g. facts.chronic_disease_count >= 2", r.Kind)
		}
	}
	r.CoreDiseases = slices.Clone(reference.DiseaseKeys)
	if list, given := raw.diseases(reference.DiseaseKeys); given {
		r.CoreDiseases = list
	}
	expr, given := raw.str("cel")
	if !given {
		v.Addf("cel", "is required for %s programs: a CEL expression over facts that is true when a member qualifies", r.Kind)
		return
	}
	p, err := CompileProgram(expr)
	if err != nil {
		*v = append(*v, violationsOf(err, "cel")...)
		return
	}
	r.Program = p
}

// rawRuleSet is a rules file's settings as YAML nodes, keyed by their path
// ("cost_threshold", "windows.cost_days"). Its readers record problems in v
// and return the default, so one pass reports every bad setting.
type rawRuleSet struct {
	nodes map[string]*yaml.Node
	v     *errs.Violations
}

// readRuleSet parses src, rejecting unknown and repeated keys. Only a file
// that is not YAML, or not a mapping, stops the parse.
func readRuleSet(src []byte, v *errs.Violations) (*rawRuleSet, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, errs.Invalid(errs.Field("rules", "is not valid YAML: "+strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	raw := &rawRuleSet{nodes: map[string]*yaml.Node{}, v: v}
	if len(doc.Content) == 0 {
		return raw, nil // empty file: every required setting is reported missing
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, errs.Invalid(errs.Field("rules", "must be a YAML mapping of rule settings: "+strings.Join(ruleSetKeys, ", ")))
	}
	raw.collect(root, "", ruleSetKeys)
	if w, ok := raw.nodes["windows"]; ok {
		if w.Kind != yaml.MappingNode {
			v.Add("windows", "must be a mapping of "+strings.Join(windowKeys, ", "))
		} else {
			raw.collect(w, "windows.", windowKeys)
		}
	}
	return raw, nil
}

func (r *rawRuleSet) collect(m *yaml.Node, prefix string, allowed []string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		key := prefix + m.Content[i].Value
		switch {
		case !slices.Contains(allowed, m.Content[i].Value):
			r.v.Addf(key, "is not a rule setting: want one of %s", strings.Join(allowed, ", "))
		case r.nodes[key] != nil:
			r.v.Add(key, "is given more than once")
		default:
			r.nodes[key] = deref(m.Content[i+1])
		}
	}
}

// deref follows a YAML alias to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func (r *rawRuleSet) has(key string) bool { return r.nodes[key] != nil }

// whole reads an integer setting; ok is false when it is absent or bad (bad
// ones are reported).
func (r *rawRuleSet) whole(key string) (n int, ok bool) {
	node := r.nodes[key]
	if node == nil {
		return 0, false
	}
	if node.Kind != yaml.ScalarNode || node.Tag != "!!int" || node.Decode(&n) != nil {
		r.v.Add(key, "must be a whole number")
		return 0, false
	}
	return n, true
}

// bounded reads an integer setting that must lie in lo..hi; why says where
// the bound comes from.
func (r *rawRuleSet) bounded(key string, def, lo, hi int, why string) int {
	if !r.has(key) {
		return def
	}
	n, ok := r.whole(key)
	if ok && (n < lo || n > hi) {
		r.v.Addf(key, "must be from %d to %d: %s", lo, hi, why)
	}
	return n
}

func (r *rawRuleSet) window(key string, def int) int {
	key = "windows." + key
	if !r.has(key) {
		return def
	}
	n, ok := r.whole(key)
	if ok && (n < 1 || n > MaxWindowDays) {
		r.v.Addf(key, "must be from 1 to %d days", MaxWindowDays)
	}
	return n
}

// cents reads a decimal USD amount above zero; given is false when absent.
func (r *rawRuleSet) cents(key string) (cents int64, given bool) {
	node := r.nodes[key]
	if node == nil {
		return 0, false
	}
	c, ok := int64(0), false
	if node.Kind == yaml.ScalarNode {
		c, ok = ParseCents(node.Value)
	}
	if !ok || c <= 0 {
		r.v.Add(key, `must be a decimal amount in USD above 0 with at most 2 decimals, e.g. "1623.00"`)
	}
	return c, true
}

func (r *rawRuleSet) str(key string) (string, bool) {
	node := r.nodes[key]
	if node == nil {
		return "", false
	}
	if node.Kind != yaml.ScalarNode || node.Tag != "!!str" {
		r.v.Add(key, "must be a string")
		return "", false
	}
	return node.Value, true
}

// diseases reads core_diseases: a non-empty list of distinct keys from
// allowed, returned in key order. given is false when it is absent or bad.
func (r *rawRuleSet) diseases(allowed []string) (list []string, given bool) {
	node := r.nodes["core_diseases"]
	if node == nil {
		return nil, false
	}
	if node.Kind != yaml.SequenceNode || len(node.Content) == 0 {
		r.v.Add("core_diseases", "must be a non-empty list of disease keys")
		return nil, false
	}
	bad := r.v.Len()
	for _, n := range node.Content {
		n = deref(n)
		switch {
		case n.Kind != yaml.ScalarNode || !slices.Contains(allowed, n.Value):
			r.v.Addf("core_diseases", "names %q, which is not a core disease here: want some of %s", n.Value, strings.Join(allowed, ", "))
		case slices.Contains(list, n.Value):
			r.v.Addf("core_diseases", "names %s more than once", n.Value)
		default:
			list = append(list, n.Value)
		}
	}
	slices.Sort(list)
	return list, r.v.Len() == bad
}
