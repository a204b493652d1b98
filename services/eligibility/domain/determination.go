package domain

import (
	"strconv"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// The targeting reason codes of a determination: CMS's
// TARG_CRITERIA_MET_REASON (domain.md 1.2, formats.md). "" means not
// eligible; CMS's 04 ("none") is not used because an ineligible member is not
// enrolled and so never reported.
const (
	ReasonCriteria = "01" // met the chronic disease, drug and cost criteria
	ReasonDMP      = "02" // at-risk beneficiary of the drug management program only
	ReasonBoth     = "03" // both
)

// The kinds of criterion a determination states, in the order Evaluate
// lists them. CriterionProgram (a plan's CEL expression) replaces the three
// Part D criteria for programs beyond Part D.
const (
	CriterionCoverage         = "COVERAGE"
	CriterionChronicDiseases  = "CHRONIC_DISEASES"
	CriterionMaintenanceDrugs = "MAINTENANCE_DRUGS"
	CriterionAnnualCost       = "ANNUAL_COST"
	CriterionProgram          = "PROGRAM"
	CriterionDMPAtRisk        = "DMP_AT_RISK"
)

// The sources of a condition found, as formats.md's chronic_diseases entries
// name them.
const (
	SourceDiagnosis = "diagnosis"
	SourceDrug      = "drug"
	SourceBoth      = "both"
)

// The kinds of evidence row.
const (
	EvidenceClaim     = "claim"
	EvidenceDiagnosis = "diagnosis"
)

// Determination is the outcome of evaluating one member on one as-of date
// under one rule set. It is a record: the service keeps every determination
// as history and never rewrites one.
type Determination struct {
	PlanID       string
	MemberID     string
	ContractYear int
	AsOf         civil.Date
	// RuleSet names the rules applied: "cms/2025" for the CMS maxima, or the
	// plan rule set's name (its version, once the service stores it).
	RuleSet  string
	Eligible bool
	// Reason is ReasonCriteria, ReasonDMP or ReasonBoth when Eligible, else "".
	Reason   string
	Criteria []Criterion
	// Diseases are the core diseases of the rule set found in the disease
	// window, sorted by disease key.
	Diseases                 []ConditionFound
	MaintenanceDrugCount     int
	ProjectedAnnualCostCents int64
}

// Criterion is one targeting criterion: the value found, the threshold it
// was compared with, and whether it was met. Value and Threshold are counts,
// cents (ANNUAL_COST) or 0/1 for yes/no criteria (COVERAGE, PROGRAM,
// DMP_AT_RISK, whose threshold is 1).
type Criterion struct {
	Kind      string
	Met       bool
	Value     int64
	Threshold int64
	// Detail explains a yes/no criterion in words (the coverage period, the
	// CEL expression or why it failed to evaluate); it never holds PHI.
	Detail   string
	Evidence []Evidence
}

// Evidence is a claim or diagnosis a criterion rests on. ID is the claim id
// or the ICD-10-CM code; Detail says what the row contributed (an ingredient,
// a disease, an amount).
type Evidence struct {
	Kind   string
	ID     string
	Date   civil.Date
	Detail string
}

// ConditionFound is a core disease found for the member and where it came
// from: SourceDiagnosis, SourceDrug or SourceBoth.
type ConditionFound struct {
	Disease string
	Source  string
}

// Criterion returns the criterion of the given kind, and false when the
// determination has none (e.g. ANNUAL_COST under a CEL program).
func (d Determination) Criterion(kind string) (Criterion, bool) {
	for _, c := range d.Criteria {
		if c.Kind == kind {
			return c, true
		}
	}
	return Criterion{}, false
}

// FormatCents writes cents as a decimal USD amount with two decimals
// ("2140.00"), the money format of formats.md.
func FormatCents(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	frac := cents % 100
	s := strconv.FormatInt(cents/100, 10) + "." + string(rune('0'+frac/10)) + string(rune('0'+frac%10))
	if neg {
		return "-" + s
	}
	return s
}
