package domain

import (
	"cmp"
	"time"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// DefaultFindingDueDays is how soon a high-severity finding's follow-up is
// due when the plan does not say.
const DefaultFindingDueDays = 14

// Settings are a plan's targeting settings. Zero fields keep the defaults,
// so that a plan states only what it changes.
type Settings struct {
	PlanID string
	// CMROfferDays is how many days after enrollment the CMR is due:
	// domain.md 2.1's 60 days at most (a plan may be stricter).
	CMROfferDays int
	// FindingDueDays is how many days after a high-severity finding its
	// follow-up is due.
	FindingDueDays int
	// Weights override the default priority weights per term.
	Weights map[string]float64
	// ScreeningConfig is a screening.Config in YAML: rules switched off,
	// thresholds tuned.
	ScreeningConfig string
	// Version counts updates; 0 means the plan never set any.
	Version   int64
	UpdatedAt time.Time
}

// CMRDays is the CMR offer window in force.
func (s Settings) CMRDays() int { return cmp.Or(s.CMROfferDays, DefaultCMROfferDays) }

// FindingDays is the finding follow-up window in force.
func (s Settings) FindingDays() int { return cmp.Or(s.FindingDueDays, DefaultFindingDueDays) }

// Check validates what the plan sent, fields named under prefix; the
// screening configuration is checked against the rules by the caller.
func (s Settings) Check(prefix string) errs.Violations {
	var v errs.Violations
	if s.CMROfferDays < 0 || s.CMROfferDays > DefaultCMROfferDays {
		v.Addf(prefix+"cmr_offer_days", "must be from 1 to %d (0 keeps the default)", DefaultCMROfferDays)
	}
	if s.FindingDueDays < 0 || s.FindingDueDays > 90 {
		v.Add(prefix+"finding_due_days", "must be from 1 to 90 (0 keeps the default)")
	}
	v = append(v, CheckWeights(prefix+"priority_weights", s.Weights)...)
	return v
}
