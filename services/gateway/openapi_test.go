package gateway

import (
	"encoding/json"
	"testing"
)

// TestOpenAPICSVImports: every CSV upload route is in the served document,
// saying where its file's format is documented.
func TestOpenAPICSVImports(t *testing.T) {
	t.Parallel()
	raw, err := openAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]struct {
			Post struct {
				Summary     string `json:"summary"`
				OperationID string `json:"operationId"`
			} `json:"post"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/v1/plans/{plan}/members:import":        "Upload members.csv (formats.md), streamed",
		"/v1/plans/{plan}/claims:import":         "Upload rx_claims.csv (formats.md), streamed",
		"/v1/plans/{plan}/diagnoses:import":      "Upload diagnoses.csv (formats.md), streamed",
		"/v1/plans/{plan}/inpatientStays:import": "Upload inpatient_stays.csv (services/README.md), streamed",
	}
	for path, summary := range want {
		op := doc.Paths[path].Post
		if op.Summary != summary || op.OperationID == "" {
			t.Errorf("%s: summary %q, operation %q; want %q", path, op.Summary, op.OperationID, summary)
		}
	}
}
