package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// recordsChanged decodes outbox rows as records.changed events and returns
// the member ids of each.
func recordsChanged(t *testing.T, rows []outboxRow) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range rows {
		var env eventsv1.Envelope
		if err := proto.Unmarshal(r.payload, &env); err != nil {
			t.Fatal(err)
		}
		var ev eventsv1.MemberRecordsChanged
		if err := env.GetPayload().UnmarshalTo(&ev); err != nil {
			t.Fatalf("%s: %v", env.GetType(), err)
		}
		if r.subject != "mtm.eligibility.records.changed" || env.GetTenant() != "plans/acme" ||
			env.GetSubject() != "plans/acme" || ev.GetPlan() != "plans/acme" {
			t.Errorf("event on %s, tenant %s, subject %s, plan %s", r.subject, env.GetTenant(), env.GetSubject(), ev.GetPlan())
		}
		out = append(out, ev.GetMemberIds())
	}
	return out
}

// TestRecordsChangedEvents: every import of claims, diagnoses or stays
// that changes rows enqueues records.changed for the changed members, at
// most 1000 a event, in its transaction; one that changes nothing, or
// fails, enqueues nothing.
func TestRecordsChangedEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := open(t, tgt)
		seen := map[string]bool{}

		var claims []domain.Claim
		var ids []string
		for i := range 2500 {
			id := fmt.Sprintf("M%04d", i)
			ids = append(ids, id)
			// Two claims per member: a member is listed once.
			claims = append(claims, claim("A"+id, id, "2025-03-01", 100, false), claim("B"+id, id, "2025-04-01", 100, false))
		}
		if _, err := f.s.ImportClaims(ctx, "acme", feed(claims...)); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]string{ids[:1000], ids[1000:2000], ids[2000:]}, recordsChanged(t, newRows(t, f.db, seen))); diff != "" {
			t.Errorf("claims import events (-want +got):\n%s", diff)
		}
		if f.notified.Load() == 0 {
			t.Error("the relay was not notified after the import")
		}

		// Identical files change nothing and publish nothing.
		notified := f.notified.Load()
		if _, err := f.s.ImportClaims(ctx, "acme", feed(claims...)); err != nil {
			t.Fatal(err)
		}
		if rows := newRows(t, f.db, seen); len(rows) != 0 || f.notified.Load() != notified {
			t.Errorf("re-import enqueued %d events, notified %d times", len(rows), f.notified.Load()-notified)
		}

		// A changed claim, a new diagnosis, a new stay: the members they
		// belong to, one event per import.
		d, _ := civil.Parse("2025-05-01")
		steps := []struct {
			name string
			run  func() error
			want [][]string
		}{
			{"claims", func() error {
				_, err := f.s.ImportClaims(ctx, "acme", feed(claim("AM0007", "M0007", "2025-03-01", 999, false), claims[0]))
				return err
			}, [][]string{{"M0007"}}},
			{"diagnoses", func() error {
				_, err := f.s.ImportDiagnoses(ctx, "acme", feed(
					domain.Diagnosis{PlanID: "acme", MemberID: "M0002", ICD10: "I10", ServiceDate: d},
					domain.Diagnosis{PlanID: "acme", MemberID: "M0001", ICD10: "I10", ServiceDate: d}))
				return err
			}, [][]string{{"M0001", "M0002"}}},
			{"stays", func() error {
				_, err := f.s.ImportInpatientStays(ctx, "acme", feed(stay("M0003", "2025-01-10", "2025-01-14")))
				return err
			}, [][]string{{"M0003"}}},
			{"a failed import", func() error {
				_, err := f.s.ImportInpatientStays(ctx, "acme", func(put func(domain.InpatientStay) error) error {
					if err := put(stay("M0004", "2025-01-10", "2025-01-14")); err != nil {
						return err
					}
					return errors.New("bad row")
				})
				if err == nil {
					return errors.New("the import did not fail")
				}
				return nil
			}, nil},
		}
		for _, st := range steps {
			if err := st.run(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if diff := cmp.Diff(st.want, recordsChanged(t, newRows(t, f.db, seen))); diff != "" {
				t.Errorf("%s: events (-want +got):\n%s", st.name, diff)
			}
		}
	})
}
