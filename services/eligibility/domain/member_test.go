package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

const plan = "acme"

// today is the fixed "today" every NewMember call is checked against.
var today = date("2025-06-15")

func date(s string) civil.Date {
	d, err := civil.Parse(s)
	if err != nil {
		panic("bad test date " + s)
	}
	return d
}

func datePtr(s string) *civil.Date {
	d := date(s)
	return &d
}

// validInput is a member every rule accepts; each case changes one thing.
func validInput() domain.MemberInput {
	return domain.MemberInput{
		MemberID:      "M001",
		MBI:           "1EG4TE5MK73",
		ContractID:    "H1234",
		PBPID:         "001",
		FirstName:     "Ada",
		LastName:      "Lovelace",
		BirthDate:     "1950-12-10",
		Sex:           "F",
		Language:      "en",
		PostalCode:    "02139",
		Phone:         "6175550100",
		CoverageStart: "2025-01-01",
		CoverageEnd:   "",
	}
}

// validMember is what NewMember makes of validInput.
func validMember() domain.Member {
	return domain.Member{
		PlanID:        plan,
		MemberID:      "M001",
		MBI:           "1EG4TE5MK73",
		ContractID:    "H1234",
		PBPID:         "001",
		FirstName:     "Ada",
		LastName:      "Lovelace",
		BirthDate:     date("1950-12-10"),
		Sex:           domain.SexFemale,
		Language:      "en",
		PostalCode:    "02139",
		Phone:         "6175550100",
		CoverageStart: date("2025-01-01"),
	}
}

// inputValues lists the text a caller sent, to check that no error echoes it.
func inputValues(in domain.MemberInput) []string {
	return []string{
		in.MemberID, in.MBI, in.ContractID, in.PBPID, in.FirstName, in.LastName,
		in.BirthDate, in.Sex, in.Language, in.PostalCode, in.Phone,
		in.CoverageStart, in.CoverageEnd,
	}
}

// violations returns the fields of err's violations and checks that err is
// an Invalid *errs.Error whose texts carry none of the input's values.
func violations(t *testing.T, err error, in domain.MemberInput) []string {
	t.Helper()
	if got := errs.KindOf(err); got != errs.KindInvalid {
		t.Fatalf("error kind = %v (%v), want %v", got, err, errs.KindInvalid)
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not an *errs.Error", err)
	}
	var fields []string
	for _, v := range e.Violations {
		fields = append(fields, v.Field)
		for _, val := range inputValues(in) {
			// Short values ("F", "es") would match ordinary words.
			val = strings.TrimSpace(val)
			if len(val) < 3 {
				continue
			}
			if strings.Contains(v.Problem, val) {
				t.Errorf("violation %s: problem %q echoes the input value %q", v.Field, v.Problem, val)
			}
			if strings.Contains(e.Message, val) {
				t.Errorf("error message %q echoes the input value %q", e.Message, val)
			}
		}
	}
	return fields
}

