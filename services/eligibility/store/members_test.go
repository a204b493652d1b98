package store_test

import (
	"bytes"
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	eventsv1 "github.com/openmtm/openmtm/gen/openmtm/events/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/store"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/service"
	pstore "github.com/openmtm/openmtm/services/platform/store"
	"github.com/openmtm/openmtm/services/platform/store/storetest"
)

// PHI the member fixtures carry, which no event may.
const (
	firstName = "Zebulon"
	lastName  = "Quackenbush"
	birthDate = "1948-03-07"
	mbi       = "1EG4TE5MK73"
	phone     = "6175550199"
)

type fixture struct {
	s        *store.Store
	db       *pstore.DB
	notified *atomic.Int64
}

// open returns a store over a freshly migrated database of tgt whose notify
// counts its calls.
func open(t *testing.T, tgt storetest.Target) fixture {
	t.Helper()
	db := storetest.Open(t, tgt, "eligibility")
	if err := service.Migrate(context.Background(), db, "eligibility", store.Migrations); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	f := fixture{db: db, notified: new(atomic.Int64)}
	f.s = store.New(db, func() { f.notified.Add(1) })
	return f
}

// member builds a valid member through the domain, with edit applied to
// its input first.
func member(t *testing.T, planID, memberID string, edit func(*domain.MemberInput)) domain.Member {
	t.Helper()
	in := domain.MemberInput{
		MemberID:      memberID,
		MBI:           mbi,
		ContractID:    "H1234",
		PBPID:         "001",
		FirstName:     firstName,
		LastName:      lastName,
		BirthDate:     birthDate,
		Sex:           "F",
		Language:      "es",
		PostalCode:    "02139",
		Phone:         phone,
		CoverageStart: "2025-01-01",
	}
	if edit != nil {
		edit(&in)
	}
	m, err := domain.NewMember(planID, in, civil.YearEnd(2025))
	if err != nil {
		t.Fatalf("fixture member: %v", err)
	}
	return m
}

// outboxRow is one enqueued event.
type outboxRow struct {
	id      string
	subject string
	payload []byte
}

func outbox(t *testing.T, db *pstore.DB) []outboxRow {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT id, subject, payload FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.id, &r.subject, &r.payload); err != nil {
			t.Fatalf("read outbox: %v", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	return out
}

func outboxCount(t *testing.T, db *pstore.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil {
		t.Fatalf("count outbox: %v", err)
	}
	return n
}

// newRows returns the outbox rows whose ids are not in seen, and adds them.
func newRows(t *testing.T, db *pstore.DB, seen map[string]bool) []outboxRow {
	t.Helper()
	var out []outboxRow
	for _, r := range outbox(t, db) {
		if !seen[r.id] {
			seen[r.id] = true
			out = append(out, r)
		}
	}
	return out
}

// checkEvent checks that row is the member.upserted event of m and carries
// none of m's PHI.
func checkEvent(t *testing.T, row outboxRow, m domain.Member, created bool) {
	t.Helper()
	name := "plans/" + m.PlanID + "/members/" + m.MemberID
	if diff := cmp.Diff(bus.EventSubject("eligibility.member.upserted"), row.subject); diff != "" {
		t.Errorf("outbox subject (-want +got):\n%s", diff)
	}
	var env eventsv1.Envelope
	if err := proto.Unmarshal(row.payload, &env); err != nil {
		t.Fatalf("outbox payload is not an Envelope: %v", err)
	}
	got := struct{ ID, Type, Tenant, Subject string }{env.GetId(), env.GetType(), env.GetTenant(), env.GetSubject()}
	want := struct{ ID, Type, Tenant, Subject string }{row.id, "eligibility.member.upserted", "plans/" + m.PlanID, name}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("envelope (-want +got):\n%s", diff)
	}
	var ev eventsv1.MemberUpserted
	if err := env.GetPayload().UnmarshalTo(&ev); err != nil {
		t.Fatalf("envelope payload is not a MemberUpserted: %v", err)
	}
	wantEv := &eventsv1.MemberUpserted{
		Member:     &typev1.MemberRef{Name: name},
		Created:    created,
		Language:   m.Language,
		PostalCode: m.PostalCode,
	}
	if diff := cmp.Diff(wantEv, &ev, protocmp.Transform()); diff != "" {
		t.Errorf("MemberUpserted (-want +got):\n%s", diff)
	}
	for field, v := range map[string]string{
		"first name": m.FirstName, "last name": m.LastName, "birth date": m.BirthDate.String(),
		"MBI": m.MBI, "phone": m.Phone,
	} {
		if v != "" && bytes.Contains(row.payload, []byte(v)) {
			t.Errorf("outbox payload carries the member's %s", field)
		}
	}
}

