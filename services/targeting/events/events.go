// Package events applies the events targeting consumes, through the inbox:
// each handler runs in the inbox transaction, so an event redelivered after
// a crash is applied once.
package events

import (
	"context"
	"fmt"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/pbconv"
	"github.com/openmtm/openmtm/services/platform/resource"
	"github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/targeting/app"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/records"
	tstore "github.com/openmtm/openmtm/services/targeting/store"
	"google.golang.org/protobuf/proto"
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

// RecordsConsumer receives the changes of members' claims, diagnoses and
// inpatient stays.
var RecordsConsumer = bus.ConsumerConfig{
	Durable:  "targeting-records",
	Stream:   "eligibility",
	Subjects: []string{"eligibility.records.changed"},
}

// Handlers apply the events targeting consumes with its use cases.
type Handlers struct {
	app *app.App
}

// New returns the handlers over a.
func New(a *app.App) *Handlers { return &Handlers{app: a} }

// Enrolled applies eligibility.member.enrolled: the member is assessed and
// owed a CMR and quarterly TMRs for the rest of the program year.
func (h *Handlers) Enrolled(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	var ev eventsv1.MemberEnrolled
	return h.handle(ctx, tx, env, &ev, func(a *app.App, planID, memberID string) error {
		on, err := civil.Parse(pbconv.DateText(ev.GetEnrolledOn()))
		if err != nil {
			return errs.Invalid(errs.Field("enrolled_on", err.Error()))
		}
		return a.Enrolled(ctx, planID, memberID, int(ev.GetProgramYear()), on)
	})
}

// OptedOut applies eligibility.member.opted_out: the member's open
// interventions of the year are cancelled.
func (h *Handlers) OptedOut(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	var ev eventsv1.MemberOptedOut
	return h.handle(ctx, tx, env, &ev, func(a *app.App, planID, memberID string) error {
		return a.OptedOut(ctx, planID, memberID, int(ev.GetProgramYear()))
	})
}

// memberEvent is a payload about one member.
type memberEvent interface {
	proto.Message
	GetMember() *typev1.MemberRef
}

// handle is the start every handler shares: unmarshal the payload, check
// that the envelope's tenant owns its member, and give apply the use cases
// bound to the inbox transaction, so the effect commits with the inbox row.
func (h *Handlers) handle(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope, payload memberEvent,
	apply func(a *app.App, planID, memberID string) error) error {
	if err := unmarshal(env, payload); err != nil {
		return err
	}
	ids, err := memberOf(env, payload.GetMember().GetName())
	if err != nil {
		return err
	}
	if err := apply(h.app.Bind(tstore.WithTx(tx)), ids[0], ids[1]); err != nil {
		return fmt.Errorf("apply %s: %w", env.GetType(), err)
	}
	return nil
}

func unmarshal(env *eventsv1.Envelope, payload proto.Message) error {
	if err := env.GetPayload().UnmarshalTo(payload); err != nil {
		return errs.Invalid(errs.Field("payload", "is not a "+string(payload.ProtoReflect().Descriptor().Name()))).Wrap(err)
	}
	return nil
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

// Member applies eligibility.member.upserted.
func (h *Handlers) Member(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	var ev eventsv1.MemberUpserted
	return h.handle(ctx, tx, env, &ev, func(a *app.App, planID, memberID string) error {
		return a.RecordMember(ctx, domain.SeenMember{
			PlanID:     planID,
			MemberID:   memberID,
			Language:   ev.GetLanguage(),
			PostalCode: ev.GetPostalCode(),
		})
	})
}

// RecordsChanged applies eligibility.records.changed: the enrolled members
// among those whose records changed are reassessed.
func (h *Handlers) RecordsChanged(ctx context.Context, tx *store.Tx, env *eventsv1.Envelope) error {
	var ev eventsv1.MemberRecordsChanged
	if err := unmarshal(env, &ev); err != nil {
		return err
	}
	ids, err := resource.Parse("plan", "plans/{plan}", ev.GetPlan())
	if err != nil {
		return err
	}
	if env.GetTenant() != ev.GetPlan() {
		return errs.Invalid(errs.Field("tenant", "does not own the plan"))
	}
	if n := len(ev.GetMemberIds()); n == 0 || n > records.MaxIDs {
		return errs.Invalid(errs.Field("member_ids", fmt.Sprintf("must name 1 to %d members", records.MaxIDs)))
	}
	if _, err := h.app.Bind(tstore.WithTx(tx)).RecordsChanged(ctx, ids[0], ev.GetMemberIds()); err != nil {
		return fmt.Errorf("apply %s: %w", env.GetType(), err)
	}
	return nil
}
