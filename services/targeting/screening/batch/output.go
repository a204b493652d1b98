package batch

import (
	"encoding/json"
	"fmt"

	"github.com/openmtm/openmtm/services/targeting/screening"
)

// line is one line of output: the member, then the finding as
// screening.Finding marshals.
type line struct {
	MemberID string `json:"member_id"`
	screening.Finding
}

// appendFinding appends the JSON line of member id's finding f to b.
func appendFinding(b []byte, id string, f *screening.Finding) ([]byte, error) {
	j, err := json.Marshal(line{MemberID: id, Finding: *f})
	if err != nil {
		return b, fmt.Errorf("encode a finding of rule %s: %w", f.RuleID, err)
	}
	b = append(b, j...)
	return append(b, '\n'), nil
}
