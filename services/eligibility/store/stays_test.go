package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

func stay(member, admit, discharge string) domain.InpatientStay {
	a, _ := civil.Parse(admit)
	d, _ := civil.Parse(discharge)
	return domain.InpatientStay{PlanID: "acme", MemberID: member, Admit: a, Discharge: d}
}

func TestImportInpatientStays(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newImportStore(t, tgt)
		rows := []domain.InpatientStay{
			stay("M1", "2025-01-10", "2025-01-14"),
			stay("M1", "2025-03-01", "2025-03-01"),
			stay("M1", "2025-03-01", "2025-03-05"), // same admission, another stay
			stay("M1", "2025-01-10", "2025-01-14"), // repeated in the file
			stay("M2", "2025-02-01", "2025-02-03"),
		}
		got, err := s.ImportInpatientStays(ctx, "acme", feed(rows...))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(app.ImportCounts{Stored: 4, ChangedMembers: 2}, got); diff != "" {
			t.Errorf("import (-want +got):\n%s", diff)
		}
		if got, err := s.ImportInpatientStays(ctx, "acme", feed(rows...)); err != nil || got != (app.ImportCounts{}) {
			t.Errorf("re-import = %+v, %v; want nothing changed", got, err)
		}

		// Newest admission first, the longer of two stays admitted the same
		// day first; a page continues after the key of its last stay.
		var pages [][]domain.InpatientStay
		for after := (app.StayKey{}); ; {
			page, err := s.ListInpatientStays(ctx, "acme", "M1", after, 2)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, page)
			if len(page) < 2 {
				break
			}
			last := page[len(page)-1]
			after = app.StayKey{AdmitDate: last.Admit.String(), DischargeDate: last.Discharge.String()}
		}
		want := [][]domain.InpatientStay{
			{stay("M1", "2025-03-01", "2025-03-05"), stay("M1", "2025-03-01", "2025-03-01")},
			{stay("M1", "2025-01-10", "2025-01-14")},
		}
		if diff := cmp.Diff(want, pages); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})
}
