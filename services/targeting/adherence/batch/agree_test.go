package batch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/reference"
	"github.com/openmtm/openmtm/services/targeting/adherence"
)

// TestAgreesWithRecords runs the batch, and the path the service takes
// (each member's stored records through adherence.NewFacts and the
// evaluator), over the same synthetic population, and checks that every
// member gets the same lines: the batch's compact state, its reversal scan
// and its flags must lose nothing. The population has refills with gaps
// and early refills, reversals, hospice and ESRD members; stays are added
// for every seventh member.
func TestAgreesWithRecords(t *testing.T) {
	t.Parallel()
	ref, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Config{Members: 600, Seed: 5, AsOf: date(t, "2025-12-31")},
		ref, dir, nil); err != nil {
		t.Fatal(err)
	}
	stays := writeStays(t, dir, 600)
	for _, asOf := range []string{"", "2025-08-15"} {
		t.Run("as of "+asOf, func(t *testing.T) {
			t.Parallel()
			cfg := Config{Year: 2025, Members: filepath.Join(dir, "members.csv"), Claims: filepath.Join(dir, "rx_claims.csv"),
				Diagnoses: filepath.Join(dir, "diagnoses.csv"), Stays: stays, Today: date(t, "2026-01-15"), Progress: -1,
				Workers: 2, chunkBytes: 4096}
			p := adherence.Period{Year: 2025}
			if asOf != "" {
				cfg.AsOf, p.AsOf = date(t, asOf), date(t, asOf)
			}
			got, stderr, err := execute(t, cfg)
			if err != nil {
				t.Fatalf("Run: %v\n%s", err, stderr)
			}
			want := fromRecords(t, ref, dir, stays, p)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("batch against records (-records +batch):\n%s", diff)
			}
			if n := strings.Count(got, "\n"); n < 300 {
				t.Errorf("only %d lines: the population should put most members in a denominator", n)
			}
		})
	}
}

// writeStays writes an inpatient_stays.csv with a stay of 2 to 9 days for
// every seventh synthetic member, spread over the year.
func writeStays(t *testing.T, dir string, members int) string {
	var b strings.Builder
	b.WriteString("member_id,admit_date,discharge_date\n")
	y0 := date(t, "2025-01-01")
	for i := 1; i <= members; i += 7 {
		admit := y0.AddDays(i * 13 % 360)
		fmt.Fprintf(&b, "M%07d,%s,%s\n", i, admit, admit.AddDays(2+i%8))
	}
	p := filepath.Join(dir, "inpatient_stays.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// fromRecords computes the expected output one member at a time, from
// records read with intake as the service imports them.
func fromRecords(t *testing.T, ref *reference.Reference, dir, staysPath string, p adherence.Period) string {
	t.Helper()
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	var members []domain.Member
	if _, err := intake.Members(open("members.csv"), planID, date(t, "2026-01-15"), intake.Options{}, func(_ int64, m domain.Member) error {
		members = append(members, m)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	claims := map[string][]domain.Claim{}
	if _, err := intake.Claims(open("rx_claims.csv"), planID, ref.NDC, intake.Options{}, func(_ int64, c domain.Claim) error {
		claims[c.MemberID] = append(claims[c.MemberID], c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	diagnoses := map[string][]domain.Diagnosis{}
	if _, err := intake.Diagnoses(open("diagnoses.csv"), planID, intake.Options{}, func(_ int64, d domain.Diagnosis) error {
		diagnoses[d.MemberID] = append(diagnoses[d.MemberID], d)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	stays := map[string][]adherence.Stay{}
	sf, err := os.Open(staysPath)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	if _, err := adherence.ReadStays(sf, intake.Options{}, func(_ int64, s adherence.MemberStay) error {
		stays[s.MemberID] = append(stays[s.MemberID], s.Stay)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	spec := adherence.DefaultSpec()
	classify := adherence.NewClassifier(ref.Drugs)
	e, err := adherence.NewEvaluator(spec)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, m := range members {
		f, err := adherence.NewFacts(classify, spec, p, claims[m.MemberID], diagnoses[m.MemberID], stays[m.MemberID])
		if err != nil {
			t.Fatal(err)
		}
		am := adherence.Member{MemberID: m.MemberID, BirthDate: m.BirthDate, Hospice: m.Hospice}
		if m.CoverageEnd != nil {
			am.CoverageEnd = *m.CoverageEnd
		}
		rs, err := e.Evaluate(p, am, f, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Status == adherence.StatusInDenominator {
				out = appendLine(out, m.MemberID, r)
			}
		}
	}
	return string(out)
}
