package domain

import (
	"strconv"
	"strings"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// Claim is a pharmacy claim (prescription drug event): a row of
// rx_claims.csv. A reversed claim cancels the paid claim with the same id.
type Claim struct {
	PlanID   string
	ClaimID  string
	MemberID string
	FillDate civil.Date
	// GenericName is the active ingredient(s), lower case, combinations
	// joined by " / "; resolved from NDC when only that was given.
	GenericName   string
	NDC           string
	DaysSupply    int32
	Quantity      float64
	TotalCost     int64 // cents
	PharmacyNPI   string
	PrescriberNPI string
	Reversed      bool
}

// Ingredients splits GenericName into its active ingredients.
func (c Claim) Ingredients() []string { return SplitIngredients(c.GenericName) }

// SplitIngredients splits a generic name such as "amlodipine / benazepril".
func SplitIngredients(generic string) []string {
	parts := strings.Split(generic, "/")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ClaimInput is a claim as a caller sends it, before validation.
type ClaimInput struct {
	ClaimID, MemberID, FillDate, GenericName, NDC string
	DaysSupply, Quantity, TotalCost               string
	PharmacyNPI, PrescriberNPI, Status            string
}

// NDCResolver finds the generic name of an 11-digit NDC.
type NDCResolver interface {
	GenericName(ndc string) (string, bool)
}

// NewClaim validates in and returns the claim of plan planID, or an
// *errs.Error naming every bad field (the rx_claims.csv columns). ndc
// resolves generic_name when it is blank (nil: no resolution).
func NewClaim(planID string, in ClaimInput, ndc NDCResolver) (Claim, error) {
	var v errs.Violations
	c := Claim{
		PlanID:        planID,
		ClaimID:       strings.TrimSpace(in.ClaimID),
		MemberID:      strings.TrimSpace(in.MemberID),
		GenericName:   normalizeGeneric(in.GenericName),
		NDC:           strings.ReplaceAll(strings.TrimSpace(in.NDC), "-", ""),
		PharmacyNPI:   strings.TrimSpace(in.PharmacyNPI),
		PrescriberNPI: strings.TrimSpace(in.PrescriberNPI),
	}
	if p := checkID(c.ClaimID); p != "" {
		v.Add("claim_id", p)
	}
	if p := checkMemberID(c.MemberID); p != "" {
		v.Add("member_id", p)
	}
	c.FillDate = requiredDate(&v, "fill_date", in.FillDate)
	if c.NDC != "" && !matches(c.NDC, "ddddddddddd") {
		v.Add("ndc", "must be an 11-digit NDC")
	}
	if c.GenericName == "" && c.NDC != "" && ndc != nil {
		c.GenericName, _ = ndc.GenericName(c.NDC)
	}
	if c.GenericName == "" {
		v.Add("generic_name", "is required unless ndc resolves through the drug reference")
	}
	if n, err := strconv.ParseInt(strings.TrimSpace(in.DaysSupply), 10, 32); err != nil || n <= 0 || n > 365 {
		v.Add("days_supply", "must be a whole number of days from 1 to 365")
	} else {
		c.DaysSupply = int32(n)
	}
	if q := strings.TrimSpace(in.Quantity); q != "" {
		f, err := strconv.ParseFloat(q, 64)
		if err != nil || f < 0 {
			v.Add("quantity", "must be a non-negative number")
		}
		c.Quantity = f
	}
	if cents, ok := ParseCents(in.TotalCost); ok {
		c.TotalCost = cents
	} else {
		v.Add("total_cost", "must be a decimal amount in USD with at most 2 decimals, e.g. 12.50")
	}
	// Two plain checks, not a loop over a map: NewClaim runs once per claim
	// row (tens of millions in a batch) and a map literal allocates per call.
	checkNPI(&v, "pharmacy_npi", c.PharmacyNPI)
	checkNPI(&v, "prescriber_npi", c.PrescriberNPI)
	switch strings.ToLower(strings.TrimSpace(in.Status)) {
	case "", "paid":
	case "reversed":
		c.Reversed = true
	default:
		v.Add("status", "must be paid or reversed")
	}
	if err := v.Err(); err != nil {
		return Claim{}, err
	}
	return c, nil
}

// checkNPI records a problem when npi is given and not a valid NPI.
func checkNPI(v *errs.Violations, field, npi string) {
	if npi != "" && !ValidNPI(npi) {
		v.Add(field, "must be a 10-digit NPI with a valid check digit")
	}
}

// normalizeGeneric lower-cases and joins ingredients with " / ".
func normalizeGeneric(s string) string {
	if isNormalGeneric(s) {
		return s // the common case: no copy, no allocation
	}
	parts := SplitIngredients(strings.ToLower(s))
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(parts, " / ")
}

// isNormalGeneric reports whether normalizeGeneric would return s
// unchanged, without allocating: ASCII with no upper case, no whitespace but
// single inner spaces, and every "/" written " / " between two non-empty
// ingredients. Anything else (including all non-ASCII text) takes the slow
// path, which is always right.
func isNormalGeneric(s string) bool {
	n := len(s)
	if n > 0 && (s[0] == ' ' || s[n-1] == ' ') {
		return false
	}
	for i := 0; i < n; i++ {
		switch c := s[i]; {
		case c >= 0x80 || c < ' ' || c == 0x7f || c >= 'A' && c <= 'Z':
			return false
		case c == ' ':
			if s[i+1] == ' ' { // i < n-1: s does not end in a space
				return false
			}
		case c == '/':
			if i < 2 || i > n-3 || s[i-1] != ' ' || s[i+1] != ' ' || s[i-2] == '/' || s[i+2] == '/' {
				return false
			}
		}
	}
	return true
}

// checkID keeps ids usable as one segment of a resource name.
func checkID(id string) string { return checkMemberID(id) }

// ParseCents reads a decimal USD amount ("12", "12.5", "-3.25") into cents
// exactly, without floating point.
func ParseCents(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || (hasDot && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	// Digits of whole, then exactly two of frac padded with zeros; read in
	// place rather than from a concatenation, which cost a tenth of NewClaim.
	var cents int64
	for i := 0; i < len(whole)+2; i++ {
		c := byte('0')
		switch {
		case i < len(whole):
			c = whole[i]
		case i-len(whole) < len(frac):
			c = frac[i-len(whole)]
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		cents = cents*10 + int64(c-'0')
	}
	if neg {
		cents = -cents
	}
	return cents, true
}

// ValidNPI checks a National Provider Identifier: 10 digits whose last is
// the Luhn check digit computed over the prefix 80840 and the first nine.
func ValidNPI(s string) bool {
	if !matches(s, "dddddddddd") {
		return false
	}
	sum := 24 // the Luhn contribution of the 80840 prefix
	for i := 8; i >= 0; i-- {
		d := int(s[i] - '0')
		if (8-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[9]-'0')
}
