package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/store"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/service"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

func newImportStore(t *testing.T, tgt storetest.Target) (*store.Store, *pstore.DB) {
	t.Helper()
	db := storetest.Open(t, tgt, "eligibility")
	if err := service.Migrate(context.Background(), db, "eligibility", store.Migrations); err != nil {
		t.Fatal(err)
	}
	return store.New(db, nil), db
}

func claim(id, member, fill string, cost int64, reversed bool) domain.Claim {
	d, _ := civil.Parse(fill)
	return domain.Claim{PlanID: "acme", ClaimID: id, MemberID: member, FillDate: d, GenericName: "atorvastatin",
		DaysSupply: 30, Quantity: 30, TotalCost: cost, Reversed: reversed}
}

func feed[T any](rows ...T) func(put func(T) error) error {
	return func(put func(T) error) error {
		for _, r := range rows {
			if err := put(r); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestImportClaims(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s, db := newImportStore(t, tgt)

		// More rows than one batch, with a repeated id inside the file
		// (a correction): the later row replaces the earlier one.
		var rows []domain.Claim
		for i := range 1200 {
			rows = append(rows, claim(fmt.Sprintf("C%04d", i), fmt.Sprintf("M%03d", i%300), "2025-03-01", 1000, false))
			if i == 3 {
				rows = append(rows, claim("C0001", "M001", "2025-03-02", 1500, false))
			}
		}
		got, err := s.ImportClaims(ctx, "acme", feed(rows...))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(app.ImportCounts{Stored: 1200, ChangedMembers: 300}, got); diff != "" {
			t.Errorf("first import (-want +got):\n%s", diff)
		}
		cs, err := s.ListClaims(ctx, "acme", "M001", app.ClaimKey{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 || cs[0].ClaimID != "C0001" || cs[0].TotalCost != 1500 {
			t.Errorf("later row did not replace: %+v", cs)
		}

		// The same file again changes nothing.
		got, err = s.ImportClaims(ctx, "acme", feed(rows...))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(app.ImportCounts{}, got); diff != "" {
			t.Errorf("re-import (-want +got):\n%s", diff)
		}

		// A reversal cancels its paid claim, and an older paid file cannot
		// bring it back.
		got, err = s.ImportClaims(ctx, "acme", feed(claim("C0002", "M002", "2025-03-01", 1000, true)))
		if err != nil || got.Reversed != 1 || got.Stored != 1 {
			t.Fatalf("reversal import = %+v, %v", got, err)
		}
		if _, err := s.ImportClaims(ctx, "acme", feed(rows...)); err != nil {
			t.Fatal(err)
		}
		var reversed bool
		if err := db.QueryRow(ctx, `SELECT reversed FROM claims WHERE plan_id = ? AND claim_id = ?`, "acme", "C0002").Scan(&reversed); err != nil || !reversed {
			t.Errorf("C0002 reversed = %v, %v; want true after re-importing paid rows", reversed, err)
		}

		// A failing read stores nothing of that import.
		boom := errors.New("bad row")
		_, err = s.ImportClaims(ctx, "acme", func(put func(domain.Claim) error) error {
			for i := range 700 {
				if err := put(claim(fmt.Sprintf("X%04d", i), "M900", "2025-03-01", 1, false)); err != nil {
					return err
				}
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("import error = %v, want the read error", err)
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM claims WHERE member_id = ?`, "M900").Scan(&n); err != nil || n != 0 {
			t.Errorf("%d claims of a rejected import stored (%v)", n, err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM changed_members WHERE plan_id = ?`, "acme").Scan(&n); err != nil || n != 300 {
			t.Errorf("changed members = %d (%v), want 300", n, err)
		}
	})
}

func TestImportDiagnoses(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newImportStore(t, tgt)
		d1, _ := civil.Parse("2025-01-05")
		rows := []domain.Diagnosis{
			{PlanID: "acme", MemberID: "M1", ICD10: "E119", ServiceDate: d1},
			{PlanID: "acme", MemberID: "M1", ICD10: "E119", ServiceDate: d1},
			{PlanID: "acme", MemberID: "M2", ICD10: "I10", ServiceDate: d1},
		}
		got, err := s.ImportDiagnoses(ctx, "acme", feed(rows...))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(app.ImportCounts{Stored: 2, ChangedMembers: 2}, got); diff != "" {
			t.Errorf("import (-want +got):\n%s", diff)
		}
		got, err = s.ImportDiagnoses(ctx, "acme", feed(rows...))
		if err != nil || got != (app.ImportCounts{}) {
			t.Errorf("re-import = %+v, %v; want nothing changed", got, err)
		}
	})
}
