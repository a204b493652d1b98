package intake

import (
	"io"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// StaysFile is the name of the inpatient stays file (services/README.md
// documents it beside formats.md's files).
const StaysFile = "inpatient_stays.csv"

var stayRequired = []string{"member_id", "admit_date", "discharge_date"}

// InpatientStays reads inpatient_stays.csv from r and calls fn with every
// good row, in file order, as domain.NewInpatientStay builds it for plan
// planID. See Options for bad rows; an error of fn stops the read and is
// returned wrapped with the file and line.
func InpatientStays(r io.Reader, planID string, opts Options, fn func(line int64, s domain.InpatientStay) error) (Summary, error) {
	return read(r, StaysFile, opts, func(h header) layout[domain.InpatientStay] {
		memberID, admit, discharge := h.col("member_id"), h.col("admit_date"), h.col("discharge_date")
		build := func(rec []string) (domain.InpatientStay, error) {
			return domain.NewInpatientStay(planID, domain.InpatientStayInput{
				MemberID: field(rec, memberID), AdmitDate: field(rec, admit), DischargeDate: field(rec, discharge),
			})
		}
		return layout[domain.InpatientStay]{required: stayRequired, build: build}
	}, fn)
}
