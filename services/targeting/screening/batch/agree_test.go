package batch

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
	"github.com/openmtm/openmtm/services/targeting/adherence"
	"github.com/openmtm/openmtm/services/targeting/screening"
)

// TestAgreesWithScreening runs the batch, and the path the service takes
// (each member's records: PDCs through adherence.NewFacts and the
// evaluator, then screening.RuleSet.Screen, each finding through
// encoding/json), over the same synthetic population, and checks that
// they write the same bytes: the batch's look-back and diagnosis filters,
// its compact records, its reversal scan and its reading back of claim ids
// must lose and change nothing. The population's claims span April 2025
// to March 2026, so that some rows lie after the as-of date and some
// before the look-back; the shuffled files put every member's rows all
// over the file, in an order the batch must keep.
func TestAgreesWithScreening(t *testing.T) {
	t.Parallel()
	ref, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Config{Members: 2000, Seed: 7, AsOf: date(t, "2026-03-31")},
		ref, dir, nil); err != nil {
		t.Fatal(err)
	}
	shuffled := t.TempDir()
	for _, name := range []string{"members.csv", "rx_claims.csv", "diagnoses.csv"} {
		shuffle(t, filepath.Join(dir, name), filepath.Join(shuffled, name), name != "members.csv")
	}
	short := filepath.Join(dir, "short.yaml")
	if err := os.WriteFile(short, []byte(`version: short-windows
rules:
  refill_overdue: {window: 60, max_overdue_days: 45}
  therapeutic_duplication: {window: 30, min_overlap_days: 7}
  statin_use_in_diabetes: {window: 120}
  opioid_benzodiazepine: {window: 90, min_overlap_days: 10}
  high_risk_elderly: {window: 45}
  drug_interaction: {window: 40}
  polypharmacy: {window: 30, min_drugs: 6}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	noPDC := filepath.Join(dir, "no_pdc.yaml")
	if err := os.WriteFile(noPDC, []byte("rules:\n  adherence_pdc: {enabled: false}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, asOf, config string
		year                    int
	}{
		{name: "year end", dir: dir, asOf: "2025-12-31"},
		{name: "mid-year", dir: dir, asOf: "2025-08-15"},
		{name: "last year's PDC", dir: dir, asOf: "2026-03-31", year: 2025},
		{name: "short windows", dir: dir, asOf: "2026-02-10", config: short},
		{name: "no PDC", dir: dir, asOf: "2025-12-31", config: noPDC},
		{name: "shuffled files", dir: shuffled, asOf: "2025-12-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{AsOf: date(t, tt.asOf), Year: tt.year, Members: filepath.Join(tt.dir, "members.csv"),
				Claims: filepath.Join(tt.dir, "rx_claims.csv"), Diagnoses: filepath.Join(tt.dir, "diagnoses.csv"),
				Rules: tt.config, Today: date(t, "2026-04-15"), Progress: -1, Workers: 2, chunkBytes: 8192}
			got, stderr, err := execute(t, cfg)
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, stderr)
			}
			want := fromRecords(t, ref, cfg)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("batch against records (-records +batch):\n%s", diff)
			}
			if tt.config != "" {
				return
			}
			for _, id := range screening.RuleIDs() {
				if !strings.Contains(got, `"rule_id":"`+id+`"`) {
					t.Errorf("no finding of rule %s: the population should give some of every rule", id)
				}
			}
			if !strings.Contains(got, `"diagnoses":[{`) {
				t.Error("no finding names a diagnosis: the population should give some")
			}
		})
	}
}

// shuffle copies a CSV file with its rows in a random order (or as they
// are, when mix is false).
func shuffle(t *testing.T, from, to string, mix bool) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	rows := lines[1:]
	if mix {
		rng := rand.New(rand.NewPCG(1, 2))
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	}
	if err := os.WriteFile(to, []byte(lines[0]+strings.Join(rows, "")), 0o600); err != nil {
		t.Fatal(err)
	}
}

// fromRecords computes the expected output one member at a time, from
// records read with intake as the service imports them, and the service's
// calls: adherence for the PDCs, then screening.
func fromRecords(t *testing.T, ref *reference.Reference, cfg Config) string {
	t.Helper()
	var members []domain.Member
	read(t, cfg.Members, func(r io.Reader) (intake.Summary, error) {
		return intake.Members(r, planID, cfg.Today, intake.Options{}, func(_ int64, m domain.Member) error {
			members = append(members, m)
			return nil
		})
	})
	claims := map[string][]domain.Claim{}
	read(t, cfg.Claims, func(r io.Reader) (intake.Summary, error) {
		return intake.Claims(r, planID, ref.NDC, intake.Options{}, func(_ int64, c domain.Claim) error {
			claims[c.MemberID] = append(claims[c.MemberID], c)
			return nil
		})
	})
	diagnoses := map[string][]domain.Diagnosis{}
	read(t, cfg.Diagnoses, func(r io.Reader) (intake.Summary, error) {
		return intake.Diagnoses(r, planID, intake.Options{}, func(_ int64, d domain.Diagnosis) error {
			diagnoses[d.MemberID] = append(diagnoses[d.MemberID], d)
			return nil
		})
	})
	rs, err := screening.Load()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Rules != "" {
		src, err := os.ReadFile(cfg.Rules)
		if err != nil {
			t.Fatal(err)
		}
		c, err := screening.ParseConfig(src)
		if err != nil {
			t.Fatal(err)
		}
		if rs, err = rs.WithConfig(c); err != nil {
			t.Fatal(err)
		}
	}
	period := adherence.Period{Year: cfg.Year, AsOf: cfg.AsOf}
	if period.Year == 0 {
		period.Year = cfg.AsOf.Year()
	}
	spec := adherence.DefaultSpec()
	classify := adherence.NewClassifier(ref.Drugs)
	e, err := adherence.NewEvaluator(spec)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, m := range members {
		f, err := adherence.NewFacts(classify, spec, period, claims[m.MemberID], diagnoses[m.MemberID], nil)
		if err != nil {
			t.Fatal(err)
		}
		am := adherence.Member{MemberID: m.MemberID, BirthDate: m.BirthDate, Hospice: m.Hospice}
		if m.CoverageEnd != nil {
			am.CoverageEnd = *m.CoverageEnd
		}
		results, err := e.Evaluate(period, am, f, false)
		if err != nil {
			t.Fatal(err)
		}
		pdc := map[string]float64{}
		for _, r := range results {
			if r.Status == adherence.StatusInDenominator {
				pdc[r.Measure.String()] = r.PDC()
			}
		}
		findings := rs.Screen(screening.MemberInput{Age: screening.AgeOn(m.BirthDate, cfg.AsOf), Hospice: m.Hospice,
			Claims: claims[m.MemberID], Diagnoses: diagnoses[m.MemberID], PDC: pdc}, cfg.AsOf)
		for _, f := range findings {
			b, err := json.Marshal(struct {
				MemberID string `json:"member_id"`
				screening.Finding
			}{m.MemberID, f})
			if err != nil {
				t.Fatal(err)
			}
			out = append(append(out, b...), '\n')
		}
	}
	return string(out)
}

// read reads the file at path with an intake reader.
func read(t *testing.T, path string, with func(io.Reader) (intake.Summary, error)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := with(f); err != nil {
		t.Fatal(err)
	}
}

func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func execute(t testing.TB, cfg Config) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut strings.Builder
	err = Run(context.Background(), cfg, &out, &errOut)
	return out.String(), errOut.String(), err
}
