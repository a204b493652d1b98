package screening

import (
	"sync"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// MemberInput is what screening needs of one member: a few facts, the
// member's pharmacy claims and diagnoses, and the adherence package's PDC.
// It holds no name, birth date or identifier beyond what the claims carry.
type MemberInput struct {
	// Age is the member's age in whole years on the as-of date (AgeOn).
	Age int
	// Hospice is the member's hospice flag (members.csv hospice).
	Hospice bool
	// Claims are the member's pharmacy claims in any order. Paid claims
	// count; a reversed claim cancels the paid claim with its id, and
	// claims dated after the as-of date are ignored.
	Claims []domain.Claim
	// Diagnoses are the member's diagnoses (ICD10 upper case, no dot);
	// those dated after the as-of date are ignored.
	Diagnoses []domain.Diagnosis
	// PDC holds, per adherence measure key (diabetes, rasa, statins), the
	// member's PDC for the measures whose denominator the member is in, as
	// the adherence package computes it. Absent measures are not screened.
	PDC map[string]float64
}

// screeners recycles Screeners for RuleSet.Screen.
var screeners sync.Pool

// Screen returns the member's findings on asOf, in rule order (the order
// of RuleIDs) and, within a rule, by key; nil when there are none. It is
// safe for concurrent use; a loop over many members is faster with its own
// Screener.
func (rs *RuleSet) Screen(in MemberInput, asOf civil.Date) []Finding {
	s, _ := screeners.Get().(*Screener)
	if s == nil || s.rs != rs {
		s = NewScreener(rs)
	}
	out := s.Screen(in, asOf)
	screeners.Put(s)
	return out
}
