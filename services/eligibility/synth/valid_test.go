package synth

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// TestRowsAreValid parses every row of a 2,000-member run with the domain
// constructors the intake uses, and checks what they cannot: unique ids,
// reversals that repeat their paid row, dates inside the window and the
// member's coverage.
func TestRowsAreValid(t *testing.T) {
	t.Parallel()
	asOf, _ := civil.Parse("2025-06-30")
	dir, st := generate(t, Config{Members: 2000, Seed: 42, AsOf: asOf})
	inWindow := func(m domain.Member, d civil.Date) bool {
		return d >= asOf.AddDays(-364) && d <= asOf && m.Covers(d)
	}

	members := map[string]domain.Member{}
	mbis := map[string]bool{}
	scan(t, filepath.Join(dir, MembersFile), func(line int, r record) {
		m, err := domain.NewMember("synth", domain.MemberInput{
			MemberID: r.get("member_id"), MBI: r.get("mbi"), ContractID: r.get("contract_id"), PBPID: r.get("pbp_id"),
			FirstName: r.get("first_name"), LastName: r.get("last_name"), BirthDate: r.get("birth_date"),
			Sex: r.get("sex"), Language: r.get("language"), PostalCode: r.get("postal_code"), Phone: r.get("phone"),
			CoverageStart: r.get("coverage_start"), CoverageEnd: r.get("coverage_end"),
			LTC: isY(r.get("ltc")), DMPAtRisk: isY(r.get("dmp_at_risk")), Hospice: isY(r.get("hospice")),
		}, asOf)
		switch _, dup := members[m.MemberID]; {
		case err != nil:
			t.Fatalf("members.csv line %d: %v", line, err)
		case dup:
			t.Fatalf("members.csv line %d: member_id %s repeats", line, m.MemberID)
		case m.MBI == "" || mbis[m.MBI]:
			t.Fatalf("members.csv line %d: MBI missing or repeated", line)
		}
		members[m.MemberID], mbis[m.MBI] = m, true
	})
	if len(members) != 2000 || st.Members != 2000 {
		t.Fatalf("members.csv has %d rows, stats say %d, want 2000", len(members), st.Members)
	}

	paid := map[string]bool{}
	var rows, reversals int64
	var prev []string // the row above, without its status
	scan(t, filepath.Join(dir, ClaimsFile), func(line int, r record) {
		rows++
		c, err := domain.NewClaim("synth", domain.ClaimInput{
			ClaimID: r.get("claim_id"), MemberID: r.get("member_id"), FillDate: r.get("fill_date"),
			GenericName: r.get("generic_name"), NDC: r.get("ndc"), DaysSupply: r.get("days_supply"),
			Quantity: r.get("quantity"), TotalCost: r.get("total_cost"), PharmacyNPI: r.get("pharmacy_npi"),
			PrescriberNPI: r.get("prescriber_npi"), Status: r.get("status"),
		}, nil)
		if err != nil {
			t.Fatalf("rx_claims.csv line %d: %v", line, err)
		}
		switch m, ok := members[c.MemberID]; {
		case !ok:
			t.Fatalf("rx_claims.csv line %d: unknown member", line)
		case !inWindow(m, c.FillDate):
			t.Fatalf("rx_claims.csv line %d: fill date %s outside the window or the coverage", line, c.FillDate)
		case c.PharmacyNPI == "" || c.PrescriberNPI == "" || c.TotalCost <= 0:
			t.Fatalf("rx_claims.csv line %d: missing NPI or cost", line)
		}
		fields := slices.Clone(r.fields[:len(r.fields)-1])
		switch {
		case c.Reversed && !slices.Equal(prev, fields):
			t.Fatalf("rx_claims.csv line %d: a reversal must repeat the paid row above it", line)
		case c.Reversed:
			reversals++
			prev = nil
		case paid[c.ClaimID]:
			t.Fatalf("rx_claims.csv line %d: claim_id %s repeats", line, c.ClaimID)
		default:
			paid[c.ClaimID], prev = true, fields
		}
	})
	if rows != st.Claims || reversals != st.Reversals || reversals == 0 {
		t.Errorf("rx_claims.csv has %d rows, %d reversals; stats say %d and %d; want the same, and some reversals",
			rows, reversals, st.Claims, st.Reversals)
	}

	rows = 0
	scan(t, filepath.Join(dir, DiagnosesFile), func(line int, r record) {
		rows++
		d, err := domain.NewDiagnosis("synth", domain.DiagnosisInput{
			MemberID: r.get("member_id"), ICD10: r.get("icd10"), ServiceDate: r.get("service_date"),
		})
		if err != nil {
			t.Fatalf("diagnoses.csv line %d: %v", line, err)
		}
		switch m, ok := members[d.MemberID]; {
		case !ok:
			t.Fatalf("diagnoses.csv line %d: unknown member", line)
		case !strings.HasPrefix(m.ContractID, "H"):
			t.Fatalf("diagnoses.csv line %d: a stand-alone PDP member has no medical claims", line)
		case !inWindow(m, d.ServiceDate):
			t.Fatalf("diagnoses.csv line %d: service date outside the window or the coverage", line)
		}
	})
	if rows != st.Diagnoses || rows == 0 {
		t.Errorf("diagnoses.csv has %d rows, stats say %d; want the same, and some", rows, st.Diagnoses)
	}
}

// TestICDCodesMapToTheirDisease checks the diagnosis codes against the
// reference's ICD-10-CM map (domain.md §7): each disease's codes map to it,
// and the other codes to no core disease.
func TestICDCodesMapToTheirDisease(t *testing.T) {
	t.Parallel()
	m := mustRef(t).Diagnoses
	for dis, codes := range icdCodes {
		if dis == dESRD {
			codes = append(slices.Clone(codes), "Z99.2")
		}
		for _, code := range codes {
			if !slices.Contains(m.Diseases(code), diseaseKeys[dis]) {
				t.Errorf("%s maps to %v, want %s", code, m.Diseases(code), diseaseKeys[dis])
			}
		}
	}
	for _, code := range otherCodes {
		if got := m.Diseases(code); len(got) != 0 {
			t.Errorf("%s maps to %v, want no core disease", code, got)
		}
	}
}

// TestCatalogNamesResolve checks that every drug the weight lists name
// exists in the shipped reference: a misspelled name would silently lose
// its weight.
func TestCatalogNamesResolve(t *testing.T) {
	t.Parallel()
	cat, err := newCatalog(mustRef(t))
	if err != nil {
		t.Fatal(err)
	}
	names := slices.Clone(combinations)
	for _, list := range append(treats[:], commonOther) {
		for _, w := range list {
			names = append(names, w.name)
		}
	}
	for _, name := range names {
		if _, ok := cat.byName[name]; !ok {
			t.Errorf("%q is not in the drug reference", name)
		}
	}
	for dis, pl := range cat.byDisease {
		if pl.empty() {
			t.Errorf("no drug for %s", diseaseKeys[dis])
		}
	}
}