func TestUpsertMember(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := open(t, tgt)

		// Nanoseconds and a non-UTC zone: the store keeps microseconds, in UTC.
		zone := time.FixedZone("EST", -5*3600)
		t0 := time.Date(2025, 6, 1, 9, 30, 0, 123456789, zone)
		us := func(tm time.Time) time.Time { return tm.UTC().Truncate(time.Microsecond) }
		base := member(t, "acme", "M001", nil)
		changed := member(t, "acme", "M001", func(in *domain.MemberInput) {
			in.PostalCode, in.CoverageEnd = "02140", "2025-12-31"
		})

		// Each step builds on the store the previous one left.
		steps := []struct {
			name        string
			m           domain.Member
			now         time.Time
			wantCreated bool
			// wantEvent: the step writes one outbox row and notifies once.
			wantEvent              bool
			wantCreatedAt, wantUpd time.Time
		}{
			{"create", base, t0, true, true, us(t0), us(t0)},
			{"identical upsert changes nothing", base, t0.Add(time.Hour), false, false, us(t0), us(t0)},
			{"changed upsert replaces", changed, t0.Add(2 * time.Hour), false, true, us(t0), us(t0.Add(2 * time.Hour))},
			{"identical to the change changes nothing", changed, t0.Add(3 * time.Hour), false, false, us(t0), us(t0.Add(2 * time.Hour))},
			{"back to the original replaces again", base, t0.Add(4 * time.Hour), false, true, us(t0), us(t0.Add(4 * time.Hour))},
		}
		seen := map[string]bool{}
		var wantRows, wantNotified int
		for _, st := range steps {
			got, created, err := f.s.UpsertMember(ctx, st.m, st.now)
			if err != nil {
				t.Fatalf("%s: UpsertMember: %v", st.name, err)
			}
			if created != st.wantCreated {
				t.Errorf("%s: created = %v, want %v", st.name, created, st.wantCreated)
			}
			want := st.m
			want.CreatedAt, want.UpdatedAt = st.wantCreatedAt, st.wantUpd
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: returned member (-want +got):\n%s", st.name, diff)
			}
			read, err := f.s.GetMember(ctx, "acme", "M001")
			if err != nil {
				t.Fatalf("%s: GetMember: %v", st.name, err)
			}
			if diff := cmp.Diff(want, read); diff != "" {
				t.Errorf("%s: stored member (-want +got):\n%s", st.name, diff)
			}

			if st.wantEvent {
				wantRows++
				wantNotified++
			}
			if got := outboxCount(t, f.db); got != wantRows {
				t.Errorf("%s: outbox holds %d rows, want %d", st.name, got, wantRows)
			}
			if got := f.notified.Load(); got != int64(wantNotified) {
				t.Errorf("%s: notify called %d times, want %d", st.name, got, wantNotified)
			}
			rows := newRows(t, f.db, seen)
			if !st.wantEvent {
				continue
			}
			if len(rows) != 1 {
				t.Fatalf("%s: %d new outbox rows, want 1", st.name, len(rows))
			}
			checkEvent(t, rows[0], st.m, st.wantCreated)
		}
	})
}

