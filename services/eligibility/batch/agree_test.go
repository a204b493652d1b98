package batch

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
)

// TestAgreesWithService runs the batch and the service's use case
// (app.EvaluateMember, as :evaluate does after an import) over the same
// files, and checks that every member gets the same answer: the contract
// files, and a synthetic population whose refills, reversals (right after
// their paid claim) and DMP members cover what hand-made files do not.
func TestAgreesWithService(t *testing.T) {
	t.Parallel()
	ref, err := reference.Default()
	if err != nil {
		t.Fatal(err)
	}
	synthDir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Config{Members: 500, Seed: 11, AsOf: date(t, "2025-12-31")},
		ref, synthDir, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, asOf string
		year            int
	}{
		{"contract 2025", contract, "2025-06-30", 2025},
		{"contract 2024", contract, "2025-06-30", 2024},
		{"synthetic 2025", synthDir, "2025-12-31", 2025},
		{"synthetic mid-year", synthDir, "2025-07-15", 2025},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := contractConfig(t, tt.year)
			cfg.AsOf = date(t, tt.asOf)
			cfg.Members, cfg.Claims = filepath.Join(tt.dir, "members.csv"), filepath.Join(tt.dir, "rx_claims.csv")
			cfg.Diagnoses, cfg.chunkBytes = filepath.Join(tt.dir, "diagnoses.csv"), 4096
			stdout, _, err := run(t, cfg)
			if err != nil {
				t.Fatal(err)
			}
			repo := loadRepo(t, tt.dir, cfg.Today, ref)
			svc, err := app.New(repo, app.WithReference(ref), app.WithClock(func() time.Time { return cfg.Today.Time() }))
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(lines) != len(repo.order) {
				t.Fatalf("batch wrote %d lines for %d members", len(lines), len(repo.order))
			}
			eligible := 0
			for i, line := range lines {
				var got result
				if err := json.Unmarshal([]byte(line), &got); err != nil {
					t.Fatalf("line %d: %v", i+1, err)
				}
				id := repo.order[i]
				rd, err := svc.EvaluateMember(context.Background(), planID, id, tt.year, cfg.AsOf)
				if err != nil {
					t.Fatalf("EvaluateMember(%s): %v", id, err)
				}
				if diff := cmp.Diff(resultOf(rd.Determination, repo.members[id].DMPAtRisk), got); diff != "" {
					t.Errorf("member %s: service (-) and batch (+) differ:\n%s", id, diff)
				}
				if got.Eligible {
					eligible++
				}
			}
			if eligible == 0 {
				t.Error("no member is eligible: the comparison proves little")
			}
		})
	}
}

// result is one line of the batch's output.
type result struct {
	MemberID        string `json:"member_id"`
	Eligible        bool   `json:"eligible"`
	TargetingReason string `json:"targeting_reason"`
	ChronicDiseases []struct {
		Disease string `json:"disease"`
		Source  string `json:"source"`
	} `json:"chronic_diseases"`
	MaintenanceDrugCount int    `json:"maintenance_drug_count"`
	ProjectedAnnualCost  string `json:"projected_annual_cost"`
	DMPAtRisk            bool   `json:"dmp_at_risk"`
}

// resultOf is the line a determination should give.
func resultOf(d domain.Determination, dmp bool) result {
	r := result{MemberID: d.MemberID, Eligible: d.Eligible, TargetingReason: d.Reason,
		MaintenanceDrugCount: d.MaintenanceDrugCount, ProjectedAnnualCost: domain.FormatCents(d.ProjectedAnnualCostCents),
		DMPAtRisk: dmp}
	r.ChronicDiseases = make([]struct {
		Disease string `json:"disease"`
		Source  string `json:"source"`
	}, len(d.Diseases))
	for i, c := range d.Diseases {
		r.ChronicDiseases[i].Disease, r.ChronicDiseases[i].Source = c.Disease, c.Source
	}
	return r
}

// fakeRepo serves the service's use case from files read as an import
// stores them: claims keyed by claim id, a later row replacing an earlier
// one, a reversal sticky. The rest of the port is not used (nil: a call
// would panic).
type fakeRepo struct {
	app.Repository
	order     []string
	members   map[string]domain.Member
	claims    map[string][]domain.Claim
	diagnoses map[string][]domain.Diagnosis
}

func loadRepo(t *testing.T, dir string, today civil.Date, ref *reference.Reference) *fakeRepo {
	t.Helper()
	r := &fakeRepo{members: map[string]domain.Member{}, claims: map[string][]domain.Claim{}, diagnoses: map[string][]domain.Diagnosis{}}
	read := func(name string, fn func(f *os.File) (intake.Summary, error)) {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := fn(f); err != nil {
			t.Fatal(err)
		}
	}
	read("members.csv", func(f *os.File) (intake.Summary, error) {
		return intake.Members(f, planID, today, intake.Options{}, func(_ int64, m domain.Member) error {
			r.order, r.members[m.MemberID] = append(r.order, m.MemberID), m
			return nil
		})
	})
	byID := map[string]domain.Claim{}
	read("rx_claims.csv", func(f *os.File) (intake.Summary, error) {
		return intake.Claims(f, planID, ref.NDC, intake.Options{}, func(_ int64, c domain.Claim) error {
			c.Reversed = c.Reversed || byID[c.ClaimID].Reversed
			byID[c.ClaimID] = c
			return nil
		})
	})
	for _, c := range byID {
		r.claims[c.MemberID] = append(r.claims[c.MemberID], c)
	}
	read("diagnoses.csv", func(f *os.File) (intake.Summary, error) {
		return intake.Diagnoses(f, planID, intake.Options{}, func(_ int64, d domain.Diagnosis) error {
			r.diagnoses[d.MemberID] = append(r.diagnoses[d.MemberID], d)
			return nil
		})
	})
	return r
}

// PartDProgram says the plan has no Part D program: the CMS maxima apply.
func (r *fakeRepo) PartDProgram(context.Context, string) (domain.PlanProgram, bool, error) {
	return domain.PlanProgram{}, false, nil
}

// MemberData returns what the store's query does: paid, unreversed claims
// and diagnoses dated from since to asOf.
func (r *fakeRepo) MemberData(_ context.Context, _, memberID string, since, asOf civil.Date) (domain.Member, []domain.Claim, []domain.Diagnosis, error) {
	var claims []domain.Claim
	for _, c := range r.claims[memberID] {
		if !c.Reversed && c.FillDate >= since && c.FillDate <= asOf {
			claims = append(claims, c)
		}
	}
	var dx []domain.Diagnosis
	for _, d := range r.diagnoses[memberID] {
		if d.ServiceDate >= since && d.ServiceDate <= asOf {
			dx = append(dx, d)
		}
	}
	return r.members[memberID], claims, dx, nil
}

func (r *fakeRepo) RecordDetermination(_ context.Context, d domain.Determination, _ time.Time,
	_ func(e *domain.Enrollment, id string)) (domain.RecordedDetermination, error) {
	return domain.RecordedDetermination{Determination: d}, nil
}
