package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// recordsRepo serves MemberRecords from a sorted list of member ids and
// logs every read.
type recordsRepo struct {
	app.Repository
	ids   []string
	reads []string
}

func (r *recordsRepo) MemberRecords(_ context.Context, planID string, sel app.RecordSelection, since *civil.Date) ([]app.MemberRecords, error) {
	from := "all"
	if since != nil {
		from = since.String()
	}
	r.reads = append(r.reads, fmt.Sprintf("%s ids=%v after=%q limit=%d since=%s", planID, sel.IDs, sel.After, sel.Limit, from))
	var out []app.MemberRecords
	for _, id := range r.ids {
		if sel.IDs != nil && !contains(sel.IDs, id) || sel.IDs == nil && (id <= sel.After || len(out) == sel.Limit) {
			continue
		}
		out = append(out, app.MemberRecords{Member: domain.Member{PlanID: planID, MemberID: id}})
	}
	return out, nil
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestStreamMemberRecords(t *testing.T) {
	t.Parallel()
	ids := make([]string, 2*app.RecordsBatch+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("M%04d", i)
	}
	tests := []struct {
		name      string
		q         app.RecordsQuery
		wantSent  int
		wantReads []string
	}{
		{name: "whole plan, in batches", wantSent: len(ids), wantReads: []string{
			`acme ids=[] after="" limit=500 since=all`,
			`acme ids=[] after="M0499" limit=500 since=all`,
			`acme ids=[] after="M0999" limit=500 since=all`,
		}},
		{name: "named members: sorted, once each, in one read", q: app.RecordsQuery{MemberIDs: []string{"M0007", "M0003", "M0007", "X1"}, Since: "2025-01-01"},
			wantSent: 2, wantReads: []string{`acme ids=[M0003 M0007 X1] after="" limit=0 since=2025-01-01`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := &recordsRepo{ids: ids}
			var sent []string
			err := newApp(t, repo).StreamMemberRecords(context.Background(), "acme", tt.q, func(r app.MemberRecords) error {
				sent = append(sent, r.Member.MemberID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(sent) != tt.wantSent {
				t.Errorf("sent %d members, want %d", len(sent), tt.wantSent)
			}
			if diff := gocmp.Diff(tt.wantReads, repo.reads); diff != "" {
				t.Errorf("reads (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStreamMemberRecordsStopsOnSendError(t *testing.T) {
	t.Parallel()
	repo := &recordsRepo{ids: []string{"M1", "M2", "M3"}}
	boom := errors.New("client gone")
	var sent int
	err := newApp(t, repo).StreamMemberRecords(context.Background(), "acme", app.RecordsQuery{}, func(app.MemberRecords) error {
		sent++
		return boom
	})
	if !errors.Is(err, boom) || sent != 1 {
		t.Errorf("err %v after %d sends, want the send error after 1", err, sent)
	}
}

func TestStreamMemberRecordsValidation(t *testing.T) {
	t.Parallel()
	tooMany := make([]string, app.MaxRecordMembers+1)
	for i := range tooMany {
		tooMany[i] = fmt.Sprintf("M%d", i)
	}
	tests := []struct {
		name string
		q    app.RecordsQuery
		want []errs.FieldViolation
	}{
		{name: "too many members", q: app.RecordsQuery{MemberIDs: tooMany},
			want: []errs.FieldViolation{errs.Field("member_ids", "must name at most 1000 members, not 1001")}},
		{name: "bad ids and a bad date, all reported", q: app.RecordsQuery{MemberIDs: []string{"M1", "M 2", "", strings.Repeat("x", 65)}, Since: "2025-02-30"},
			want: []errs.FieldViolation{
				errs.Field("member_ids[1]", "may hold only letters, digits, '-', '_' and '.'"),
				errs.Field("member_ids[2]", "is required"),
				errs.Field("member_ids[3]", "must be at most 64 characters"),
				errs.Field("since", "is not a calendar date"),
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			repo := &recordsRepo{}
			err := newApp(t, repo).StreamMemberRecords(context.Background(), "acme", tt.q, func(app.MemberRecords) error { return nil })
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.KindInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			if diff := gocmp.Diff(tt.want, e.Violations); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if len(repo.reads) != 0 {
				t.Errorf("a bad request read the store: %v", repo.reads)
			}
		})
	}
}
