package domain

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestValidNPI(t *testing.T) {
	t.Parallel()
	// 1234567893 is the CMS example NPI with a valid check digit.
	for npi, want := range map[string]bool{"1234567893": true, "1234567890": false, "123456789": false, "12345678a3": false} {
		if got := ValidNPI(npi); got != want {
			t.Errorf("ValidNPI(%q) = %v, want %v", npi, got, want)
		}
	}
}

func TestParseCents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 1200, true}, {"12.5", 1250, true}, {"12.50", 1250, true}, {"0.07", 7, true},
		{"-3.25", -325, true}, {" 1.00 ", 100, true}, {"999999999999.99", 99999999999999, true}, {"-0.5", -50, true},
		{"1234567890123", 0, false}, {"1.x", 0, false}, {"x.10", 0, false}, {"1.é", 0, false}, {"-", 0, false},
		{"", 0, false}, {"1.234", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"1,000", 0, false}, {"$5", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseCents(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCents(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// fakeNDC resolves a fixed table of NDCs.
type fakeNDC map[string]string

func (f fakeNDC) GenericName(ndc string) (string, bool) { g, ok := f[ndc]; return g, ok }

func TestNewClaim(t *testing.T) {
	t.Parallel()
	valid := ClaimInput{
		ClaimID: "C1", MemberID: "M001", FillDate: "2025-03-01", GenericName: "Amlodipine/ BENAZEPRIL",
		DaysSupply: "30", Quantity: "30", TotalCost: "12.50",
		PharmacyNPI: "1234567893", PrescriberNPI: "1234567893", Status: "paid",
	}
	fill, _ := civil.Parse("2025-03-01")
	want := Claim{
		PlanID: "acme", ClaimID: "C1", MemberID: "M001", FillDate: fill, GenericName: "amlodipine / benazepril",
		DaysSupply: 30, Quantity: 30, TotalCost: 1250, PharmacyNPI: "1234567893", PrescriberNPI: "1234567893",
	}
	tests := []struct {
		name   string
		edit   func(*ClaimInput)
		ndc    NDCResolver
		want   func(*Claim)
		errors []errs.FieldViolation
	}{
		{name: "valid", edit: func(*ClaimInput) {}, want: func(*Claim) {}},
		{name: "reversed", edit: func(in *ClaimInput) { in.Status = " Reversed " }, want: func(c *Claim) { c.Reversed = true }},
		{name: "ndc resolves a blank generic name",
			edit: func(in *ClaimInput) { in.GenericName, in.NDC = "", "00093-7180-56" },
			ndc:  fakeNDC{"00093718056": "lisinopril"},
			want: func(c *Claim) { c.GenericName, c.NDC = "lisinopril", "00093718056" }},
		{name: "generic name wins over ndc",
			edit: func(in *ClaimInput) { in.NDC = "00093718056" }, ndc: fakeNDC{"00093718056": "lisinopril"},
			want: func(c *Claim) { c.NDC = "00093718056" }},
		{name: "unresolved ndc", edit: func(in *ClaimInput) { in.GenericName, in.NDC = "", "00093718056" }, ndc: fakeNDC{},
			errors: []errs.FieldViolation{errs.Field("generic_name", "is required unless ndc resolves through the drug reference")}},
		{name: "both NPIs bad, in column order",
			edit: func(in *ClaimInput) { in.PharmacyNPI, in.PrescriberNPI = "1234567890", "12345" },
			errors: []errs.FieldViolation{
				errs.Field("pharmacy_npi", "must be a 10-digit NPI with a valid check digit"),
				errs.Field("prescriber_npi", "must be a 10-digit NPI with a valid check digit"),
			}},
		{name: "prescriber NPI bad", edit: func(in *ClaimInput) { in.PrescriberNPI = "1234567890" },
			errors: []errs.FieldViolation{errs.Field("prescriber_npi", "must be a 10-digit NPI with a valid check digit")}},
		{name: "blank NPIs are fine", edit: func(in *ClaimInput) { in.PharmacyNPI, in.PrescriberNPI = "", " " },
			want: func(c *Claim) { c.PharmacyNPI, c.PrescriberNPI = "", "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := valid
			tt.edit(&in)
			got, err := NewClaim("acme", in, tt.ndc)
			var gotErrs []errs.FieldViolation
			var e *errs.Error
			if errors.As(err, &e) {
				gotErrs = e.Violations
			} else if err != nil {
				t.Fatalf("NewClaim: %v, want an *errs.Error", err)
			}
			if diff := cmp.Diff(tt.errors, gotErrs); diff != "" {
				t.Fatalf("violations (-want +got):\n%s", diff)
			}
			if tt.errors != nil {
				return
			}
			w := want
			tt.want(&w)
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("claim (-want +got):\n%s", diff)
			}
		})
	}
}

// slowNormalizeGeneric is normalizeGeneric without its fast path: the
// reference the fast path must agree with.
func slowNormalizeGeneric(s string) string {
	parts := SplitIngredients(strings.ToLower(s))
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(parts, " / ")
}

var genericSeeds = []string{
	"", "lisinopril", "amlodipine / benazepril", "Amlodipine/Benazepril", "insulin glargine",
	"insulin  glargine", " metformin", "metformin ", "a / b / c", "a // b", "a / / b", "/ a", "a /",
	"/", " / ", "a/ b", "a /b", "a\t/ b", "sacubitril / valsartan", "ÉPINÉPHRINE", "a\u00a0b", "x / y z / w",
	"a  / b", "a /  b", "ab / c", "a / bc", "a\x7fb", "a /\nb",
}

func TestNormalizeGeneric(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"amlodipine / benazepril", "amlodipine / benazepril"},
		{"Amlodipine/Benazepril", "amlodipine / benazepril"},
		{"  insulin   glargine ", "insulin glargine"},
		{"a // b", "a / b"},
		{"/", ""},
	}
	for _, tt := range tests {
		if got := normalizeGeneric(tt.in); got != tt.want {
			t.Errorf("normalizeGeneric(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, s := range genericSeeds {
		if got, want := normalizeGeneric(s), slowNormalizeGeneric(s); got != want {
			t.Errorf("normalizeGeneric(%q) = %q, slow path says %q", s, got, want)
		}
	}
}

func FuzzNormalizeGeneric(f *testing.F) {
	for _, s := range genericSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalizeGeneric(s), slowNormalizeGeneric(s); got != want {
			t.Errorf("normalizeGeneric(%q) = %q, slow path says %q", s, got, want)
		}
	})
}

// TestNewClaimAllocations guards the batch path: a valid row that needs no
// normalising costs no allocation. Not parallel: AllocsPerRun forbids it.
func TestNewClaimAllocations(t *testing.T) {
	in := ClaimInput{
		ClaimID: "C1", MemberID: "M001", FillDate: "2025-03-01", GenericName: "amlodipine / benazepril",
		DaysSupply: "30", Quantity: "30", TotalCost: "12.50", PharmacyNPI: "1234567893", PrescriberNPI: "1234567893",
	}
	if n := testing.AllocsPerRun(100, func() { _, _ = NewClaim("acme", in, nil) }); n != 0 {
		t.Errorf("NewClaim of a valid, normalised row allocates %v times, want 0", n)
	}
}
