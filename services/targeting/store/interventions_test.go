package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/platform/civil"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/store"
)

func TestInterventions(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		db := open(t, tgt)
		enrolled, _ := civil.Parse("2025-06-30")
		due, err := domain.DueFor("acme", "M1", 2025, enrolled, domain.DefaultCMROfferDays)
		if err != nil {
			t.Fatal(err)
		}
		add := func() int {
			var n int
			if err := db.InTx(ctx, func(tx *pstore.Tx) error {
				var err error
				n, err = store.WithTx(tx).AddInterventions(ctx, due, domain.Outreach{Priority: 3, Findings: []string{"polypharmacy"}}, time.Now())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := add(); n != 4 {
			t.Fatalf("added %d interventions, want 4 (CMR + TMR Q2-Q4)", n)
		}
		if n := add(); n != 0 {
			t.Errorf("the same enrollment again added %d", n)
		}
		// One intervention.identified per new intervention, no PHI needed.
		rows, err := db.Query(ctx, `SELECT payload FROM outbox ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for rows.Next() {
			var b []byte
			var env eventsv1.Envelope
			var ev eventsv1.InterventionIdentified
			if err := rows.Scan(&b); err != nil || proto.Unmarshal(b, &env) != nil || env.GetPayload().UnmarshalTo(&ev) != nil {
				t.Fatalf("outbox row: %v", err)
			}
			kinds = append(kinds, ev.GetKind()+" "+ev.GetIntervention())
			if ev.GetPriority() != 3 || len(ev.GetFindings()) != 1 {
				t.Errorf("event of %s: priority %v, findings %v; want the outreach's", ev.GetIntervention(), ev.GetPriority(), ev.GetFindings())
			}
		}
		rows.Close()
		want := []string{
			"CMR plans/acme/interventions/M1-CMR-2025", "TMR plans/acme/interventions/M1-TMR-2025Q2",
			"TMR plans/acme/interventions/M1-TMR-2025Q3", "TMR plans/acme/interventions/M1-TMR-2025Q4",
		}
		if diff := cmp.Diff(want, kinds); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}

		s := store.New(db)
		done, _ := civil.Parse("2025-08-01")
		i, err := s.UpdateIntervention(ctx, "acme", "M1", domain.CMR, "2025", func(i *domain.Intervention) error { return i.Complete(done) })
		if err != nil || i.State != domain.Completed {
			t.Fatalf("complete CMR: %+v %v", i, err)
		}
		n, err := s.CancelOpen(ctx, "acme", "M1", 2025)
		if err != nil || n != 3 {
			t.Errorf("cancelled %d (%v), want the 3 open TMRs", n, err)
		}
		open, err := s.ListInterventions(ctx, domain.Worklist{PlanID: "acme", State: domain.Open, Limit: 10})
		if err != nil || len(open) != 0 {
			t.Errorf("open after opt-out = %v, %v", open, err)
		}
		if _, err := s.UpdateIntervention(ctx, "acme", "M9", domain.CMR, "2025", func(*domain.Intervention) error { return nil }); err == nil {
			t.Error("a missing intervention was found")
		}
	})
}
