package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// TestMemberRecords: a batch of members comes with every claim (paid and
// reversed), diagnosis and stay of theirs, each kind oldest first, and
// nothing of other members or plans; since keeps the recent records.
func TestMemberRecords(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := open(t, tgt)
		now := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
		members := map[string]domain.Member{}
		for _, plan := range []string{"acme", "other"} {
			for _, id := range []string{"M1", "M2", "M3", "M4", "M5"} {
				m, _, err := f.s.UpsertMember(ctx, member(t, plan, id, nil), now)
				if err != nil {
					t.Fatal(err)
				}
				if plan == "acme" {
					members[id] = m
				}
			}
		}
		day := func(s string) civil.Date {
			d, err := civil.Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		paid := claim("C1", "M1", "2025-03-01", 1200, false)
		paid.NDC, paid.PharmacyNPI, paid.PrescriberNPI = "00093718056", "1234567893", "1234567893"
		claims := []domain.Claim{
			claim("C3", "M1", "2025-01-15", 500, false),
			paid,
			claim("C2", "M1", "2025-03-01", 700, true), // the same day: claim id order
			claim("C4", "M3", "2024-12-01", 100, false),
			claim("C9", "M9", "2025-01-01", 100, false), // a member not loaded yet
		}
		dx := func(member, code, on string) domain.Diagnosis {
			return domain.Diagnosis{PlanID: "acme", MemberID: member, ICD10: code, ServiceDate: day(on)}
		}
		diagnoses := []domain.Diagnosis{dx("M1", "I10", "2025-02-01"), dx("M1", "E119", "2025-02-01"), dx("M5", "N186", "2024-11-30")}
		stays := []domain.InpatientStay{stay("M1", "2025-02-10", "2025-02-12"), stay("M5", "2024-12-28", "2025-01-03")}
		other := claim("C1", "M1", "2025-03-01", 1, false)
		other.PlanID = "other"
		for _, err := range []error{
			second(f.s.ImportClaims(ctx, "acme", feed(claims...))),
			second(f.s.ImportDiagnoses(ctx, "acme", feed(diagnoses...))),
			second(f.s.ImportInpatientStays(ctx, "acme", feed(stays...))),
			second(f.s.ImportClaims(ctx, "other", feed(other))),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		record := func(id string, claims []domain.Claim, dx []domain.Diagnosis, stays []domain.InpatientStay) app.MemberRecords {
			return app.MemberRecords{Member: members[id], Claims: claims, Diagnoses: dx, Stays: stays}
		}
		all := []app.MemberRecords{
			record("M1", []domain.Claim{claims[0], paid, claims[2]}, []domain.Diagnosis{diagnoses[1], diagnoses[0]}, stays[:1]),
			record("M2", nil, nil, nil),
			record("M3", claims[3:4], nil, nil),
			record("M4", nil, nil, nil),
			record("M5", nil, diagnoses[2:], stays[1:]),
		}

		// The whole plan in batches of 2.
		var got []app.MemberRecords
		for sel := (app.RecordSelection{Limit: 2}); ; {
			batch, err := f.s.MemberRecords(ctx, "acme", sel, nil)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, batch...)
			if len(batch) < sel.Limit {
				break
			}
			sel.After = batch[len(batch)-1].Member.MemberID
		}
		if diff := cmp.Diff(all, got); diff != "" {
			t.Errorf("whole plan (-want +got):\n%s", diff)
		}

		// Named members: unknown ones skipped. Since 2025-01-01: the stay
		// that ends after it stays, older records go.
		since := day("2025-01-01")
		got, err := f.s.MemberRecords(ctx, "acme", app.RecordSelection{IDs: []string{"M1", "M5", "M9"}}, &since)
		if err != nil {
			t.Fatal(err)
		}
		want := []app.MemberRecords{all[0], record("M5", nil, nil, stays[1:])}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("named members since 2025-01-01 (-want +got):\n%s", diff)
		}

		// Past the last member: nothing.
		if got, err := f.s.MemberRecords(ctx, "acme", app.RecordSelection{After: "M5", Limit: 2}, nil); err != nil || len(got) != 0 {
			t.Errorf("after the last member: %d records, %v", len(got), err)
		}
	})
}
