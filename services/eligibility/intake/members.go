package intake

import (
	"io"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

var memberRequired = []string{"member_id", "first_name", "last_name", "birth_date", "coverage_start"}

// Members reads members.csv from r and calls fn with every good row, in file
// order, as domain.NewMember builds it for plan planID (today bounds birth
// dates). See Options for bad rows; an error of fn stops the read and is
// returned wrapped with the file and line.
func Members(r io.Reader, planID string, today civil.Date, opts Options, fn func(line int64, m domain.Member) error) (Summary, error) {
	return read(r, "members.csv", opts, func(h header) layout[domain.Member] {
		var (
			memberID, mbi, contractID, pbpID = h.col("member_id"), h.col("mbi"), h.col("contract_id"), h.col("pbp_id")
			firstName, lastName, birthDate   = h.col("first_name"), h.col("last_name"), h.col("birth_date")
			sex, language, postal, phone     = h.col("sex"), h.col("language"), h.col("postal_code"), h.col("phone")
			covStart, covEnd                 = h.col("coverage_start"), h.col("coverage_end")
			ltc, dmp, hospice                = h.col("ltc"), h.col("dmp_at_risk"), h.col("hospice")
		)
		build := func(rec []string) (domain.Member, error) {
			in := domain.MemberInput{
				MemberID: field(rec, memberID), MBI: field(rec, mbi),
				ContractID: field(rec, contractID), PBPID: field(rec, pbpID),
				FirstName: field(rec, firstName), LastName: field(rec, lastName),
				BirthDate: field(rec, birthDate), Sex: field(rec, sex),
				Language: field(rec, language), PostalCode: field(rec, postal), Phone: field(rec, phone),
				CoverageStart: field(rec, covStart), CoverageEnd: field(rec, covEnd),
			}
			var bad errs.Violations
			in.LTC = flag(&bad, "ltc", field(rec, ltc))
			in.DMPAtRisk = flag(&bad, "dmp_at_risk", field(rec, dmp))
			in.Hospice = flag(&bad, "hospice", field(rec, hospice))
			m, err := domain.NewMember(planID, in, today)
			if len(bad) == 0 {
				return m, err
			}
			// Report the domain's problems and the flags' together, so one
			// pass over a file finds everything wrong with a row.
			vs, _ := violationsOf(err)
			return domain.Member{}, errs.Invalid(append(append([]errs.FieldViolation(nil), vs...), bad...)...)
		}
		return layout[domain.Member]{required: memberRequired, build: build}
	}, fn)
}

// flag reads a Y/N boolean; blank is N.
func flag(v *errs.Violations, column, s string) bool {
	switch strings.TrimSpace(s) {
	case "Y":
		return true
	case "N", "":
		return false
	}
	v.Add(column, "must be Y or N")
	return false
}
