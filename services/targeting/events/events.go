// Package events applies the events targeting consumes, through the inbox:
// each handler runs in the inbox transaction, so an event redelivered after
// a crash is applied once.
package events

import (
	"context"
	"fmt"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/resource"
	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/targeting/app"
	"github.com/openmtm/openmtm/services/targeting/domain"
	tstore "github.com/openmtm/openmtm/services/targeting/store"
)

// MembersConsumer is the durable consumer of eligibility's member events.
var MembersConsumer = bus.ConsumerConfig{
	Durable:  "targeting-members",
	Stream:   "eligibility",
	Subjects: []string{"eligibility.member.upserted"},
}

// HandleMember applies eligibility.member.upserted.
func HandleMember(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	var ev eventsv1.MemberUpserted
	if err := env.GetPayload().UnmarshalTo(&ev); err != nil {
		return errs.Invalid(errs.Field("payload", "is not a MemberUpserted")).Wrap(err)
	}
	ids, err := resource.Parse("member.name", "plans/{plan}/members/{member}", ev.GetMember().GetName())
	if err != nil {
		return err
	}
	// The tenant of the envelope must own the member: an event may not
	// write into another plan.
	if env.GetTenant() != "plans/"+ids[0] {
		return errs.Invalid(errs.Field("tenant", "does not own the member"))
	}
	a, err := app.New(tstore.WithTx(tx))
	if err != nil {
		return err
	}
	if err := a.RecordMember(ctx, domain.SeenMember{
		PlanID:     ids[0],
		MemberID:   ids[1],
		Language:   ev.GetLanguage(),
		PostalCode: ev.GetPostalCode(),
	}); err != nil {
		return fmt.Errorf("apply %s: %w", env.GetType(), err)
	}
	return nil
}
