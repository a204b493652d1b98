// Package domain holds the eligibility rules and records: members, their
// claims and diagnoses, determinations and enrollment. It knows nothing of
// gRPC, SQL or NATS.
package domain

import (
	"strings"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// Sex as the plan records it.
type Sex string

// The values members.csv allows; "" means not given.
const (
	SexFemale  Sex = "F"
	SexMale    Sex = "M"
	SexUnknown Sex = "U"
)

// Member is a plan member: the fields of members.csv. Build one with
// NewMember so that every stored member is valid.
type Member struct {
	PlanID     string
	MemberID   string
	MBI        string
	ContractID string
	PBPID      string
	FirstName  string
	LastName   string
	BirthDate  civil.Date
	Sex        Sex
	Language   string
	PostalCode string
	Phone      string
	// CoverageStart is the first covered day; CoverageEnd the last, or nil
	// while coverage is open.
	CoverageStart civil.Date
	CoverageEnd   *civil.Date
	LTC           bool
	DMPAtRisk     bool
	Hospice       bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// MemberInput is a member as a caller sends it, before validation. Dates are
// text so that a bad one can be reported against its field.
type MemberInput struct {
	MemberID, MBI, ContractID, PBPID string
	FirstName, LastName              string
	BirthDate                        string
	Sex                              string
	Language, PostalCode, Phone      string
	CoverageStart, CoverageEnd       string
	LTC, DMPAtRisk, Hospice          bool
}

// NewMember validates in and returns the member of plan planID, or an
// *errs.Error naming every bad field (field names are the members.csv
// columns). today bounds the birth date.
func NewMember(planID string, in MemberInput, today civil.Date) (Member, error) {
	var v errs.Violations
	m := Member{
		PlanID:     planID,
		MemberID:   strings.TrimSpace(in.MemberID),
		MBI:        strings.ToUpper(strings.TrimSpace(in.MBI)),
		ContractID: strings.ToUpper(strings.TrimSpace(in.ContractID)),
		PBPID:      strings.TrimSpace(in.PBPID),
		FirstName:  strings.TrimSpace(in.FirstName),
		LastName:   strings.TrimSpace(in.LastName),
		Sex:        Sex(strings.ToUpper(strings.TrimSpace(in.Sex))),
		Language:   strings.ToLower(strings.TrimSpace(in.Language)),
		PostalCode: strings.TrimSpace(in.PostalCode),
		LTC:        in.LTC,
		DMPAtRisk:  in.DMPAtRisk,
		Hospice:    in.Hospice,
	}
	if p := checkMemberID(m.MemberID); p != "" {
		v.Add("member_id", p)
	}
	if m.MBI != "" && !ValidMBI(m.MBI) {
		v.Add("mbi", "must be an 11-character Medicare Beneficiary Identifier")
	}
	if m.ContractID != "" && !matches(m.ContractID, "Adddd") {
		v.Add("contract_id", "must be a letter and 4 digits, e.g. H1234")
	}
	if m.PBPID != "" && !matches(m.PBPID, "ddd") {
		v.Add("pbp_id", "must be 3 digits")
	}
	if m.FirstName == "" {
		v.Add("first_name", "is required")
	}
	if m.LastName == "" {
		v.Add("last_name", "is required")
	}
	m.BirthDate = requiredDate(&v, "birth_date", in.BirthDate)
	if in.BirthDate != "" && (m.BirthDate > today || m.BirthDate.Year() < 1900) {
		v.Add("birth_date", "must be between 1900-01-01 and today")
	}
	switch m.Sex {
	case "", SexFemale, SexMale, SexUnknown:
	default:
		v.Add("sex", "must be F, M or U")
	}
	if m.Language == "" {
		m.Language = "en"
	} else if !matches(m.Language, "aa") {
		v.Add("language", "must be an ISO 639-1 code such as en or es")
	}
	if m.PostalCode != "" && !matches(m.PostalCode, "ddddd") {
		v.Add("postal_code", "must be a 5-digit ZIP code")
	}
	if phone, ok := normalizePhone(in.Phone); ok {
		m.Phone = phone
	} else {
		v.Add("phone", "must be a 10-digit US phone number")
	}
	m.CoverageStart = requiredDate(&v, "coverage_start", in.CoverageStart)
	if s := strings.TrimSpace(in.CoverageEnd); s != "" {
		end, err := civil.Parse(s)
		switch {
		case err != nil:
			v.Add("coverage_end", err.Error())
		case in.CoverageStart != "" && end < m.CoverageStart:
			v.Add("coverage_end", "must not be before coverage_start")
		default:
			m.CoverageEnd = &end
		}
	}
	if err := v.Err(); err != nil {
		return Member{}, err
	}
	return m, nil
}

// Covers reports whether the member's coverage includes day d.
func (m Member) Covers(d civil.Date) bool {
	return d >= m.CoverageStart && (m.CoverageEnd == nil || d <= *m.CoverageEnd)
}

func requiredDate(v *errs.Violations, field, s string) civil.Date {
	s = strings.TrimSpace(s)
	if s == "" {
		v.Add(field, "is required")
		return 0
	}
	d, err := civil.Parse(s)
	if err != nil {
		v.Add(field, err.Error())
	}
	return d
}

// MemberIDProblem says what is wrong with a member id given outside a
// file or a resource name (a list of ids); "" when nothing is.
func MemberIDProblem(id string) string { return checkMemberID(id) }

// checkMemberID keeps ids usable as one segment of a resource name.
func checkMemberID(id string) string {
	if id == "" {
		return "is required"
	}
	if len(id) > 64 {
		return "must be at most 64 characters"
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "may hold only letters, digits, '-', '_' and '.'"
		}
	}
	return ""
}

// matches checks s against a pattern of 'd' (digit), 'a' (lower-case letter)
// and 'A' (upper-case letter), one per character.
func matches(s, pattern string) bool {
	if len(s) != len(pattern) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch pattern[i] {
		case 'd':
			if c < '0' || c > '9' {
				return false
			}
		case 'a':
			if c < 'a' || c > 'z' {
				return false
			}
		case 'A':
			if c < 'A' || c > 'Z' {
				return false
			}
		}
	}
	return true
}

// normalizePhone keeps the 10 digits of a US number, dropping punctuation and
// a leading country code 1. Blank is valid (no phone).
func normalizePhone(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune(" ()-.+", r):
		default:
			return "", false
		}
	}
	d := b.String()
	if d == "" && strings.TrimSpace(s) != "" {
		return "", false // punctuation and no digits
	}
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if d != "" && len(d) != 10 {
		return "", false
	}
	return d, true
}
