package events_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/service"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/targeting/events"
	"github.com/openmtm/openmtm/services/targeting/store"
)

const memberUpserted = "eligibility.member.upserted"

func envelope(t *testing.T, subject string, payload proto.Message) *eventsv1.Envelope {
	t.Helper()
	env, err := bus.NewEnvelope(memberUpserted, "plans/acme", subject, payload)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func upserted(name string) *eventsv1.MemberUpserted {
	return &eventsv1.MemberUpserted{
		Member:     &typev1.MemberRef{Name: name},
		Created:    true,
		Language:   "es",
		PostalCode: "02139",
	}
}

func TestHandleMember(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		db := storetest.Open(t, tgt, "targeting")
		if err := service.Migrate(ctx, db, "targeting", store.Migrations); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		const m1 = "plans/acme/members/M1"

		// Each step builds on the store the previous one left.
		steps := []struct {
			name     string
			env      *eventsv1.Envelope
			wantKind *errs.Kind // nil: applied
			wantSeen int64      // plan acme's count after the step
		}{
			{"a new member is counted", envelope(t, m1, upserted(m1)), nil, 1},
			{"the same member again is not", envelope(t, m1, upserted(m1)), nil, 1},
			{"another member is", envelope(t, "plans/acme/members/M2", upserted("plans/acme/members/M2")), nil, 2},
			{"malformed member name", envelope(t, m1, upserted("plans/acme/member/M3")), kind(errs.KindInvalid), 2},
			{"member name of another shape", envelope(t, m1, upserted("plans/acme")), kind(errs.KindInvalid), 2},
			{"no member", envelope(t, m1, &eventsv1.MemberUpserted{}), kind(errs.KindInvalid), 2},
			{"payload of another type", envelope(t, m1, &eventsv1.MemberEnrolled{}), kind(errs.KindInvalid), 2},
			{"a tenant writing into another plan", func() *eventsv1.Envelope {
				env := envelope(t, "plans/beta/members/M9", upserted("plans/beta/members/M9"))
				env.Tenant = "plans/acme"
				return env
			}(), kind(errs.KindInvalid), 2},
			{"no payload", &eventsv1.Envelope{Id: "e1", Type: memberUpserted, Tenant: "plans/acme"}, kind(errs.KindInvalid), 2},
		}
		for _, st := range steps {
			err := db.InTx(ctx, func(tx *pstore.Tx) error {
				return events.HandleMember(ctx, tx, st.env)
			})
			switch {
			case st.wantKind == nil && err != nil:
				t.Errorf("%s: HandleMember: %v", st.name, err)
			case st.wantKind != nil && errs.KindOf(err) != *st.wantKind:
				t.Errorf("%s: HandleMember error kind = %v (%v), want %v", st.name, errs.KindOf(err), err, *st.wantKind)
			}
			got, err := store.New(db).PlanSummary(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			if got.MembersSeen != st.wantSeen {
				t.Errorf("%s: members seen = %d, want %d", st.name, got.MembersSeen, st.wantSeen)
			}
		}
	})
}

func kind(k errs.Kind) *errs.Kind { return &k }
