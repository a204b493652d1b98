package intake

import (
	"io"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

var diagnosisRequired = []string{"member_id", "icd10", "service_date"}

// Diagnoses reads diagnoses.csv from r and calls fn with every good row, in
// file order, as domain.NewDiagnosis builds it for plan planID. See Options
// for bad rows; an error of fn stops the read and is returned wrapped with
// the file and line.
func Diagnoses(r io.Reader, planID string, opts Options, fn func(line int64, d domain.Diagnosis) error) (Summary, error) {
	return read(r, "diagnoses.csv", opts, func(h header) layout[domain.Diagnosis] {
		memberID, icd10, serviceDate := h.col("member_id"), h.col("icd10"), h.col("service_date")
		build := func(rec []string) (domain.Diagnosis, error) {
			return domain.NewDiagnosis(planID, domain.DiagnosisInput{
				MemberID: field(rec, memberID), ICD10: field(rec, icd10), ServiceDate: field(rec, serviceDate),
			})
		}
		return layout[domain.Diagnosis]{required: diagnosisRequired, build: build}
	}, fn)
}
