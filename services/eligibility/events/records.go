package events

import (
	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
)

// TypeRecordsChanged is the event of an import that changed members'
// claims, diagnoses or inpatient stays.
const TypeRecordsChanged = "eligibility.records.changed"

// MaxChangedMembers is how many member ids one records.changed event
// carries at most: an import touching more publishes several.
const MaxChangedMembers = 1000

// RecordsChanged returns the records.changed events of one import that
// changed the records of memberIDs (plan planID): one per
// MaxChangedMembers ids, in the order given, none for no ids. They carry
// ids only; consumers read the records back with StreamMemberRecords.
func RecordsChanged(planID string, memberIDs []string) ([]*eventsv1.Envelope, error) {
	var out []*eventsv1.Envelope
	plan := "plans/" + planID
	for len(memberIDs) > 0 {
		n := min(len(memberIDs), MaxChangedMembers)
		env, err := envelope(TypeRecordsChanged, planID, plan, &eventsv1.MemberRecordsChanged{
			Plan: plan, MemberIds: memberIDs[:n],
		})
		if err != nil {
			return nil, err
		}
		out = append(out, env)
		memberIDs = memberIDs[n:]
	}
	return out, nil
}