// TestUpsertMemberDetectsEveryChange replaces a stored member with one that
// differs in a single field: each must count as a change (new UpdatedAt,
// one event), and repeating it must not.
func TestUpsertMemberDetectsEveryChange(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := open(t, tgt)
		t0 := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		t1, t2 := t0.Add(time.Minute), t0.Add(2*time.Minute)

		tests := []struct {
			name string
			// before is applied to the first version's input, after to the second's.
			before, after func(*domain.MemberInput)
		}{
			{"mbi", nil, func(in *domain.MemberInput) { in.MBI = "1AA0AA0AA00" }},
			{"contract_id", nil, func(in *domain.MemberInput) { in.ContractID = "S5678" }},
			{"pbp_id", nil, func(in *domain.MemberInput) { in.PBPID = "002" }},
			{"first_name", nil, func(in *domain.MemberInput) { in.FirstName = "Zeb" }},
			{"last_name", nil, func(in *domain.MemberInput) { in.LastName = "Quack" }},
			{"birth_date", nil, func(in *domain.MemberInput) { in.BirthDate = "1948-03-08" }},
			{"sex", nil, func(in *domain.MemberInput) { in.Sex = "" }},
			{"language", nil, func(in *domain.MemberInput) { in.Language = "en" }},
			{"postal_code", nil, func(in *domain.MemberInput) { in.PostalCode = "" }},
			{"phone", nil, func(in *domain.MemberInput) { in.Phone = "" }},
			{"coverage_start", nil, func(in *domain.MemberInput) { in.CoverageStart = "2025-02-01" }},
			{"coverage_end set", nil, func(in *domain.MemberInput) { in.CoverageEnd = "2025-12-31" }},
			{
				"coverage_end cleared",
				func(in *domain.MemberInput) { in.CoverageEnd = "2025-12-31" },
				func(in *domain.MemberInput) { in.CoverageEnd = "" },
			},
			{
				"coverage_end moved",
				func(in *domain.MemberInput) { in.CoverageEnd = "2025-12-31" },
				func(in *domain.MemberInput) { in.CoverageEnd = "2025-11-30" },
			},
			{"ltc", nil, func(in *domain.MemberInput) { in.LTC = true }},
			{"dmp_at_risk", nil, func(in *domain.MemberInput) { in.DMPAtRisk = true }},
			{"hospice", nil, func(in *domain.MemberInput) { in.Hospice = true }},
		}
		for i, tt := range tests {
			// One member per case, so cases share the database but not rows.
			id := "C" + string(rune('A'+i))
			first := member(t, "acme", id, tt.before)
			second := member(t, "acme", id, func(in *domain.MemberInput) {
				if tt.before != nil {
					tt.before(in)
				}
				tt.after(in)
			})
			if _, _, err := f.s.UpsertMember(ctx, first, t0); err != nil {
				t.Fatalf("%s: first upsert: %v", tt.name, err)
			}
			before := outboxCount(t, f.db)
			got, created, err := f.s.UpsertMember(ctx, second, t1)
			if err != nil {
				t.Fatalf("%s: second upsert: %v", tt.name, err)
			}
			if created || !got.UpdatedAt.Equal(t1) || !got.CreatedAt.Equal(t0) {
				t.Errorf("%s: change: created=%v CreatedAt=%v UpdatedAt=%v, want false %v %v",
					tt.name, created, got.CreatedAt, got.UpdatedAt, t0, t1)
			}
			if n := outboxCount(t, f.db) - before; n != 1 {
				t.Errorf("%s: change wrote %d outbox rows, want 1", tt.name, n)
			}
			// The same value again, through a new CoverageEnd pointer.
			again := member(t, "acme", id, func(in *domain.MemberInput) {
				if tt.before != nil {
					tt.before(in)
				}
				tt.after(in)
			})
			got, _, err = f.s.UpsertMember(ctx, again, t2)
			if err != nil {
				t.Fatalf("%s: third upsert: %v", tt.name, err)
			}
			if !got.UpdatedAt.Equal(t1) {
				t.Errorf("%s: repeated change: UpdatedAt = %v, want %v", tt.name, got.UpdatedAt, t1)
			}
			if n := outboxCount(t, f.db) - before; n != 1 {
				t.Errorf("%s: repeated change: %d outbox rows since the change, want 1", tt.name, n)
			}
		}
	})
}

