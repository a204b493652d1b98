// Package events turns eligibility's state changes into the events it
// publishes (openmtm.events.v1 payloads in an envelope). The store enqueues
// them in the transaction of the change.
package events

import (
	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// Event types eligibility publishes, as "<service>.<entity>.<verb>".
const (
	TypeMemberUpserted = "eligibility.member.upserted"
)

// MemberName is the resource name of a member.
func MemberName(planID, memberID string) string {
	return "plans/" + planID + "/members/" + memberID
}

// MemberUpserted is the event of a member created or replaced. It carries
// identifiers and matching fields only: no names, birth dates, MBIs or phones.
func MemberUpserted(m domain.Member, created bool) (*eventsv1.Envelope, error) {
	name := MemberName(m.PlanID, m.MemberID)
	return envelope(TypeMemberUpserted, m.PlanID, name, &eventsv1.MemberUpserted{
		Member:     &typev1.MemberRef{Name: name},
		Created:    created,
		Language:   m.Language,
		PostalCode: m.PostalCode,
	})
}
