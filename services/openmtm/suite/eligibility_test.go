package suite_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openmtm/openmtm/services/openmtm/internal/apitest"
)

// The fixture: as of 2025-06-30 under the CMS 2025 maxima (3 core diseases,
// 8 maintenance drugs, $1,623 projected cost), M1 qualifies on the criteria,
// M2 only as a DMP at-risk beneficiary, M3 not at all.
const (
	membersCSV = `member_id,first_name,last_name,birth_date,coverage_start,dmp_at_risk,language
M1,Ann,Alpha,1948-02-01,2024-01-01,N,en
M2,Bob,Beta,1950-03-04,2024-01-01,Y,es
M3,Cy,Gamma,1952-05-06,2024-01-01,,en
`
	diagnosesCSV = `member_id,icd10,service_date
M1,E11.9,2025-02-01
M1,I10,2025-02-01
M1,E78.5,2024-07-01
`
)

// claimsCSV gives M1 eight maintenance ingredients in the last 180 days
// costing $60 each (8 × $60 × 4 = $1,920 projected), M3 one cheap fill, and
// one reversal of an M1 claim.
func claimsCSV() string {
	var b strings.Builder
	b.WriteString("claim_id,member_id,fill_date,generic_name,days_supply,total_cost,status\n")
	drugs := []string{"metformin", "lisinopril", "atorvastatin", "amlodipine", "metoprolol", "levothyroxine", "sertraline", "tamsulosin"}
	for i, d := range drugs {
		fmt.Fprintf(&b, "C%d,M1,2025-06-%02d,%s,30,60.00,paid\n", i, 10+i, d)
	}
	b.WriteString("C90,M1,2025-06-20,gabapentin,30,500.00,paid\n")
	b.WriteString("C90,M1,2025-06-20,gabapentin,30,500.00,reversed\n")
	b.WriteString("C91,M3,2025-05-01,omeprazole,30,5.00,\n")
	return b.String()
}

