package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// outboxTypes lists the event types in the outbox, oldest first.
func outboxTypes(t *testing.T, db *pstore.DB) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT payload FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var types []string
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		var env eventsv1.Envelope
		if err := proto.Unmarshal(b, &env); err != nil {
			t.Fatal(err)
		}
		types = append(types, env.GetType())
	}
	return types
}

// TestEnrollmentEvents: each change of eligibility or enrollment writes its
// event to the outbox in the change's transaction, and nothing else does.
func TestEnrollmentEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s, db := newImportStore(t, tgt)
		m, err := domain.NewMember("acme", domain.MemberInput{MemberID: "M1", FirstName: "A", LastName: "B",
			BirthDate: "1950-01-01", CoverageStart: "2025-01-01"}, civil.Today())
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
		if _, _, err := s.UpsertMember(ctx, m, now); err != nil {
			t.Fatal(err)
		}
		asOf, _ := civil.Parse("2025-06-30")
		record := func(eligible bool) {
			t.Helper()
			d := domain.Determination{PlanID: "acme", MemberID: "M1", ContractYear: 2025, AsOf: asOf,
				RuleSet: "cms/2025", Eligible: eligible}
			if eligible {
				d.Reason = domain.ReasonCriteria
			}
			if _, err := s.RecordDetermination(ctx, d, now, func(e *domain.Enrollment, id string) {
				e.Apply(d, id, asOf)
			}); err != nil {
				t.Fatal(err)
			}
		}
		record(false) // first determination of the year: changed
		record(false) // same outcome: nothing
		record(true)  // now eligible: changed, and enrolled
		record(true)  // same: nothing
		optOut, _ := civil.Parse("2025-08-01")
		if _, err := s.UpdateEnrollment(ctx, "acme", "M1", 2025, now, func(e *domain.Enrollment) error {
			_, err := e.OptOut(optOut, domain.OptOutMemberRequest)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		// Opting out again changes nothing and publishes nothing.
		if _, err := s.UpdateEnrollment(ctx, "acme", "M1", 2025, now, func(e *domain.Enrollment) error {
			_, err := e.OptOut(optOut, domain.OptOutMemberRequest)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{
			"eligibility.member.upserted",
			"eligibility.determination.changed",
			"eligibility.determination.changed",
			"eligibility.member.enrolled",
			"eligibility.member.opted_out",
		}
		if diff := cmp.Diff(want, outboxTypes(t, db)); diff != "" {
			t.Errorf("outbox events (-want +got):\n%s", diff)
		}
	})
}
