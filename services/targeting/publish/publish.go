// Package publish builds the events targeting publishes through its outbox.
// They carry what a pharmacy needs to prepare and no more PHI than that.
package publish

import (
	"fmt"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/pbconv"
	"github.com/openmtm/openmtm/services/targeting/domain"
)

// TypeInterventionIdentified is the event of a review coming due.
const TypeInterventionIdentified = "targeting.intervention.identified"

// InterventionName is the resource name of an intervention.
func InterventionName(i domain.Intervention) string {
	return "plans/" + i.PlanID + "/interventions/" + i.ID()
}

// InterventionIdentified is the event of a CMR, TMR or finding follow-up
// coming due for m, with what the pharmacy needs to prepare.
func InterventionIdentified(i domain.Intervention, m domain.SeenMember, o domain.Outreach) (*eventsv1.Envelope, error) {
	env, err := bus.NewEnvelope(TypeInterventionIdentified, "plans/"+i.PlanID, InterventionName(i),
		&eventsv1.InterventionIdentified{
			Intervention: InterventionName(i),
			Member:       &typev1.MemberRef{Name: "plans/" + i.PlanID + "/members/" + i.MemberID},
			Kind:         string(i.Kind),
			DueOn:        pbconv.Date(i.DueOn),
			Priority:     o.Priority,
			Findings:     o.Findings,
			Measures:     o.Measures,
			Language:     m.Language,
			PostalCode:   m.PostalCode,
		})
	if err != nil {
		return nil, fmt.Errorf("intervention.identified event: %w", err)
	}
	return env, nil
}
