package events_test

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	edomain "github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/targeting/assess"
	"github.com/openmtm/openmtm/services/targeting/events"
	"github.com/openmtm/openmtm/services/targeting/internal/targetingtest"
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
		env := targetingtest.New(t, tgt, civil.Today())
		db, h := env.DB, events.New(env.App)
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
				return h.Member(ctx, tx, st.env)
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

func TestRecordsChanged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		asOf, _ := civil.Parse("2025-06-30")
		env := targetingtest.New(t, tgt, asOf)
		h := events.New(env.App)
		birth, _ := civil.Parse("1950-01-01")
		env.Records.Put(assess.Record{Member: edomain.Member{PlanID: "acme", MemberID: "M1", BirthDate: birth}})
		enrolledOn, _ := civil.Parse("2025-06-01")
		if err := env.App.Enrolled(ctx, "acme", "M1", 2025, enrolledOn); err != nil {
			t.Fatal(err)
		}
		// M1 now fills warfarin and naproxen: the event brings the finding.
		fill := func(id, generic string) edomain.Claim {
			d, _ := civil.Parse("2025-06-20")
			return edomain.Claim{PlanID: "acme", MemberID: "M1", ClaimID: id, GenericName: generic, FillDate: d, DaysSupply: 30}
		}
		env.Records.Put(assess.Record{Member: edomain.Member{PlanID: "acme", MemberID: "M1", BirthDate: birth},
			Claims: []edomain.Claim{fill("a", "warfarin"), fill("b", "naproxen")}})

		changed := func(plan string, ids ...string) *eventsv1.Envelope {
			e, err := bus.NewEnvelope("eligibility.records.changed", "plans/acme", "plans/acme",
				&eventsv1.MemberRecordsChanged{Plan: plan, MemberIds: ids})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		many := make([]string, 1001)
		for i := range many {
			many[i] = "M1"
		}
		for _, bad := range []*eventsv1.Envelope{changed("plans/beta", "M1"), changed("plans/acme"), changed("acme", "M1"), changed("plans/acme", many...)} {
			err := env.DB.InTx(ctx, func(tx *pstore.Tx) error { return h.RecordsChanged(ctx, tx, bad) })
			if errs.KindOf(err) != errs.KindInvalid {
				t.Errorf("%v: error %v, want invalid", bad.GetPayload(), err)
			}
		}
		if err := env.DB.InTx(ctx, func(tx *pstore.Tx) error { return h.RecordsChanged(ctx, tx, changed("plans/acme", "M1", "M2")) }); err != nil {
			t.Fatal(err)
		}
		fs, err := env.Store.ListFindings(ctx, "acme", "M1")
		if err != nil || len(fs) == 0 {
			t.Errorf("findings after the event = %v, %v", fs, err)
		}
	})
}