func TestGetMember(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := open(t, tgt)
		now := time.Date(2025, 6, 1, 12, 0, 0, 999999999, time.UTC)
		members := []domain.Member{
			member(t, "acme", "OPEN", nil),
			member(t, "acme", "CLOSED", func(in *domain.MemberInput) { in.CoverageEnd = "2025-06-30" }),
			member(t, "acme", "SPARSE", func(in *domain.MemberInput) {
				in.MBI, in.ContractID, in.PBPID, in.Sex, in.PostalCode, in.Phone = "", "", "", "", "", ""
				in.LTC, in.DMPAtRisk, in.Hospice = true, true, true
			}),
		}
		for _, m := range members {
			if _, _, err := f.s.UpsertMember(ctx, m, now); err != nil {
				t.Fatalf("upsert %s: %v", m.MemberID, err)
			}
		}

		for _, m := range members {
			t.Run("round trip "+m.MemberID, func(t *testing.T) {
				t.Parallel()
				got, err := f.s.GetMember(ctx, "acme", m.MemberID)
				if err != nil {
					t.Fatal(err)
				}
				want := m
				// Microsecond precision, in UTC.
				want.CreatedAt = time.Date(2025, 6, 1, 12, 0, 0, 999999000, time.UTC)
				want.UpdatedAt = want.CreatedAt
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("member (-want +got):\n%s", diff)
				}
				if got.CreatedAt.Location() != time.UTC {
					t.Errorf("CreatedAt in %v, want UTC", got.CreatedAt.Location())
				}
			})
		}

		notFound := []struct{ name, plan, id string }{
			{"missing member", "acme", "NOPE"},
			{"member of another plan", "other", "OPEN"},
		}
		for _, tt := range notFound {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				_, err := f.s.GetMember(ctx, tt.plan, tt.id)
				if got := errs.KindOf(err); got != errs.KindNotFound {
					t.Errorf("GetMember(%s, %s) kind = %v (%v), want %v", tt.plan, tt.id, got, err, errs.KindNotFound)
				}
			})
		}
	})
}

func TestListMembers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, tgt storetest.Target) {
		t.Parallel()
		ctx := context.Background()
		f := open(t, tgt)
		now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		// Inserted out of order; plan "other" reuses some of acme's ids.
		seed := map[string][]string{
			"acme":  {"M004", "M001", "M005", "M003", "M002"},
			"other": {"M006", "M000", "M003"},
		}
		for plan, ids := range seed {
			for _, id := range ids {
				if _, _, err := f.s.UpsertMember(ctx, member(t, plan, id, nil), now); err != nil {
					t.Fatalf("upsert %s/%s: %v", plan, id, err)
				}
			}
		}

		tests := []struct {
			name, plan, after string
			limit             int
			want              []string
		}{
			{"first page", "acme", "", 2, []string{"M001", "M002"}},
			{"second page", "acme", "M002", 2, []string{"M003", "M004"}},
			{"last page", "acme", "M004", 2, []string{"M005"}},
			{"past the end", "acme", "M005", 2, nil},
			{"after a key that is not stored", "acme", "M0025", 2, []string{"M003", "M004"}},
			{"all at once", "acme", "", 10, []string{"M001", "M002", "M003", "M004", "M005"}},
			{"the other plan", "other", "", 10, []string{"M000", "M003", "M006"}},
			{"the other plan, paged", "other", "M000", 1, []string{"M003"}},
			{"a plan without members", "nobody", "", 10, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ms, err := f.s.ListMembers(ctx, tt.plan, tt.after, tt.limit)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, m := range ms {
					if m.PlanID != tt.plan {
						t.Errorf("ListMembers(%s) returned a member of plan %s", tt.plan, m.PlanID)
					}
					got = append(got, m.MemberID)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ids (-want +got):\n%s", diff)
				}
			})
		}

		t.Run("paging visits every member once", func(t *testing.T) {
			t.Parallel()
			var got []string
			after := ""
			for range 10 {
				ms, err := f.s.ListMembers(ctx, "acme", after, 2)
				if err != nil {
					t.Fatal(err)
				}
				if len(ms) == 0 {
					break
				}
				for _, m := range ms {
					got = append(got, m.MemberID)
				}
				after = ms[len(ms)-1].MemberID
			}
			want := slices.Sorted(slices.Values(seed["acme"]))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	})
}
