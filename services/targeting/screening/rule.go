package screening

import (
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// rule is one screening rule: its shipped classification, its settings and
// the code that applies them.
type rule interface {
	base() *ruleBase
	// params lists the rule's own settings, bound to its fields.
	params() []param
	// prepare checks the settings together and compiles what screening
	// needs from them and the drug reference; problems go to vs under path.
	prepare(rs *RuleSet, path string, vs *errs.Violations)
	// screen appends the rule's findings for the member s holds.
	screen(s *Screener)
	// clone returns a copy whose settings can change without touching r.
	clone() rule
}

// ruleBase is what every rule has.
type ruleBase struct {
	id       string
	enabled  bool
	severity Severity
	// skipHospice leaves hospice members out: the PQA measures exclude them
	// and the AGS Beers Criteria do not apply to hospice and end-of-life
	// care.
	skipHospice bool
	// Shipped only: a plan tunes a rule, it does not reclassify it.
	category   Category
	reasonCode string
	source     string
}

func (b *ruleBase) base() *ruleBase { return b }

// shippedOnly are the keys only the shipped rules file may set.
var shippedOnly = []string{"category", "reason_code", "source"}

func (b *ruleBase) commonParams() []param {
	return []param{
		boolParam("enabled", &b.enabled),
		boolParam("skip_hospice", &b.skipHospice),
		{"severity", func(v any, field string, vs *errs.Violations) {
			s, _ := v.(string)
			sev, ok := parseSeverity(s)
			if !ok {
				vs.Add(field, "must be low, moderate or high")
				return
			}
			b.severity = sev
		}},
	}
}

func (b *ruleBase) shippedParams() []param {
	return []param{
		{"category", func(v any, field string, vs *errs.Violations) {
			s, _ := v.(string)
			c, ok := parseCategory(s)
			if !ok {
				vs.Add(field, "must be one of the seven drug therapy problem categories: "+strings.Join(categoryKeys[1:], ", "))
				return
			}
			b.category = c
		}},
		{"reason_code", func(v any, field string, vs *errs.Violations) {
			s, _ := v.(string)
			if !slices.Contains(reasonCodes, s) {
				vs.Add(field, "must be an NCPDP reason for service code: "+strings.Join(reasonCodes, ", "))
				return
			}
			b.reasonCode = s
		}},
		{"source", func(v any, field string, vs *errs.Violations) {
			s, _ := v.(string)
			if strings.TrimSpace(s) == "" {
				vs.Add(field, "must name where the rule comes from")
				return
			}
			b.source = strings.TrimSpace(s)
		}},
	}
}

// reasonCodes are the NCPDP Reason for Service Codes (439-E4) a rule may
// carry: those domain.md 4.2 lists [S24][S25], plus PA (drug-age) and ID
// (ingredient duplication) from the same code list as ResDAC's TAF "Drug
// Utilization Code" codebook reproduces it [S24].
var reasonCodes = []string{
	"AD", "AR", "AT", "CD", "DC", "DD", "ER", "HD", "ID", "LD", "LR", "MC",
	"NN", "PA", "PH", "PN", "SC", "SD", "SE", "SR", "TD", "TN",
}

// apply reads settings (one rule's mapping from a rules file or a Config)
// into r. shipped requires every setting and allows the shipped-only ones.
func apply(r rule, settings map[string]any, path string, shipped bool, vs *errs.Violations) {
	b := r.base()
	all := append(b.commonParams(), r.params()...)
	if shipped {
		all = append(all, b.shippedParams()...)
	}
	for _, key := range sortedKeys(settings) {
		field := path + "." + key
		i := slices.IndexFunc(all, func(p param) bool { return p.name == key })
		switch {
		case i >= 0:
			all[i].set(settings[key], field, vs)
		case slices.Contains(shippedOnly, key):
			vs.Add(field, "is part of the shipped rule and cannot be changed by a plan")
		default:
			vs.Add(field, "unknown setting (known: "+strings.Join(paramNames(all), ", ")+")")
		}
	}
	if !shipped {
		return
	}
	for _, p := range all {
		if _, ok := settings[p.name]; !ok {
			vs.Add(path+"."+p.name, "is required")
		}
	}
}

func paramNames(ps []param) []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.name
	}
	slices.Sort(names)
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// newRules returns every rule, unset, in the order findings come out.
func newRules() []rule {
	return []rule{
		&pdcRule{ruleBase: ruleBase{id: RuleAdherencePDC}},
		&overdueRule{ruleBase: ruleBase{id: RuleRefillOverdue}},
		&duplicationRule{ruleBase: ruleBase{id: RuleTherapeuticDuplication}},
		&supdRule{ruleBase: ruleBase{id: RuleStatinUseInDiabetes}},
		&cobRule{ruleBase: ruleBase{id: RuleOpioidBenzodiazepine}},
		&beersRule{ruleBase: ruleBase{id: RuleHighRiskElderly}},
		&interactionRule{ruleBase: ruleBase{id: RuleDrugInteraction}},
		&polypharmacyRule{ruleBase: ruleBase{id: RulePolypharmacy}},
	}
}

// The rule ids, as the rules file and Findings name them.
const (
	RuleAdherencePDC           = "adherence_pdc"
	RuleRefillOverdue          = "refill_overdue"
	RuleTherapeuticDuplication = "therapeutic_duplication"
	RuleStatinUseInDiabetes    = "statin_use_in_diabetes"
	RuleOpioidBenzodiazepine   = "opioid_benzodiazepine"
	RuleHighRiskElderly        = "high_risk_elderly"
	RuleDrugInteraction        = "drug_interaction"
	RulePolypharmacy           = "polypharmacy"
)
