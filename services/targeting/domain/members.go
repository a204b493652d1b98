// Package domain holds the targeting rules and records. So far: the members
// targeting has heard of, per plan. Findings, adherence, priority and due
// interventions join it as they are built.
package domain

import "github.com/openmtm/openmtm/services/platform/errs"

// SeenMember is what targeting keeps of a member it was told about: ids and
// the matching fields a pharmacy needs, no PHI.
type SeenMember struct {
	PlanID     string
	MemberID   string
	Language   string
	PostalCode string
}

// Validate refuses a member without its ids: such an event cannot be applied.
func (m SeenMember) Validate() error {
	var v errs.Violations
	if m.PlanID == "" {
		v.Add("member.name", "has no plan")
	}
	if m.MemberID == "" {
		v.Add("member.name", "has no member id")
	}
	return v.Err()
}

// PlanSummary is what targeting knows of one plan.
type PlanSummary struct {
	PlanID      string
	MembersSeen int64
}
