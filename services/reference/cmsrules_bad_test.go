package reference_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/reference"
)

// validRules is a valid rules file; each case changes one thing in it.
const validRules = `contract_years:
  - contract_year: 2026
    core_diseases: [diabetes, chf, hypertension]
    sponsor_chooses_diseases: false
    max_required_diseases: 3
    max_required_drugs: 8
    cost_threshold: "1700.50"
    cost_threshold_confirmed: true
    all_maintenance_drugs_count: true
`

func TestBadCMSRules(t *testing.T) {
	t.Parallel()
	if _, err := reference.LoadCMSRules(strings.NewReader(validRules)); err != nil {
		t.Fatalf("the base file is not valid: %v", err)
	}
	replace := func(old, new string) string {
		if !strings.Contains(validRules, old) {
			t.Fatalf("%q is not in the base file", old)
		}
		return strings.Replace(validRules, old, new, 1)
	}
	const y = "contract_years[0]."
	tests := []struct {
		name    string
		in      string
		want    pos
		problem string
	}{
		{"empty", "", pos{1, 0, "contract_years"}, "is required"},
		{"unknown top key", "colour: red\n" + validRules, pos{1, 1, "colour"}, "unknown key"},
		{"no years", "default_windows: {disease_days: 200}\n", pos{1, 1, "contract_years"}, "is required"},
		{"years not a list", "contract_years: 2026\n", pos{1, 17, "contract_years"}, "must be a list"},
		{"no year", "contract_years: []\n", pos{1, 17, "contract_years"}, "at least one"},
		{"unknown default window", "default_windows: {days: 3}\n" + validRules, pos{1, 19, "default_windows.days"}, "unknown key"},
		{"unknown year key", replace("max_required_drugs: 8", "max_required_drug: 8"), pos{6, 5, y + "max_required_drug"}, "unknown key"},
		{"repeated key", validRules + "    max_required_drugs: 7\n", pos{10, 5, y + "max_required_drugs"}, "appears twice"},
		{"missing key", replace("    max_required_drugs: 8\n", ""), pos{2, 5, y + "max_required_drugs"}, "is required"},
		{"year too early", replace("2026", "2005"), pos{2, 20, y + "contract_year"}, "from 2006 to 2100"},
		{"year not a number", replace("2026", "next"), pos{2, 20, y + "contract_year"}, "whole number"},
		{"year twice", validRules + strings.TrimPrefix(validRules, "contract_years:\n"), pos{10, 5, "contract_years[1]"}, "appears twice"},
		{"unknown disease", replace("chf,", "kidney,"), pos{3, 31, y + "core_diseases[1]"}, "not a core disease key"},
		{"repeated disease", replace("chf,", "diabetes,"), pos{3, 31, y + "core_diseases[1]"}, "appears twice"},
		{"no disease", replace("[diabetes, chf, hypertension]", "[]"), pos{3, 20, y + "core_diseases"}, "at least one"},
		{"too many diseases", replace("max_required_diseases: 3", "max_required_diseases: 4"), pos{5, 28, y + "max_required_diseases"}, "from 1 to 3"},
		{"no drugs", replace("max_required_drugs: 8", "max_required_drugs: 0"), pos{6, 25, y + "max_required_drugs"}, "from 1 to 100"},
		{"threshold decimals", replace(`"1700.50"`, "12.345"), pos{7, 21, y + "cost_threshold"}, "at most 2 decimals"},
		{"threshold negative", replace(`"1700.50"`, `"-5"`), pos{7, 21, y + "cost_threshold"}, "positive amount"},
		{"threshold zero", replace(`"1700.50"`, "0"), pos{7, 21, y + "cost_threshold"}, "positive amount"},
		{"unconfirmed threshold", replace("cost_threshold_confirmed: true", "cost_threshold_confirmed: false"),
			pos{7, 21, y + "cost_threshold"}, "UNCONFIRMED"},
		{"confirmed without threshold", replace("    cost_threshold: \"1700.50\"\n", ""),
			pos{7, 31, y + "cost_threshold_confirmed"}, "cost_threshold is missing"},
		{"yes is not a boolean", replace("sponsor_chooses_diseases: false", "sponsor_chooses_diseases: yes"),
			pos{4, 31, y + "sponsor_chooses_diseases"}, "true or false"},
		{"zero window", validRules + "    windows: {drug_days: 0}\n", pos{10, 26, y + "windows.drug_days"}, "from 1 to 730"},
		{"windows not a mapping", validRules + "    windows: 30\n", pos{10, 14, y + "windows"}, "must be a mapping"},
		{"note not a string", validRules + "    notes: [{a: b}]\n", pos{10, 13, y + "notes[0]"}, "must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := reference.LoadCMSRules(strings.NewReader(tt.in))
			checkParseError(t, err, tt.want, tt.problem)
		})
	}
}

// TestCMSRulesSyntaxErrors: the YAML parser reports a line but no column,
// and for a construct left open the line where the construct began (as
// go-yaml counts it), not where it broke; so only the kind is checked.
func TestCMSRulesSyntaxErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		strings.Replace(validRules, "[diabetes, chf, hypertension]", "[diabetes, chf", 1),
		strings.Replace(validRules, "    max_required_drugs: 8", "   max_required_drugs: 8", 1),
		"contract_years: [\n",
	} {
		_, err := reference.LoadCMSRules(strings.NewReader(in))
		var pe *reference.ParseError
		if !errors.As(err, &pe) || pe.Line < 1 || pe.Column != 0 || !strings.HasPrefix(pe.Problem, "not valid YAML") {
			t.Errorf("LoadCMSRules(%q) error = %v, want a *ParseError for invalid YAML with a line", in, err)
		}
	}
}