func upload(t *testing.T, c *apitest.Client, key, path, body string) apitest.Response {
	t.Helper()
	req, err := http.NewRequest("POST", c.BaseURL+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	r := apitest.Response{Status: resp.StatusCode, Raw: buf.String()}
	_ = json.Unmarshal(buf.Bytes(), &r.Body)
	return r
}

func TestEligibilityPath(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			c, operator := startSuite(t, b.cfg(t))
			acme := c.CreateKey(t, operator, "plans/acme", "ROLE_ADMIN")

			t.Run("imports", func(t *testing.T) {
				r := upload(t, c, acme, "/v1/plans/acme/members:import", membersCSV).Want(t, http.StatusOK)
				if r.Body["rows_read"] != "3" || r.Body["rows_stored"] != "3" {
					t.Errorf("members import = %s", r.Raw)
				}
				r = upload(t, c, acme, "/v1/plans/acme/claims:import", claimsCSV()).Want(t, http.StatusOK)
				if r.Body["rows_read"] != "11" || r.Body["claims_reversed"] != "1" {
					t.Errorf("claims import = %s", r.Raw)
				}
				upload(t, c, acme, "/v1/plans/acme/diagnoses:import", diagnosesCSV).Want(t, http.StatusOK)
				// The same file again changes nothing.
				r = upload(t, c, acme, "/v1/plans/acme/claims:import", claimsCSV()).Want(t, http.StatusOK)
				if _, stored := r.Body["rows_stored"]; stored || r.Body["rows_unchanged"] != "11" {
					t.Errorf("re-import = %s", r.Raw)
				}
			})

			t.Run("a bad file is rejected whole, line and column named", func(t *testing.T) {
				bad := claimsCSV() + "C99,M1,2025-06-31,metformin,30,1.00,paid\n"
				r := upload(t, c, acme, "/v1/plans/acme/claims:import", strings.Replace(bad, "C0,", "N0,", 1)).Want(t, http.StatusBadRequest)
				if !strings.Contains(r.Raw, "rx_claims.csv:13:fill_date") {
					t.Errorf("400 does not name file, line and column: %s", r.Raw)
				}
				claims := c.Do(t, "GET", "/v1/plans/acme/members/M1/claims", acme, nil).Want(t, http.StatusOK)
				if strings.Contains(claims.Raw, `"N0"`) {
					t.Error("a row of the rejected file was stored")
				}
				// With skip_bad_rows the good rows go in and the bad one is reported.
				r = upload(t, c, acme, "/v1/plans/acme/claims:import?skip_bad_rows=true", bad).Want(t, http.StatusOK)
				if r.Body["rows_skipped"] != "1" || !strings.Contains(r.Raw, `"line":"13"`) {
					t.Errorf("skip_bad_rows = %s", r.Raw)
				}
				upload(t, c, acme, "/v1/plans/acme/claims:import", "claim_id,member_id\nC1,M1\n").Want(t, http.StatusBadRequest)
				req, _ := http.NewRequest("POST", c.BaseURL+"/v1/plans/acme/claims:import", strings.NewReader("x"))
				req.Header.Set("Authorization", "Bearer "+acme)
				req.Header.Set("Content-Type", "application/json")
				if resp, err := c.HTTP.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
					t.Errorf("JSON body to the CSV route: %v %v", resp.StatusCode, err)
				}
			})

			asOf := map[string]any{"year": 2025, "month": 6, "day": 30}
			evaluate := func(t *testing.T, member string) apitest.Response {
				return c.Do(t, "POST", "/v1/plans/acme/members/"+member+":evaluate", acme,
					map[string]any{"contract_year": 2025, "as_of": asOf}).Want(t, http.StatusOK)
			}

			t.Run("evaluation and enrollment", func(t *testing.T) {
				m1 := evaluate(t, "M1")
				if m1.Body["eligible"] != true || m1.Body["targeting_reason"] != "TARGETING_REASON_CRITERIA" ||
					m1.Body["maintenance_drug_count"] != float64(8) {
					t.Errorf("M1 determination = %s", m1.Raw)
				}
				m2 := evaluate(t, "M2")
				if m2.Body["eligible"] != true || m2.Body["targeting_reason"] != "TARGETING_REASON_DMP_AT_RISK" {
					t.Errorf("M2 determination = %s", m2.Raw)
				}
				m3 := evaluate(t, "M3")
				if m3.Body["eligible"] == true {
					t.Errorf("M3 determination = %s", m3.Raw)
				}
				e := c.Do(t, "GET", "/v1/plans/acme/members/M1/enrollment?program_year=2025", acme, nil).Want(t, http.StatusOK)
				if e.Body["status"] != "ENROLLMENT_STATUS_ENROLLED" {
					t.Errorf("M1 enrollment = %s", e.Raw)
				}
				// History is kept: a second evaluation adds a determination.
				evaluate(t, "M1")
				h := c.Do(t, "GET", "/v1/plans/acme/members/M1/determinations", acme, nil).Want(t, http.StatusOK)
				if ds, _ := h.Body["determinations"].([]any); len(ds) != 2 {
					t.Errorf("M1 has %d determinations, want 2", len(ds))
				}
				name, _ := m1.Body["name"].(string)
				c.Do(t, "GET", "/v1/"+name, acme, nil).Want(t, http.StatusOK)
				list := c.Do(t, "GET", "/v1/plans/acme/enrollments?program_year=2025&status=ENROLLMENT_STATUS_ENROLLED", acme, nil).Want(t, http.StatusOK)
				if es, _ := list.Body["enrollments"].([]any); len(es) != 2 {
					t.Errorf("enrolled = %s, want M1 and M2", list.Raw)
				}
				notEligible := c.Do(t, "GET", "/v1/plans/acme/enrollments?program_year=2025&eligible=false", acme, nil).Want(t, http.StatusOK)
				if es, _ := notEligible.Body["enrollments"].([]any); len(es) != 1 || !strings.Contains(notEligible.Raw, "M3") {
					t.Errorf("not eligible = %s, want M3", notEligible.Raw)
				}
			})

			t.Run("opt-out keeps the member out for the year", func(t *testing.T) {
				c.Do(t, "POST", "/v1/plans/acme/members/M1:optOut", acme, map[string]any{"program_year": 2025}).Want(t, http.StatusBadRequest)
				r := c.Do(t, "POST", "/v1/plans/acme/members/M1:optOut", acme, map[string]any{
					"program_year": 2025, "opted_out_on": map[string]any{"year": 2025, "month": 7, "day": 1},
					"reason": "OPT_OUT_REASON_MEMBER_REQUEST"}).Want(t, http.StatusOK)
				if r.Body["status"] != "ENROLLMENT_STATUS_OPTED_OUT" {
					t.Errorf("opt-out = %s", r.Raw)
				}
				evaluate(t, "M1")
				e := c.Do(t, "GET", "/v1/plans/acme/members/M1/enrollment?program_year=2025", acme, nil).Want(t, http.StatusOK)
				if e.Body["status"] != "ENROLLMENT_STATUS_OPTED_OUT" {
					t.Errorf("re-evaluation re-enrolled an opted-out member: %s", e.Raw)
				}
			})

			t.Run("targeting worklist follows enrollment", func(t *testing.T) {
				// M1 enrolled then opted out, M2 enrolled (as of 2025-06-30):
				// M2 is owed a CMR (60 days) and the TMRs of Q2-Q4; M1 nothing.
				var items []any
				apitest.Eventually(t, 30*time.Second, "targeting to list M2's four reviews", func() bool {
					r := c.Do(t, "GET", "/v1/plans/acme/interventions", acme, nil)
					items, _ = r.Body["interventions"].([]any)
					return len(items) == 4
				})
				var got []string
				for _, it := range items {
					m := it.(map[string]any)
					due := m["due_on"].(map[string]any)
					got = append(got, fmt.Sprintf("%s %v-%v-%v", strings.TrimPrefix(m["kind"].(string), "INTERVENTION_KIND_"),
						due["year"], due["month"], due["day"]))
					if !strings.Contains(m["name"].(string), "/interventions/M2-") {
						t.Errorf("worklist holds %v, want only M2's", m["name"])
					}
				}
				if want := "TMR 2025-6-30,CMR 2025-8-29,TMR 2025-9-30,TMR 2025-12-31"; strings.Join(got, ",") != want {
					t.Errorf("worklist = %v, want %s", got, want)
				}
				cancelled := c.Do(t, "GET", "/v1/plans/acme/interventions?state=INTERVENTION_STATE_CANCELLED", acme, nil).Want(t, http.StatusOK)
				if n, _ := cancelled.Body["interventions"].([]any); len(n) != 4 {
					t.Errorf("cancelled = %s, want M1's four", cancelled.Raw)
				}
				pharmacist := c.CreateKey(t, operator, "plans/acme", "ROLE_PHARMACIST")
				done := c.Do(t, "POST", "/v1/plans/acme/members/M2:recordReview", pharmacist, map[string]any{
					"kind": "INTERVENTION_KIND_CMR", "service_date": map[string]any{"year": 2025, "month": 8, "day": 1}}).Want(t, http.StatusOK)
				if done.Body["state"] != "INTERVENTION_STATE_COMPLETED" {
					t.Errorf("recorded CMR = %s", done.Raw)
				}
				c.Do(t, "GET", "/v1/plans/acme/interventions/M2-CMR-2025", acme, nil).Want(t, http.StatusOK)
			})

			t.Run("targeting reassesses after a claims import", func(t *testing.T) {
				// M2 (enrolled for 2025) starts warfarin and naproxen in
				// December: the import's records.changed event brings the
				// interaction, a follow-up and a higher priority.
				before := c.Do(t, "GET", "/v1/plans/acme/members/M2/priority", acme, nil).Want(t, http.StatusOK)
				upload(t, c, acme, "/v1/plans/acme/claims:import", "claim_id,member_id,fill_date,generic_name,days_supply,total_cost\n"+
					"W1,M2,2025-12-01,warfarin,30,10.00\nW2,M2,2025-12-05,naproxen,10,4.00\n").Want(t, http.StatusOK)
				var findings apitest.Response
				apitest.Eventually(t, 30*time.Second, "targeting to find M2's interaction", func() bool {
					findings = c.Do(t, "GET", "/v1/plans/acme/members/M2/findings", acme, nil)
					return strings.Contains(findings.Raw, `"rule":"drug_interaction"`)
				})
				if !strings.Contains(findings.Raw, `"id":"W1"`) || !strings.Contains(findings.Raw, "SEVERITY_HIGH") {
					t.Errorf("findings = %s, want the claims as evidence and high severity", findings.Raw)
				}
				after := c.Do(t, "GET", "/v1/plans/acme/members/M2/priority", acme, nil).Want(t, http.StatusOK)
				if score(after) <= score(before) {
					t.Errorf("priority %v after the interaction, %v before", score(after), score(before))
				}
				wl := c.Do(t, "GET", "/v1/plans/acme/interventions?finding=drug_interaction", acme, nil).Want(t, http.StatusOK)
				if !strings.Contains(wl.Raw, "INTERVENTION_KIND_FINDING") {
					t.Errorf("worklist of interactions = %s, want M2's follow-up", wl.Raw)
				}
				c.Do(t, "GET", "/v1/plans/acme/interventions?measure=nope", acme, nil).Want(t, http.StatusBadRequest)
				rep := c.Do(t, "GET", "/v1/plans/acme/adherenceReport?measurement_year=2025", acme, nil).Want(t, http.StatusOK)
				if !strings.Contains(rep.Raw, `"measure":"statins"`) {
					t.Errorf("adherence report = %s", rep.Raw)
				}
				set := c.Do(t, "PATCH", "/v1/plans/acme/targetingSettings", acme, map[string]any{
					"priority_weights": map[string]any{"findings.high": 50}}).Want(t, http.StatusOK)
				if set.Body["version"] != "1" {
					t.Errorf("settings = %s", set.Raw)
				}
				c.Do(t, "PATCH", "/v1/plans/acme/targetingSettings", acme, map[string]any{
					"screening_config": "rules: {nope: {}}"}).Want(t, http.StatusBadRequest)
			})

			t.Run("CMS beneficiary file", func(t *testing.T) {
				r := c.Do(t, "GET", "/v1/plans/acme/cmsFile?contract_year=2025", acme, nil).Want(t, http.StatusOK)
				// A server stream arrives as one JSON object per line.
				lines := strings.Split(strings.TrimSpace(r.Raw), "\n")
				if len(lines) != 2 || !strings.Contains(lines[0], `"opt_out_reason":"OPT_OUT_REASON_MEMBER_REQUEST"`) ||
					!strings.Contains(lines[1], `"targeting_reason":"TARGETING_REASON_DMP_AT_RISK"`) {
					t.Errorf("CMS file = %s, want M1 (opted out) and M2 (DMP)", r.Raw)
				}
			})

			t.Run("member history", func(t *testing.T) {
				r := c.Do(t, "GET", "/v1/plans/acme/members/M1:history", acme, nil).Want(t, http.StatusOK)
				var kinds []string
				for _, line := range strings.Split(strings.TrimSpace(r.Raw), "\n") {
					var entry struct {
						Result struct{ Kind string } `json:"result"`
					}
					if err := json.Unmarshal([]byte(line), &entry); err != nil {
						t.Fatalf("history line %q: %v", line, err)
					}
					kinds = append(kinds, entry.Result.Kind)
				}
				// Enrollment and opt-out carry their effective dates (as of
				// 2025), earlier than today's records.
				want := []string{"enrolled", "opted_out", "member.created", "determination", "determination", "determination"}
				if strings.Join(kinds, ",") != strings.Join(want, ",") {
					t.Errorf("history kinds = %v, want %v", kinds, want)
				}
			})

			t.Run("contract year 2026 needs plan rules", func(t *testing.T) {
				r := c.Do(t, "POST", "/v1/plans/acme/members/M1:evaluate", acme,
					map[string]any{"contract_year": 2026, "as_of": asOf})
				if r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, "2026") {
					t.Errorf("2026 without plan rules = %d %s, want 400 naming the year", r.Status, r.Raw)
				}
			})
		})
	}
}

// score reads a Priority's score from its JSON.
func score(r apitest.Response) float64 {
	f, _ := r.Body["score"].(float64)
	return f
}
