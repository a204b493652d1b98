package adherence

import (
	"io"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
)

// MemberStay is a row of inpatient_stays.csv.
type MemberStay struct {
	MemberID string
	Stay
}

// ReadStays reads inpatient_stays.csv from r with eligibility's reader
// (intake.InpatientStays: the service imports the same file) and calls fn
// with every good row in file order. Problems are reported as intake
// reports them, by file, line and column, never with the value.
func ReadStays(r io.Reader, opts intake.Options, fn func(line int64, s MemberStay) error) (intake.Summary, error) {
	return intake.InpatientStays(r, "", opts, func(line int64, s domain.InpatientStay) error {
		return fn(line, MemberStay{MemberID: s.MemberID, Stay: Stay{Admit: s.Admit, Discharge: s.Discharge}})
	})
}
