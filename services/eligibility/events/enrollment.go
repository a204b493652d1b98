package events

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/pbconv"
)

// Event types of the enrollment record.
const (
	TypeMemberEnrolled       = "eligibility.member.enrolled"
	TypeMemberOptedOut       = "eligibility.member.opted_out"
	TypeDeterminationChanged = "eligibility.determination.changed"
)

// DeterminationName is the resource name of a determination.
func DeterminationName(planID, memberID, id string) string {
	return MemberName(planID, memberID) + "/determinations/" + id
}

// MemberEnrolled is the event of a member enrolled in the MTM program.
func MemberEnrolled(e domain.Enrollment) (*eventsv1.Envelope, error) {
	name := MemberName(e.PlanID, e.MemberID)
	ev := &eventsv1.MemberEnrolled{
		Member:          &typev1.MemberRef{Name: name},
		ProgramYear:     int32(e.ProgramYear),
		EnrolledOn:      pbconv.OptionalDate(e.EnrolledOn),
		TargetingReason: e.Reason,
		Determination:   DeterminationName(e.PlanID, e.MemberID, e.DeterminationID),
	}
	return envelope(TypeMemberEnrolled, e.PlanID, name, ev)
}

// MemberOptedOut is the event of a member leaving the program.
func MemberOptedOut(e domain.Enrollment) (*eventsv1.Envelope, error) {
	name := MemberName(e.PlanID, e.MemberID)
	ev := &eventsv1.MemberOptedOut{
		Member:      &typev1.MemberRef{Name: name},
		ProgramYear: int32(e.ProgramYear),
		OptedOutOn:  pbconv.OptionalDate(e.OptedOutOn),
		Reason:      string(e.OptOutReason),
	}
	return envelope(TypeMemberOptedOut, e.PlanID, name, ev)
}

// DeterminationChanged is the event of a member's eligibility outcome
// changing from their previous determination of the year.
func DeterminationChanged(d domain.Determination, id string) (*eventsv1.Envelope, error) {
	name := MemberName(d.PlanID, d.MemberID)
	ev := &eventsv1.DeterminationChanged{
		Member:          &typev1.MemberRef{Name: name},
		Determination:   DeterminationName(d.PlanID, d.MemberID, id),
		Eligible:        d.Eligible,
		TargetingReason: d.Reason,
	}
	return envelope(TypeDeterminationChanged, d.PlanID, name, ev)
}

func envelope(eventType, planID, subject string, payload proto.Message) (*eventsv1.Envelope, error) {
	env, err := bus.NewEnvelope(eventType, "plans/"+planID, subject, payload)
	if err != nil {
		return nil, fmt.Errorf("%s event: %w", eventType, err)
	}
	return env, nil
}
