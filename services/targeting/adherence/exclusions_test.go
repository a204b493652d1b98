package adherence

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// threeMeasures are two fills of each measure's drugs, 1 Jan and 1 Apr, 90
// days each: 180 of 365 covered everywhere when nothing excludes.
func threeMeasures(t testing.TB, extra ...Fill) Facts {
	f := Facts{Fills: []Fill{
		rx(t, "2025-01-01", "metformin", 90), rx(t, "2025-04-01", "metformin", 90),
		rx(t, "2025-01-01", "lisinopril", 90), rx(t, "2025-04-01", "lisinopril", 90),
		rx(t, "2025-01-01", "atorvastatin", 90), rx(t, "2025-04-01", "atorvastatin", 90),
	}}
	f.Fills = append(f.Fills, extra...)
	return f
}

// TestEvaluateExclusions checks each exclusion with a member it applies to
// and, in the same table, one it does not.
func TestEvaluateExclusions(t *testing.T) {
	t.Parallel()
	const in = "in_denominator"
	tests := []struct {
		name   string
		spec   func(*Spec)
		member func(*Member)
		facts  func(t testing.TB) Facts
		want   [3]string // diabetes, rasa, statins
	}{
		{name: "no exclusion", facts: func(t testing.TB) Facts { return threeMeasures(t) }, want: [3]string{in, in, in}},
		{
			name: "hospice excludes every measure", member: func(m *Member) { m.Hospice = true },
			facts: func(t testing.TB) Facts { return threeMeasures(t) },
			want:  [3]string{"excluded_hospice", "excluded_hospice", "excluded_hospice"},
		},
		{
			name: "hospice, statins exclusions switched off", member: func(m *Member) { m.Hospice = true },
			spec:  func(s *Spec) { s.StatinsExclusions = false },
			facts: func(t testing.TB) Facts { return threeMeasures(t) },
			want:  [3]string{"excluded_hospice", "excluded_hospice", in},
		},
		{
			name:  "ESRD excludes every measure",
			facts: func(t testing.TB) Facts { f := threeMeasures(t); f.ESRD = true; return f },
			want:  [3]string{"excluded_esrd", "excluded_esrd", "excluded_esrd"},
		},
		{
			name: "insulin excludes diabetes only",
			facts: func(t testing.TB) Facts {
				return threeMeasures(t, rx(t, "2025-06-01", "insulin glargine", 30))
			},
			want: [3]string{"excluded_insulin", in, in},
		},
		{
			name: "insulin in a combination product excludes diabetes",
			facts: func(t testing.TB) Facts {
				return threeMeasures(t, rx(t, "2025-06-01", "insulin glargine / lixisenatide", 30))
			},
			want: [3]string{"excluded_insulin", in, in},
		},
		{
			name: "insulin filled the year before does not exclude",
			facts: func(t testing.TB) Facts {
				return threeMeasures(t, rx(t, "2024-12-01", "insulin glargine", 30))
			},
			want: [3]string{in, in, in},
		},
		{
			name: "sacubitril/valsartan excludes rasa only",
			facts: func(t testing.TB) Facts {
				return threeMeasures(t, rx(t, "2025-09-01", "sacubitril / valsartan", 30))
			},
			want: [3]string{in, "excluded_sacubitril_valsartan", in},
		},
		{
			name: "valsartan alone does not exclude rasa",
			facts: func(t testing.TB) Facts {
				return threeMeasures(t, rx(t, "2025-09-01", "valsartan", 30))
			},
			want: [3]string{in, in, in},
		},
		{
			name: "17 on the last day of the year is excluded", member: func(m *Member) { m.BirthDate = mustDay("2008-01-01") },
			facts: func(t testing.TB) Facts { return threeMeasures(t) },
			want:  [3]string{"excluded_age", "excluded_age", "excluded_age"},
		},
		{
			name: "18 on the last day of the year is in", member: func(m *Member) { m.BirthDate = mustDay("2007-12-31") },
			facts: func(t testing.TB) Facts { return threeMeasures(t) },
			want:  [3]string{in, in, in},
		},
		{
			name: "exclusions are not reported without fills", member: func(m *Member) { m.Hospice = true },
			facts: func(t testing.TB) Facts {
				return Facts{Fills: []Fill{rx(t, "2025-01-01", "atorvastatin", 90), rx(t, "2025-04-01", "atorvastatin", 90)}}
			},
			want: [3]string{"no_fills", "no_fills", "excluded_hospice"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := DefaultSpec()
			if tt.spec != nil {
				tt.spec(&spec)
			}
			m := adult(t)
			if tt.member != nil {
				tt.member(&m)
			}
			e, err := NewEvaluator(spec)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := e.Evaluate(Period{Year: 2025}, m, tt.facts(t), false)
			if err != nil {
				t.Fatal(err)
			}
			var got [3]string
			for _, r := range rs {
				got[r.Measure] = r.Status.String()
				if r.Status.Excluded() && (r.PDCBasisPoints != 0 || r.Adherent || r.Projection.Outlook != OutlookNone) {
					t.Errorf("%s: excluded result has figures: %+v", r.Measure, r)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewFactsFromRecords checks how stored records become facts:
// reversals cancel their paid claim, ESRD counts only in the year and up to
// the as-of date, records after the as-of date are dropped.
func TestNewFactsFromRecords(t *testing.T) {
	t.Parallel()
	claim := func(id, date, generic string, reversed bool) domain.Claim {
		return domain.Claim{ClaimID: id, MemberID: "M1", FillDate: day(t, date), GenericName: generic, DaysSupply: 30, Reversed: reversed}
	}
	diag := func(code, date string) domain.Diagnosis {
		return domain.Diagnosis{MemberID: "M1", ICD10: code, ServiceDate: day(t, date)}
	}
	tests := []struct {
		name      string
		asOf      string
		diagnoses []domain.Diagnosis
		wantFills []string
		wantESRD  bool
	}{
		{name: "year end", diagnoses: []domain.Diagnosis{diag("N186", "2024-12-31"), diag("E119", "2025-03-01")},
			wantFills: []string{"C1", "C4", "C5"}},
		{name: "ESRD in the year", diagnoses: []domain.Diagnosis{diag("Z992", "2025-11-01")},
			wantFills: []string{"C1", "C4", "C5"}, wantESRD: true},
		{name: "ESRD after the as-of date", asOf: "2025-06-30", diagnoses: []domain.Diagnosis{diag("N186", "2025-11-01")},
			wantFills: []string{"C1", "C4"}},
	}
	claims := []domain.Claim{
		claim("C1", "2025-01-01", "atorvastatin", false),
		claim("C2", "2025-02-01", "atorvastatin", false), // reversed below
		claim("C3", "2025-02-15", "amoxicillin", false),  // in no measure
		claim("C2", "2025-02-01", "atorvastatin", true),
		claim("C4", "2025-03-01", "insulin glargine", false), // excludes: kept
		claim("C5", "2025-09-01", "lisinopril", false),
		claim("C6", "2024-12-01", "lisinopril", false), // before the year
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := Period{Year: 2025}
			if tt.asOf != "" {
				p.AsOf = day(t, tt.asOf)
			}
			f, err := NewFacts(testClassifier(), DefaultSpec(), p, claims, tt.diagnoses, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fl := range f.Fills {
				got = append(got, fl.ClaimID)
			}
			if diff := cmp.Diff(tt.wantFills, got); diff != "" {
				t.Errorf("fills (-want +got):\n%s", diff)
			}
			if f.ESRD != tt.wantESRD {
				t.Errorf("ESRD = %v, want %v", f.ESRD, tt.wantESRD)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	c := testClassifier()
	tests := []struct {
		generic         string
		measures        []Measure
		insulin, sacVal bool
		sameDrugAs      string
	}{
		{generic: "atorvastatin", measures: []Measure{Statins}},
		{generic: "amlodipine / benazepril", measures: []Measure{RASA}},
		{generic: "metformin / sitagliptin", measures: []Measure{Diabetes}, sameDrugAs: "sitagliptin / metformin"},
		{generic: "insulin glargine", insulin: true},
		{generic: "insulin glargine / lixisenatide", measures: []Measure{Diabetes}, insulin: true},
		{generic: "sacubitril / valsartan", measures: []Measure{RASA}, sacVal: true},
		{generic: "amoxicillin"},
		{generic: "not a drug"},
	}
	for _, tt := range tests {
		cl := c.Classify(tt.generic)
		var got []Measure
		for _, m := range Measures {
			if cl.Measures.Has(m) {
				got = append(got, m)
			}
		}
		if diff := cmp.Diff(tt.measures, got); diff != "" {
			t.Errorf("%s: measures (-want +got):\n%s", tt.generic, diff)
		}
		if cl.Insulin != tt.insulin || cl.SacubitrilValsartan != tt.sacVal {
			t.Errorf("%s: insulin %v sacubitril/valsartan %v, want %v %v", tt.generic, cl.Insulin, cl.SacubitrilValsartan, tt.insulin, tt.sacVal)
		}
		if (cl.Drug != 0) != (cl.Measures != 0) {
			t.Errorf("%s: drug id %d with measures %b", tt.generic, cl.Drug, cl.Measures)
		}
		if tt.sameDrugAs != "" && c.Classify(tt.sameDrugAs).Drug != cl.Drug {
			t.Errorf("%s and %s are different drugs", tt.generic, tt.sameDrugAs)
		}
	}
	if got := c.DrugName(c.Classify("sitagliptin / metformin").Drug); got != "metformin / sitagliptin" {
		t.Errorf("DrugName = %q", got)
	}
}