func TestNewMember(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*domain.MemberInput)
		// want edits validMember into the expected member; wantFields
		// lists the expected violations (nil: valid).
		want       func(*domain.Member)
		wantFields []string
	}{
		{name: "valid", edit: func(*domain.MemberInput) {}},
		{
			name: "flags are carried",
			edit: func(in *domain.MemberInput) { in.LTC, in.DMPAtRisk, in.Hospice = true, true, true },
			want: func(m *domain.Member) { m.LTC, m.DMPAtRisk, m.Hospice = true, true, true },
		},
		{
			name: "text fields are trimmed",
			edit: func(in *domain.MemberInput) {
				in.MemberID, in.FirstName, in.LastName = " M001 ", " Ada ", "\tLovelace\n"
				in.BirthDate, in.CoverageStart = " 1950-12-10 ", " 2025-01-01"
			},
		},

		// member_id
		{name: "member_id blank", edit: func(in *domain.MemberInput) { in.MemberID = "" }, wantFields: []string{"member_id"}},
		{name: "member_id spaces only", edit: func(in *domain.MemberInput) { in.MemberID = "   " }, wantFields: []string{"member_id"}},
		{
			name: "member_id of 64 characters",
			edit: func(in *domain.MemberInput) { in.MemberID = strings.Repeat("a", 64) },
			want: func(m *domain.Member) { m.MemberID = strings.Repeat("a", 64) },
		},
		{name: "member_id of 65 characters", edit: func(in *domain.MemberInput) { in.MemberID = strings.Repeat("a", 65) }, wantFields: []string{"member_id"}},
		{
			name: "member_id with - _ .",
			edit: func(in *domain.MemberInput) { in.MemberID = "Mb-0_1.x" },
			want: func(m *domain.Member) { m.MemberID = "Mb-0_1.x" },
		},
		{name: "member_id with a space", edit: func(in *domain.MemberInput) { in.MemberID = "M 001" }, wantFields: []string{"member_id"}},
		{name: "member_id with a slash", edit: func(in *domain.MemberInput) { in.MemberID = "M/001" }, wantFields: []string{"member_id"}},
		{name: "member_id with a non-ASCII letter", edit: func(in *domain.MemberInput) { in.MemberID = "Mé001" }, wantFields: []string{"member_id"}},

		// mbi
		{
			name: "mbi blank",
			edit: func(in *domain.MemberInput) { in.MBI = "" },
			want: func(m *domain.Member) { m.MBI = "" },
		},
		{
			name: "mbi all-A pattern",
			edit: func(in *domain.MemberInput) { in.MBI = "1AA0AA0AA00" },
			want: func(m *domain.Member) { m.MBI = "1AA0AA0AA00" },
		},
		{name: "mbi lower case is upper-cased", edit: func(in *domain.MemberInput) { in.MBI = "1eg4te5mk73" }},
		{name: "mbi of 10 characters", edit: func(in *domain.MemberInput) { in.MBI = "1EG4TE5MK7" }, wantFields: []string{"mbi"}},
		{name: "mbi of 12 characters", edit: func(in *domain.MemberInput) { in.MBI = "1EG4TE5MK733" }, wantFields: []string{"mbi"}},
		{name: "mbi starting with 0", edit: func(in *domain.MemberInput) { in.MBI = "0EG4TE5MK73" }, wantFields: []string{"mbi"}},
		{name: "mbi with S", edit: func(in *domain.MemberInput) { in.MBI = "1SG4TE5MK73" }, wantFields: []string{"mbi"}},

		// contract_id
		{name: "contract_id H1234", edit: func(in *domain.MemberInput) { in.ContractID = "H1234" }},
		{
			name: "contract_id is upper-cased",
			edit: func(in *domain.MemberInput) { in.ContractID = "s5678" },
			want: func(m *domain.Member) { m.ContractID = "S5678" },
		},
		{
			name: "contract_id blank",
			edit: func(in *domain.MemberInput) { in.ContractID = "" },
			want: func(m *domain.Member) { m.ContractID = "" },
		},
		{name: "contract_id 1234H", edit: func(in *domain.MemberInput) { in.ContractID = "1234H" }, wantFields: []string{"contract_id"}},
		{name: "contract_id too short", edit: func(in *domain.MemberInput) { in.ContractID = "Q123" }, wantFields: []string{"contract_id"}},
		{name: "contract_id too long", edit: func(in *domain.MemberInput) { in.ContractID = "Q12345" }, wantFields: []string{"contract_id"}},

		// pbp_id
		{
			name: "pbp_id blank",
			edit: func(in *domain.MemberInput) { in.PBPID = "" },
			want: func(m *domain.Member) { m.PBPID = "" },
		},
		{name: "pbp_id of 2 digits", edit: func(in *domain.MemberInput) { in.PBPID = "01" }, wantFields: []string{"pbp_id"}},
		{name: "pbp_id of 4 digits", edit: func(in *domain.MemberInput) { in.PBPID = "0001" }, wantFields: []string{"pbp_id"}},
		{name: "pbp_id with a letter", edit: func(in *domain.MemberInput) { in.PBPID = "A01" }, wantFields: []string{"pbp_id"}},

		// names
		{name: "first_name blank", edit: func(in *domain.MemberInput) { in.FirstName = " " }, wantFields: []string{"first_name"}},
		{name: "last_name blank", edit: func(in *domain.MemberInput) { in.LastName = "" }, wantFields: []string{"last_name"}},

		// birth_date
		{name: "birth_date blank", edit: func(in *domain.MemberInput) { in.BirthDate = "" }, wantFields: []string{"birth_date"}},
		{name: "birth_date not a calendar date", edit: func(in *domain.MemberInput) { in.BirthDate = "2025-02-30" }, wantFields: []string{"birth_date"}},
		{name: "birth_date not YYYY-MM-DD", edit: func(in *domain.MemberInput) { in.BirthDate = "12/10/1950" }, wantFields: []string{"birth_date"}},
		{
			name: "birth_date today",
			edit: func(in *domain.MemberInput) { in.BirthDate = "2025-06-15" },
			want: func(m *domain.Member) { m.BirthDate = today },
		},
		{name: "birth_date after today", edit: func(in *domain.MemberInput) { in.BirthDate = "2025-06-16" }, wantFields: []string{"birth_date"}},
		{
			name: "birth_date 1900-01-01",
			edit: func(in *domain.MemberInput) { in.BirthDate = "1900-01-01" },
			want: func(m *domain.Member) { m.BirthDate = date("1900-01-01") },
		},
		{name: "birth_date before 1900", edit: func(in *domain.MemberInput) { in.BirthDate = "1899-12-31" }, wantFields: []string{"birth_date"}},

		// sex
		{
			name: "sex blank",
			edit: func(in *domain.MemberInput) { in.Sex = "" },
			want: func(m *domain.Member) { m.Sex = "" },
		},
		{
			name: "sex M",
			edit: func(in *domain.MemberInput) { in.Sex = "M" },
			want: func(m *domain.Member) { m.Sex = domain.SexMale },
		},
		{
			name: "sex U",
			edit: func(in *domain.MemberInput) { in.Sex = "U" },
			want: func(m *domain.Member) { m.Sex = domain.SexUnknown },
		},
		{name: "sex lower case f", edit: func(in *domain.MemberInput) { in.Sex = "f" }},
		{name: "sex X", edit: func(in *domain.MemberInput) { in.Sex = "X" }, wantFields: []string{"sex"}},

		// language
		{name: "language blank is en", edit: func(in *domain.MemberInput) { in.Language = "" }},
		{
			name: "language es",
			edit: func(in *domain.MemberInput) { in.Language = "es" },
			want: func(m *domain.Member) { m.Language = "es" },
		},
		{
			name: "language ES is lower-cased",
			edit: func(in *domain.MemberInput) { in.Language = "ES" },
			want: func(m *domain.Member) { m.Language = "es" },
		},
		{name: "language of 3 letters", edit: func(in *domain.MemberInput) { in.Language = "spa" }, wantFields: []string{"language"}},
		{name: "language with a digit", edit: func(in *domain.MemberInput) { in.Language = "EN1" }, wantFields: []string{"language"}},

		// postal_code
		{
			name: "postal_code blank",
			edit: func(in *domain.MemberInput) { in.PostalCode = "" },
			want: func(m *domain.Member) { m.PostalCode = "" },
		},
		{name: "postal_code of 4 digits", edit: func(in *domain.MemberInput) { in.PostalCode = "0213" }, wantFields: []string{"postal_code"}},
		{name: "postal_code ZIP+4", edit: func(in *domain.MemberInput) { in.PostalCode = "02139-4307" }, wantFields: []string{"postal_code"}},
		{name: "postal_code with a letter", edit: func(in *domain.MemberInput) { in.PostalCode = "0213A" }, wantFields: []string{"postal_code"}},

		// phone
		{name: "phone with punctuation", edit: func(in *domain.MemberInput) { in.Phone = "(617) 555-0100" }},
		{name: "phone with country code", edit: func(in *domain.MemberInput) { in.Phone = "+1 617 555 0100" }},
		{name: "phone with dots", edit: func(in *domain.MemberInput) { in.Phone = "617.555.0100" }},
		{name: "phone of 11 digits starting 1", edit: func(in *domain.MemberInput) { in.Phone = "16175550100" }},
		{
			name: "phone blank",
			edit: func(in *domain.MemberInput) { in.Phone = "" },
			want: func(m *domain.Member) { m.Phone = "" },
		},
		{name: "phone of 7 digits", edit: func(in *domain.MemberInput) { in.Phone = "555-0100" }, wantFields: []string{"phone"}},
		{name: "phone of 11 digits not starting 1", edit: func(in *domain.MemberInput) { in.Phone = "26175550100" }, wantFields: []string{"phone"}},
		{name: "phone with letters", edit: func(in *domain.MemberInput) { in.Phone = "617-555-CALL" }, wantFields: []string{"phone"}},
		{name: "phone of punctuation only", edit: func(in *domain.MemberInput) { in.Phone = "()-" }, wantFields: []string{"phone"}},

		// coverage
		{name: "coverage_start blank", edit: func(in *domain.MemberInput) { in.CoverageStart = "" }, wantFields: []string{"coverage_start"}},
		{name: "coverage_start not a date", edit: func(in *domain.MemberInput) { in.CoverageStart = "2025-13-01" }, wantFields: []string{"coverage_start"}},
		{
			name: "coverage_end set",
			edit: func(in *domain.MemberInput) { in.CoverageEnd = "2025-12-31" },
			want: func(m *domain.Member) { m.CoverageEnd = datePtr("2025-12-31") },
		},
		{
			name: "coverage_end on the start day",
			edit: func(in *domain.MemberInput) { in.CoverageEnd = "2025-01-01" },
			want: func(m *domain.Member) { m.CoverageEnd = datePtr("2025-01-01") },
		},
		{name: "coverage_end before start", edit: func(in *domain.MemberInput) { in.CoverageEnd = "2024-12-31" }, wantFields: []string{"coverage_end"}},
		{name: "coverage_end not a calendar date", edit: func(in *domain.MemberInput) { in.CoverageEnd = "2025-02-30" }, wantFields: []string{"coverage_end"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := validInput()
			tt.edit(&in)
			got, err := domain.NewMember(plan, in, today)
			if tt.wantFields != nil {
				if diff := cmp.Diff(tt.wantFields, violations(t, err, in)); diff != "" {
					t.Errorf("violations (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(domain.Member{}, got); diff != "" {
					t.Errorf("member returned with an error (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewMember: %v", err)
			}
			want := validMember()
			if tt.want != nil {
				tt.want(&want)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("member (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewMemberReportsEveryProblem checks that one call names every bad
// field, so a client fixes them in one round trip, and echoes none of the
// values (they may be PHI).
func TestNewMemberReportsEveryProblem(t *testing.T) {
	t.Parallel()
	in := domain.MemberInput{
		MemberID:      "M#0042",
		MBI:           "0SL4OI5BZ73",
		ContractID:    "9876Q",
		PBPID:         "98765",
		FirstName:     "",
		LastName:      "  ",
		BirthDate:     "2031-07-04",
		Sex:           "X",
		Language:      "spa",
		PostalCode:    "9021",
		Phone:         "555-867-53099",
		CoverageStart: "2025-03-01",
		CoverageEnd:   "2025-02-28",
	}
	_, err := domain.NewMember(plan, in, today)
	want := []string{
		"member_id", "mbi", "contract_id", "pbp_id", "first_name", "last_name",
		"birth_date", "sex", "language", "postal_code", "phone", "coverage_end",
	}
	if diff := cmp.Diff(want, violations(t, err, in)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
}

func TestValidMBI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mbi  string
		want bool
	}{
		{"1EG4TE5MK73", true},
		{"1AA0AA0AA00", true},
		{"9A99A99AA99", true}, // positions 3 and 6 may be digits
		{"", false},
		{"1EG4TE5MK7", false},   // 10 characters
		{"1EG4TE5MK733", false}, // 12 characters
		{"1eg4te5mk73", false},  // ValidMBI itself wants upper case
		{"0EG4TE5MK73", false},  // 0 first
		{"AEG4TE5MK73", false},  // letter first
		{"11G4TE5MK73", false},  // digit at 2
		{"1EGATE5MK73", false},  // letter at 4
		{"1EG4TE5MK7A", false},  // letter at 11
		{"1EG4TE5MK-3", false},  // punctuation
		// S, L, O, I, B and Z are never letters of an MBI, at a letter
		// position (2, 5, 8, 9) or an either position (3, 6).
		{"1SG4TE5MK73", false},
		{"1EL4TE5MK73", false},
		{"1EG4OE5MK73", false},
		{"1EG4TI5MK73", false},
		{"1EG4TE5BK73", false},
		{"1EG4TE5MZ73", false},
	}
	for _, tt := range tests {
		if got := domain.ValidMBI(tt.mbi); got != tt.want {
			t.Errorf("ValidMBI(%q) = %v, want %v", tt.mbi, got, tt.want)
		}
	}
}

func TestCovers(t *testing.T) {
	t.Parallel()
	closed := domain.Member{CoverageStart: date("2025-01-01"), CoverageEnd: datePtr("2025-06-30")}
	open := domain.Member{CoverageStart: date("2025-01-01")}
	tests := []struct {
		name string
		m    domain.Member
		day  string
		want bool
	}{
		{"day before start", closed, "2024-12-31", false},
		{"start day", closed, "2025-01-01", true},
		{"inside", closed, "2025-03-15", true},
		{"end day", closed, "2025-06-30", true},
		{"day after end", closed, "2025-07-01", false},
		{"open end, day before start", open, "2024-12-31", false},
		{"open end, start day", open, "2025-01-01", true},
		{"open end, years later", open, "2040-01-01", true},
	}
	for _, tt := range tests {
		if got := tt.m.Covers(date(tt.day)); got != tt.want {
			t.Errorf("%s: Covers(%s) = %v, want %v", tt.name, tt.day, got, tt.want)
		}
	}
}
