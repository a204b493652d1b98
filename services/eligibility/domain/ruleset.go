package domain

import (
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// PlanProgram is one of a plan's MTM programs: its Part D program, or one it
// runs for Medicaid, commercial or employer members. Its rules are numbered
// RuleSet versions per contract year.
type PlanProgram struct {
	PlanID      string
	ID          string
	DisplayName string
	Kind        ProgramKind
	CreatedAt   time.Time
}

// maxDisplayName bounds a program's display name, in characters.
const maxDisplayName = 200

// NewPlanProgram validates a program to create. Its id is a segment of the
// program's resource name, so it follows AIP-122: 1 to 63 lower-case
// letters, digits and dashes, starting with a letter and not ending with a
// dash. Every bad field is reported at once (fields program_id,
// display_name, kind).
func NewPlanProgram(planID, id, displayName string, kind ProgramKind) (PlanProgram, error) {
	var v errs.Violations
	if !validProgramID(id) {
		v.Add("program_id", "must be 1 to 63 lower-case letters, digits and dashes, starting with a letter and not ending with a dash")
	}
	switch {
	case utf8.RuneCountInString(displayName) > maxDisplayName:
		v.Addf("display_name", "must be at most %d characters", maxDisplayName)
	case !utf8.ValidString(displayName) || containsControl(displayName):
		v.Add("display_name", "must be UTF-8 text without control characters")
	}
	if !kind.Valid() {
		v.Add("kind", "is required: part_d, medicaid, commercial or employer")
	}
	if err := v.Err(); err != nil {
		return PlanProgram{}, err
	}
	return PlanProgram{PlanID: planID, ID: id, DisplayName: displayName, Kind: kind}, nil
}

// Name returns the program's resource name.
func (p PlanProgram) Name() string { return ProgramName(p.PlanID, p.ID) }

// ProgramName returns "plans/{plan}/programs/{program}".
func ProgramName(planID, programID string) string {
	return "plans/" + planID + "/programs/" + programID
}

func validProgramID(id string) bool {
	if id == "" || len(id) > 63 || id[0] < 'a' || id[0] > 'z' || id[len(id)-1] == '-' {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func containsControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// RuleSet is one immutable, numbered version of a program's rules for a
// contract year. Versions count 1, 2, 3 … per program, across years.
type RuleSet struct {
	PlanID    string
	ProgramID string
	Version   int
	// Source is the rules file as uploaded, or as RuleSetFields.YAML wrote
	// it from the typed settings.
	Source string
	// Rules are the settings Source was checked and normalized to; their
	// Name is the version's resource name once stored.
	Rules     Rules
	CreatedAt time.Time
}

// Name returns the rule set's resource name.
func (r RuleSet) Name() string { return RuleSetName(r.PlanID, r.ProgramID, r.Version) }

// RuleSetName returns "plans/{plan}/programs/{program}/ruleSets/{version}".
func RuleSetName(planID, programID string, version int) string {
	return fmt.Sprintf("%s/ruleSets/%d", ProgramName(planID, programID), version)
}

// RuleSetFields are a rule set's settings given one by one (the API's typed
// fields) instead of as a rules file. Zero values mean "not given", as in
// proto3, except CostThresholdCents, which is nil when not given.
type RuleSetFields struct {
	ContractYear        int
	MinChronicDiseases  int
	MinMaintenanceDrugs int
	CostThresholdCents  *int64
	ChronicDiseaseDays  int
	MaintenanceDrugDays int
	CostDays            int
	CEL                 string
}

// ruleSetFile is the rules file ParseRuleSet reads, for writing one.
type ruleSetFile struct {
	ContractYear        int          `yaml:"contract_year,omitempty"`
	MinChronicDiseases  int          `yaml:"min_chronic_diseases,omitempty"`
	MinMaintenanceDrugs int          `yaml:"min_maintenance_drugs,omitempty"`
	CostThreshold       string       `yaml:"cost_threshold,omitempty"`
	Windows             *windowsFile `yaml:"windows,omitempty"`
	CEL                 string       `yaml:"cel,omitempty"`
}

type windowsFile struct {
	ChronicDiseaseDays  int `yaml:"chronic_disease_days,omitempty"`
	MaintenanceDrugDays int `yaml:"maintenance_drug_days,omitempty"`
	CostDays            int `yaml:"cost_days,omitempty"`
}

// YAML writes f as the rules file ParseRuleSet reads, so typed settings
// are checked by the same code, against the same bounds, as an uploaded
// file, and are kept in the same form. Settings not given are left out and
// take ParseRuleSet's defaults; settings given out of bounds (a negative
// minimum, a zero threshold) are written as given so ParseRuleSet rejects
// them under their own key.
func (f RuleSetFields) YAML() ([]byte, error) {
	file := ruleSetFile{
		ContractYear:        f.ContractYear,
		MinChronicDiseases:  f.MinChronicDiseases,
		MinMaintenanceDrugs: f.MinMaintenanceDrugs,
		CEL:                 f.CEL,
	}
	if f.CostThresholdCents != nil {
		file.CostThreshold = FormatCents(*f.CostThresholdCents)
	}
	if w := (windowsFile{f.ChronicDiseaseDays, f.MaintenanceDrugDays, f.CostDays}); w != (windowsFile{}) {
		file.Windows = &w
	}
	out, err := yaml.Marshal(file)
	if err != nil {
		return nil, fmt.Errorf("write rule set fields as yaml: %w", err)
	}
	return out, nil
}
