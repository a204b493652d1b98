package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/service"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/store"
)

func open(t *testing.T, tgt storetest.Target) *pstore.DB {
	t.Helper()
	db := storetest.Open(t, tgt, "targeting")
	if err := service.Migrate(context.Background(), db, "targeting", store.Migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// readMember returns what the store keeps of a member.
func readMember(t *testing.T, db *pstore.DB, planID, memberID string) domain.SeenMember {
	t.Helper()
	m := domain.SeenMember{PlanID: planID, MemberID: memberID}
	err := db.QueryRow(context.Background(), `SELECT language, postal_code FROM members
		WHERE plan_id = ? AND member_id = ?`, planID, memberID).Scan(&m.Language, &m.PostalCode)
	if err != nil {
		t.Fatalf("read member %s/%s: %v", planID, memberID, err)
	}
	return m
}

func TestRecordMember(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		db := open(t, tgt)
		s := store.New(db)

		// Each step builds on the store the previous one left.
		steps := []struct {
			name        string
			m           domain.SeenMember
			wantCreated bool
			// wantSeen is every plan's count after the step.
			wantSeen map[string]int64
		}{
			{
				"new member counts", domain.SeenMember{PlanID: "acme", MemberID: "M1", Language: "en", PostalCode: "02139"},
				true, map[string]int64{"acme": 1, "other": 0},
			},
			{
				"same member again updates, does not count", domain.SeenMember{PlanID: "acme", MemberID: "M1", Language: "es", PostalCode: "02140"},
				false, map[string]int64{"acme": 1, "other": 0},
			},
			{
				"second member counts", domain.SeenMember{PlanID: "acme", MemberID: "M2", Language: "en", PostalCode: "02139"},
				true, map[string]int64{"acme": 2, "other": 0},
			},
			{
				"same id in another plan is another member", domain.SeenMember{PlanID: "other", MemberID: "M1", Language: "en", PostalCode: "10001"},
				true, map[string]int64{"acme": 2, "other": 1},
			},
		}
		for _, st := range steps {
			created, err := s.RecordMember(ctx, st.m)
			if err != nil {
				t.Fatalf("%s: RecordMember: %v", st.name, err)
			}
			if created != st.wantCreated {
				t.Errorf("%s: created = %v, want %v", st.name, created, st.wantCreated)
			}
			if diff := cmp.Diff(st.m, readMember(t, db, st.m.PlanID, st.m.MemberID)); diff != "" {
				t.Errorf("%s: stored member (-want +got):\n%s", st.name, diff)
			}
			for plan, want := range st.wantSeen {
				got, err := s.PlanSummary(ctx, plan)
				if err != nil {
					t.Fatalf("%s: PlanSummary(%s): %v", st.name, plan, err)
				}
				if diff := cmp.Diff(domain.PlanSummary{PlanID: plan, MembersSeen: want}, got); diff != "" {
					t.Errorf("%s: summary of %s (-want +got):\n%s", st.name, plan, diff)
				}
			}
		}
	})
}

func TestPlanSummaryOfUnknownPlan(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		got, err := store.New(open(t, tgt)).PlanSummary(context.Background(), "nobody")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(domain.PlanSummary{PlanID: "nobody"}, got); diff != "" {
			t.Errorf("summary (-want +got):\n%s", diff)
		}
	})
}

// TestWithTx checks that the store bound to a transaction writes in it: a
// rolled-back transaction leaves neither the member nor the count.
func TestWithTx(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		db := open(t, tgt)
		tests := []struct {
			name     string
			fail     bool
			wantSeen int64
		}{
			{"rolled back", true, 0},
			{"committed", false, 1},
		}
		boom := errors.New("roll back")
		for _, tt := range tests {
			err := db.InTx(ctx, func(tx *pstore.Tx) error {
				if _, err := store.WithTx(tx).RecordMember(ctx, domain.SeenMember{PlanID: "acme", MemberID: "M1"}); err != nil {
					return err
				}
				if tt.fail {
					return boom
				}
				return nil
			})
			switch {
			case tt.fail && !errors.Is(err, boom):
				t.Fatalf("%s: InTx error = %v, want the rollback's", tt.name, err)
			case !tt.fail && err != nil:
				t.Fatalf("%s: InTx: %v", tt.name, err)
			}
			got, err := store.New(db).PlanSummary(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			if got.MembersSeen != tt.wantSeen {
				t.Errorf("%s: members seen = %d, want %d", tt.name, got.MembersSeen, tt.wantSeen)
			}
		}
	})
}
