// Package events applies the events targeting consumes, through the inbox:
// each handler runs in the inbox transaction, so an event redelivered after
// a crash is applied once.
package events

import (
	"context"
	"fmt"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/pbconv"
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

// EnrollmentsConsumer and OptOutsConsumer receive the enrollment record's
// changes; one subject each, because NATS servers before 2.10 filter a
// consumer on one subject only.
var (
	EnrollmentsConsumer = bus.ConsumerConfig{
		Durable:  "targeting-enrollments",
		Stream:   "eligibility",
		Subjects: []string{"eligibility.member.enrolled"},
	}
	OptOutsConsumer = bus.ConsumerConfig{
		Durable:  "targeting-optouts",
		Stream:   "eligibility",
		Subjects: []string{"eligibility.member.opted_out"},
	}
)

// HandleEnrolled applies eligibility.member.enrolled: the member is owed a
// CMR and quarterly TMRs for the rest of the program year.
func HandleEnrolled(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	var ev eventsv1.MemberEnrolled
	if err := env.GetPayload().UnmarshalTo(&ev); err != nil {
		return errs.Invalid(errs.Field("payload", "is not a MemberEnrolled")).Wrap(err)
	}
	ids, err := memberOf(env, ev.GetMember().GetName())
	if err != nil {
		return err
	}
	on, err := civil.Parse(pbconv.DateText(ev.GetEnrolledOn()))
	if err != nil {
		return errs.Invalid(errs.Field("enrolled_on", err.Error()))
	}
	a, err := app.New(tstore.WithTx(tx))
	if err != nil {
		return err
	}
	return a.Enrolled(ctx, ids[0], ids[1], int(ev.GetProgramYear()), on)
}

// HandleOptedOut applies eligibility.member.opted_out: the member's open
// reviews of the year are cancelled.
func HandleOptedOut(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	var ev eventsv1.MemberOptedOut
	if err := env.GetPayload().UnmarshalTo(&ev); err != nil {
		return errs.Invalid(errs.Field("payload", "is not a MemberOptedOut")).Wrap(err)
	}
	ids, err := memberOf(env, ev.GetMember().GetName())
	if err != nil {
		return err
	}
	a, err := app.New(tstore.WithTx(tx))
	if err != nil {
		return err
	}
	return a.OptedOut(ctx, ids[0], ids[1], int(ev.GetProgramYear()))
}

// memberOf parses a member name and checks the envelope's tenant owns it:
// an event may not write into another plan.
func memberOf(env *eventsv1.Envelope, name string) ([]string, error) {
	ids, err := resource.Parse("member.name", "plans/{plan}/members/{member}", name)
	if err != nil {
		return nil, err
	}
	if env.GetTenant() != "plans/"+ids[0] {
		return nil, errs.Invalid(errs.Field("tenant", "does not own the member"))
	}
	return ids, nil
}

// HandleMember applies eligibility.member.upserted.
func HandleMember(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	var ev eventsv1.MemberUpserted
	if err := env.GetPayload().UnmarshalTo(&ev); err != nil {
		return errs.Invalid(errs.Field("payload", "is not a MemberUpserted")).Wrap(err)
	}
	ids, err := memberOf(env, ev.GetMember().GetName())
	if err != nil {
		return err
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
