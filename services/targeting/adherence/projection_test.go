package adherence

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestProjection checks the year-end outlook from an as-of date of 30 June
// 2025 (day 180 of 365): the projected PDC refilling on time from that
// day, the day supply runs out, and the last day a refill still reaches
// 0.8.
func TestProjection(t *testing.T) {
	t.Parallel()
	type proj struct {
		Outlook                 string
		End                     string
		Treatment, Covered, PDC int
		RunsOut, RefillBy       string
	}
	asOf := Period{Year: 2025, AsOf: mustDay("2025-06-30")}
	tests := []struct {
		name   string
		period Period
		fills  func(t testing.TB) []Fill
		status string
		want   proj
	}{
		{
			// Days 0-179 and 180-299 covered: 300 of 365 without a refill;
			// supply runs out on day 300, 28 October.
			name: "secured", period: asOf, status: "in_denominator",
			fills: func(t testing.TB) []Fill {
				return []Fill{rx(t, "2025-01-01", "atorvastatin", 180), rx(t, "2025-06-29", "atorvastatin", 120)}
			},
			want: proj{Outlook: "secured", End: "2025-12-31", Treatment: 365, Covered: 365, PDC: 10000, RunsOut: "2025-10-28"},
		},
		{
			// 0-119 covered; refilling on day R covers 120 + (365-R) days,
			// at least 292 up to R = 193, 13 July. Refilling today: 305 of
			// 365 = 0.8356.
			name: "reachable", period: asOf, status: "in_denominator",
			fills: func(t testing.TB) []Fill {
				return []Fill{rx(t, "2025-01-01", "atorvastatin", 90), rx(t, "2025-04-01", "atorvastatin", 30)}
			},
			want: proj{Outlook: "reachable", End: "2025-12-31", Treatment: 365, Covered: 305, PDC: 8356,
				RunsOut: "2025-06-30", RefillBy: "2025-07-13"},
		},
		{
			// 60 + 185 = 245 of 365 at best.
			name: "lost", period: asOf, status: "in_denominator",
			fills: func(t testing.TB) []Fill {
				return []Fill{rx(t, "2025-01-01", "atorvastatin", 30), rx(t, "2025-02-01", "atorvastatin", 30)}
			},
			want: proj{Outlook: "lost", End: "2025-12-31", Treatment: 365, Covered: 245, PDC: 6712, RunsOut: "2025-06-30"},
		},
		{
			// One fill so far (not yet in the denominator): index 1 March,
			// 306 days to year end, 90 covered; refilling on R covers
			// 90 + (365-R), at least 245 (0.8007) up to R = 210, 30 July.
			name: "one fill so far", period: asOf, status: "too_few_fills",
			fills: func(t testing.TB) []Fill { return []Fill{rx(t, "2025-03-01", "atorvastatin", 90)} },
			want: proj{Outlook: "reachable", End: "2025-12-31", Treatment: 306, Covered: 275, PDC: 8987,
				RunsOut: "2025-06-30", RefillBy: "2025-07-30"},
		},
		{
			name: "none at year end", period: Period{Year: 2025}, status: "in_denominator",
			fills: func(t testing.TB) []Fill {
				return []Fill{rx(t, "2025-01-01", "atorvastatin", 90), rx(t, "2025-04-01", "atorvastatin", 30)}
			},
			want: proj{Outlook: "none"},
		},
		{
			// Index 15 October: 78 days to year end, under 91 whatever the
			// member does.
			name: "none when the year-end period is too short", period: Period{Year: 2025, AsOf: mustDay("2025-11-30")}, status: "period_too_short",
			fills: func(t testing.TB) []Fill {
				return []Fill{rx(t, "2025-10-15", "atorvastatin", 30), rx(t, "2025-11-14", "atorvastatin", 30)}
			},
			want: proj{Outlook: "none"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := evaluate(t, tt.period, adult(t), Facts{Fills: tt.fills(t)})
			r := rs[Statins]
			if got := r.Status.String(); got != tt.status {
				t.Errorf("status = %s, want %s", got, tt.status)
			}
			p := r.Projection
			got := proj{Outlook: p.Outlook.String(), Treatment: p.TreatmentDays, Covered: p.DaysCovered, PDC: p.PDCBasisPoints}
			for _, d := range []struct {
				s  *string
				on interface{ String() string }
				ok bool
			}{{&got.End, p.PeriodEnd, p.PeriodEnd != 0}, {&got.RunsOut, p.RunsOut, p.RunsOut != 0}, {&got.RefillBy, p.RefillBy, p.RefillBy != 0}} {
				if d.ok {
					*d.s = d.on.String()
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("projection (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFillsUsed checks the fills a measure reports, in the order counted,
// with the day each was counted from: shifted by an early refill, moved
// past a stay, or not at all for another drug.
func TestFillsUsed(t *testing.T) {
	t.Parallel()
	f := Facts{
		Fills: []Fill{
			rx(t, "2025-03-01", "atorvastatin", 30), // after the stay: 5 Mar
			rx(t, "2025-01-01", "atorvastatin", 30), // 1-9 Jan, 15 Jan-4 Feb
			rx(t, "2025-02-01", "rosuvastatin", 30), // another drug: not shifted
			rx(t, "2025-02-01", "atorvastatin", 30), // 5 Feb-6 Mar, pushing 1 Mar's to 7 Mar
			rx(t, "2025-12-20", "atorvastatin", 90), // 12 days in the period
			rx(t, "2025-02-01", "lisinopril", 30),   // another measure
		},
		Stays: []Stay{stay(t, "2025-01-10", "2025-01-14")},
	}
	rs := evaluate(t, Period{Year: 2025}, adult(t), f)
	type use struct {
		Date, From string
		Days       int
	}
	var got []use
	for _, u := range rs[Statins].Fills {
		got = append(got, use{Date: u.FillDate.String(), From: u.CountedFrom.String(), Days: u.DaysInPeriod})
	}
	want := []use{
		{Date: "2025-01-01", From: "2025-01-01", Days: 30},
		{Date: "2025-02-01", From: "2025-02-05", Days: 30},
		{Date: "2025-02-01", From: "2025-02-01", Days: 30},
		{Date: "2025-03-01", From: "2025-03-07", Days: 30},
		{Date: "2025-12-20", From: "2025-12-20", Days: 12},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fills used (-want +got):\n%s", diff)
	}
	if n := len(rs[RASA].Fills); n != 1 {
		t.Errorf("rasa used %d fills, want 1", n)
	}
}
