package adherence

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEvaluatePQAEdges walks every edge the PQA rules name (formats.md
// `openmtm adherence`, domain.md 5), one measure at a time. Expected
// figures are worked out by hand in each case's comment.
func TestEvaluatePQAEdges(t *testing.T) {
	t.Parallel()
	y2025 := Period{Year: 2025}
	type fills = func(t testing.TB) Facts
	tests := []struct {
		name    string
		period  Period
		member  func(t testing.TB) Member
		facts   fills
		measure Measure
		want    summary
	}{
		{
			// 2 Oct to 31 Dec: 30 + 30 + 31 = 91 days, the shortest period in.
			// 60 covered: 60/91 = 0.659340.
			name: "index exactly 91 days before year end is in", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-10-02", "atorvastatin", 30), rx(t, "2025-11-01", "atorvastatin", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-10-02", End: "2025-12-31", Treatment: 91, Covered: 60, PDC10000: 6593},
		},
		{
			// 3 Oct: 90 days, out. The 1 Nov refill comes a day early and
			// shifts to 2 Nov.
			name: "index 90 days before year end is out", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-10-03", "atorvastatin", 30), rx(t, "2025-11-01", "atorvastatin", 30)}}
			},
			want: summary{Status: "period_too_short", Index: "2025-10-03", End: "2025-12-31", Treatment: 90, Covered: 60},
		},
		{
			name: "leap year: 2 Oct is still 91 days", period: Period{Year: 2024}, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2024-10-02", "atorvastatin", 30), rx(t, "2024-11-01", "atorvastatin", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2024-10-02", End: "2024-12-31", Treatment: 91, Covered: 60, PDC10000: 6593},
		},
		{
			// Days 0-29, then 30-59 (filled on 24), then 60-89 (filled on 50):
			// 90 of 365 = 0.246575.
			name: "early refills of the same drug shift", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 30), rx(t, "2025-01-25", "atorvastatin", 30),
					rx(t, "2025-02-20", "atorvastatin", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 90, PDC10000: 2466},
		},
		{
			// 0-29 atorvastatin, 24-53 rosuvastatin (no shift), 50-79
			// atorvastatin (after its own 0-29 only): 0-79 = 80 days.
			name: "different drugs of the class overlap without shifting", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 30), rx(t, "2025-01-25", "rosuvastatin", 30),
					rx(t, "2025-02-20", "atorvastatin", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 80, PDC10000: 2192},
		},
		{
			// Both start on 1 Jan: 30 days, not 60; plus 1 Mar's 30.
			name: "same-day fills of different drugs both start that day", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 30), rx(t, "2025-01-01", "rosuvastatin", 30),
					rx(t, "2025-03-01", "atorvastatin", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 60, PDC10000: 1644},
		},
		{
			// The second 1 Jan fill starts on 31 Jan; 1 Mar's on 2 Mar.
			name: "same-day fills of the same drug shift", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				f := rx(t, "2025-01-01", "atorvastatin", 30)
				g := f
				g.ClaimID += " again"
				return Facts{Fills: []Fill{f, g, rx(t, "2025-03-01", "atorvastatin", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 90, PDC10000: 2466},
		},
		{
			name: "two fills on one date are too few", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 30), rx(t, "2025-01-01", "rosuvastatin", 30)}}
			},
			want: summary{Status: "too_few_fills", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 30},
		},
		{
			// 1 Sep-29 Nov (90), 30 Nov uncovered, 1-31 Dec (31 of 90):
			// 121 of 122.
			name: "supply past the year end does not count", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-09-01", "atorvastatin", 90), rx(t, "2025-12-01", "atorvastatin", 90)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-09-01", End: "2025-12-31", Treatment: 122, Covered: 121, PDC10000: 9918, Adherent: true},
		},
		{
			// In hospital 10-14 Jan: 1-9 Jan, then 15 Jan-4 Feb; the 1 Feb
			// refill chains on from 5 Feb. 60 of 365-5.
			name: "inpatient stay: censored, supply shifts past discharge and chains", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 30), rx(t, "2025-02-01", "atorvastatin", 30)},
					Stays: []Stay{stay(t, "2025-01-10", "2025-01-14")}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 360, Inpatient: 5, Covered: 60, PDC10000: 1667},
		},
		{
			name: "inpatient stay before the index date is not censored", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-10-02", "atorvastatin", 30), rx(t, "2025-11-01", "atorvastatin", 30)},
					Stays: []Stay{stay(t, "2025-03-01", "2025-03-10"), stay(t, "2025-09-28", "2025-10-02")}}
			},
			// 2 Oct is an inpatient day: the first fill starts on 3 Oct and
			// runs to 1 Nov, pushing the second to 2 Nov-1 Dec.
			want: summary{Status: "in_denominator", Index: "2025-10-02", End: "2025-12-31", Treatment: 90, Inpatient: 1, Covered: 60, PDC10000: 6667},
		},
		{
			name: "every day inpatient", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-10-02", "atorvastatin", 30), rx(t, "2025-11-01", "atorvastatin", 30)},
					Stays: []Stay{stay(t, "2025-10-01", "2026-01-05")}}
			},
			want: summary{Status: "all_inpatient", Index: "2025-10-02", End: "2025-12-31", Inpatient: 91},
		},
		{
			// 292 of 365 is exactly 0.8.
			name: "pdc exactly 0.8 is adherent", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 146), rx(t, "2025-06-01", "atorvastatin", 146)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 292, PDC10000: 8000, Adherent: true},
		},
		{
			name: "one day short of 0.8 is not", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 146), rx(t, "2025-06-01", "atorvastatin", 145)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 291, PDC10000: 7973},
		},
		{
			// Jan 1-Jun 29 covered, 30 Jun not: 180 of 181. A fill after
			// coverage ended is ignored.
			name: "treatment period ends with coverage", period: y2025, measure: Statins,
			member: func(t testing.TB) Member { m := adult(t); m.CoverageEnd = day(t, "2025-06-30"); return m },
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 90), rx(t, "2025-04-01", "atorvastatin", 90),
					rx(t, "2025-08-01", "atorvastatin", 90)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-06-30", Treatment: 181, Covered: 180, PDC10000: 9945, Adherent: true},
		},
		{
			name: "as-of date ends the period to date and hides later fills", period: Period{Year: 2025, AsOf: mustDay("2025-06-30")}, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 90), rx(t, "2025-04-01", "atorvastatin", 90),
					rx(t, "2025-06-30", "rosuvastatin", 1), rx(t, "2025-07-15", "atorvastatin", 90)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-06-30", Treatment: 181, Covered: 181, PDC10000: 10000, Adherent: true},
		},
		{
			// The December fill's supply does not carry into the year; the
			// index is 1 Feb. 60 of 334.
			name: "fills before the year do not count", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2024-12-15", "atorvastatin", 90), rx(t, "2025-02-01", "atorvastatin", 30),
					rx(t, "2025-03-01", "atorvastatin", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-02-01", End: "2025-12-31", Treatment: 334, Covered: 60, PDC10000: 1796},
		},
		{
			// amlodipine/benazepril and benazepril are different drugs: 0-29
			// and 14-43, 44 days.
			name: "combination product counts and is a drug of its own", period: y2025, measure: RASA,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "amlodipine / benazepril", 30), rx(t, "2025-01-15", "benazepril", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 44, PDC10000: 1205},
		},
		{
			// The same ingredients in another order are the same drug.
			name: "combination in another order is the same drug", period: y2025, measure: Diabetes,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "sitagliptin / metformin", 30), rx(t, "2025-01-15", "metformin / sitagliptin", 30)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 60, PDC10000: 1644},
		},
		{
			name: "statin combination counts for statins", period: y2025, measure: Statins,
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "ezetimibe / simvastatin", 90), rx(t, "2025-04-01", "simvastatin", 90)}}
			},
			want: summary{Status: "in_denominator", Index: "2025-01-01", End: "2025-12-31", Treatment: 365, Covered: 180, PDC10000: 4932},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := adult(t)
			if tt.member != nil {
				m = tt.member(t)
			}
			rs := evaluate(t, tt.period, m, tt.facts(t))
			if diff := cmp.Diff(tt.want, summarize(rs[tt.measure])); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.measure, diff)
			}
		})
	}
}
