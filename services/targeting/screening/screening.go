// Package screening finds drug therapy problems in a member's pharmacy
// claims and diagnoses: non-adherence, therapeutic duplication, statin use
// in persons with diabetes (PQA SUPD), concurrent opioid and benzodiazepine
// use (PQA COB), high-risk medications in older adults (AGS Beers
// Criteria), clinically major drug-drug interactions and polypharmacy.
//
// The rules are data where they are data: data/rules.yaml, embedded,
// carries the rule-set version, every rule's parameters, the interaction
// table and the diagnosis code lists, each with its source; the drug facts
// (classes, maintenance flag, PQA value sets, Beers flag) come from the
// shared drug reference (services/reference). A plan switches rules off or
// tunes them per program with a Config, which never changes the shipped
// file. Every Finding names its rule, the rule-set version, its Cipolle,
// Strand and Morley category (domain.md 6.1), its NCPDP reason-for-service
// code (domain.md 4.2), a severity, a description without PHI and the
// evidence (claims, ingredients, dates, ICD-10 codes).
//
// The package is pure: no gRPC, SQL or NATS, so that the batch command and
// the targeting service screen the same way. PDC is not computed here: the
// adherence package does that, and its results come in through
// MemberInput.PDC.
package screening

import (
	"fmt"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// Category is a drug therapy problem category of Cipolle, Strand and Morley
// (domain.md 6.1): seven categories under four drug-related needs.
type Category uint8

// The seven categories, in the order of domain.md 6.1.
const (
	UnnecessaryDrugTherapy     Category = iota + 1 // indication
	NeedsAdditionalDrugTherapy                     // indication
	IneffectiveDrug                                // effectiveness
	DosageTooLow                                   // effectiveness
	AdverseDrugReaction                            // safety
	DosageTooHigh                                  // safety
	Nonadherence                                   // adherence
)

var categoryKeys = [...]string{
	UnnecessaryDrugTherapy:     "unnecessary_drug_therapy",
	NeedsAdditionalDrugTherapy: "needs_additional_drug_therapy",
	IneffectiveDrug:            "ineffective_drug",
	DosageTooLow:               "dosage_too_low",
	AdverseDrugReaction:        "adverse_drug_reaction",
	DosageTooHigh:              "dosage_too_high",
	Nonadherence:               "nonadherence",
}

// String returns the lower_snake key the rules file uses.
func (c Category) String() string {
	if c > 0 && int(c) < len(categoryKeys) {
		return categoryKeys[c]
	}
	return fmt.Sprintf("category(%d)", c)
}

// MarshalText writes the key, so JSON carries names rather than numbers.
func (c Category) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a key MarshalText wrote.
func (c *Category) UnmarshalText(b []byte) error {
	v, ok := parseCategory(string(b))
	if !ok {
		return fmt.Errorf("not a drug therapy problem category: want one of %v", categoryKeys[1:])
	}
	*c = v
	return nil
}

// parseCategory reads a category key.
func parseCategory(s string) (Category, bool) {
	for c, k := range categoryKeys {
		if k != "" && k == s {
			return Category(c), true
		}
	}
	return 0, false
}

// Severity grades a finding so that a worklist can put the dangerous first.
type Severity uint8

// The severities, lowest first.
const (
	Low Severity = iota + 1
	Moderate
	High
)

var severityKeys = [...]string{Low: "low", Moderate: "moderate", High: "high"}

// String returns low, moderate or high.
func (s Severity) String() string {
	if s > 0 && int(s) < len(severityKeys) {
		return severityKeys[s]
	}
	return fmt.Sprintf("severity(%d)", s)
}

// MarshalText writes the key.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads low, moderate or high.
func (s *Severity) UnmarshalText(b []byte) error {
	v, ok := parseSeverity(string(b))
	if !ok {
		return fmt.Errorf("not a severity: want low, moderate or high")
	}
	*s = v
	return nil
}

func parseSeverity(s string) (Severity, bool) {
	for v, k := range severityKeys {
		if k != "" && k == s {
			return Severity(v), true
		}
	}
	return 0, false
}

// Finding is one drug therapy problem found for a member.
type Finding struct {
	// RuleID names the rule (refill_overdue, drug_interaction, ...) and
	// RuleSetVersion the rules that produced it: the shipped version, plus
	// "+" and the plan's configuration label when one was applied.
	RuleID         string `json:"rule_id"`
	RuleSetVersion string `json:"rule_set_version"`
	// Key identifies the problem across recomputations (rule, then the
	// ingredients, measure or interaction it is about), so that a caller
	// can tell a new finding from one it already knows.
	Key      string   `json:"key"`
	Category Category `json:"category"`
	// ReasonCode is the NCPDP Reason for Service Code (439-E4).
	ReasonCode string   `json:"reason_code"`
	Severity   Severity `json:"severity"`
	// Description says what was found in words a pharmacist reads; it
	// names drugs and counts, never the member or a date.
	Description string `json:"description"`
	// Source names where the rule comes from (PQA measure, label, paper).
	Source   string   `json:"source,omitempty"`
	Evidence Evidence `json:"evidence"`
}

// Evidence is what a finding rests on. Fields that do not apply are empty.
type Evidence struct {
	Claims      []ClaimRef     `json:"claims,omitempty"`
	Diagnoses   []DiagnosisRef `json:"diagnoses,omitempty"`
	Ingredients []string       `json:"ingredients,omitempty"`
	// Classes are the drug classes that matter (shared by a duplication).
	Classes []string `json:"classes,omitempty"`
	// Measure and PDC are the adherence measure and its PDC.
	Measure string  `json:"measure,omitempty"`
	PDC     float64 `json:"pdc,omitempty"`
	// Days counts what the rule measured: overlapping days of supply, days
	// overdue. Count is the drug count of a polypharmacy finding.
	Days  int `json:"days,omitempty"`
	Count int `json:"count,omitempty"`
	// From and To bound the period the evidence covers, both included: the
	// overlap, the days overdue, the peak day.
	From civil.Date `json:"from,omitzero"`
	To   civil.Date `json:"to,omitzero"`
}

// ClaimRef points at a pharmacy claim behind a finding.
type ClaimRef struct {
	ClaimID     string     `json:"claim_id"`
	FillDate    civil.Date `json:"fill_date"`
	GenericName string     `json:"generic_name"`
	DaysSupply  int32      `json:"days_supply"`
}

// DiagnosisRef points at a diagnosis behind a finding.
type DiagnosisRef struct {
	ICD10       string     `json:"icd10"`
	ServiceDate civil.Date `json:"service_date"`
}

// AgeOn returns the age in whole years on day on of someone born on birth,
// the age MemberInput wants.
func AgeOn(birth, on civil.Date) int { return civil.Age(birth, on) }
