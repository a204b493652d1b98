package screening

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// Config is a plan's tuning of the shipped rules for one of its programs:
// rules switched off or on, severities and thresholds changed. It never
// adds rules or changes what a rule is (its category, reason code and
// source); settings it leaves out keep the shipped values.
//
// In YAML:
//
//	version: plan-a-2026-1          # optional label, goes into every finding
//	rules:
//	  polypharmacy:
//	    enabled: false
//	  refill_overdue:
//	    overdue_days: 14
//	  drug_interaction:
//	    disabled_pairs: [clopidogrel_ppi]
type Config struct {
	// Version labels the configuration; findings carry the rule-set
	// version followed by "+" and this label. Without one, the label is
	// "cfg-" and 8 hex digits of the settings' SHA-256, so that two
	// different configurations never share a version.
	Version string
	// Rules maps a rule id to its settings (setting name to value, as
	// YAML decodes them: int, float64, bool, string, []any).
	Rules map[string]map[string]any
}

// ParseConfig reads a Config from YAML. It checks the layout only;
// WithConfig checks the settings against the rules.
func ParseConfig(data []byte) (Config, error) {
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return Config{}, errs.Invalid(errs.Field("config", "not valid YAML: "+strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	var cfg Config
	var vs errs.Violations
	for _, key := range sortedKeys(raw) {
		switch v := raw[key]; key {
		case "version":
			s, ok := v.(string)
			if !ok {
				vs.Add("version", "must be a string")
			}
			cfg.Version = s
		case "rules":
			rules, ok := v.(map[string]any)
			if !ok && v != nil {
				vs.Add("rules", "must be a mapping of rule id to settings")
				break
			}
			cfg.Rules = make(map[string]map[string]any, len(rules))
			for _, id := range sortedKeys(rules) {
				settings, ok := rules[id].(map[string]any)
				if !ok && rules[id] != nil {
					vs.Add("rules."+id, "must be a mapping of setting to value")
					continue
				}
				cfg.Rules[id] = settings
			}
		default:
			vs.Add(key, "unknown key (known: rules, version)")
		}
	}
	if err := vs.Err(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// WithConfig returns the rule set with cfg applied. Every problem is
// reported at once as an *errs.Error of kind Invalid whose violations name
// the fields ("rules.refill_overdue.overdue_days"), never their values.
func (rs *RuleSet) WithConfig(cfg Config) (*RuleSet, error) {
	var vs errs.Violations
	label := cfg.Version
	switch {
	case label == "":
		label = configHash(cfg)
	case !versionLabel.MatchString(label):
		vs.Add("version", "must be 1 to 64 letters, digits, dots, dashes and underscores, starting with a letter or digit")
	}
	out := &RuleSet{version: rs.version + "+" + label, drugs: rs.drugs, classes: rs.classes}
	for _, r := range rs.rules {
		out.rules = append(out.rules, r.clone())
	}
	for _, id := range sortedKeys(cfg.Rules) {
		r := out.rule(id)
		if r == nil {
			vs.Add("rules."+id, "unknown rule (known: "+strings.Join(RuleIDs(), ", ")+")")
			continue
		}
		apply(r, cfg.Rules[id], "rules."+id, false, &vs)
		if c, ok := r.(interface{ configured(map[string]any) }); ok {
			c.configured(cfg.Rules[id])
		}
	}
	if vs.Len() == 0 {
		out.prepare(&vs)
	}
	if err := sortedErr(vs); err != nil {
		return nil, err
	}
	return out, nil
}

// configHash labels an unlabelled configuration by its settings. JSON
// writes map keys sorted, so equal settings hash equally.
func configHash(cfg Config) string {
	b, err := json.Marshal(cfg.Rules)
	if err != nil {
		b = fmt.Appendf(nil, "%v", cfg.Rules) // values JSON cannot write; still stable enough to label
	}
	sum := sha256.Sum256(b)
	return "cfg-" + hex.EncodeToString(sum[:4])
}
