package suite_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/openmtm/openmtm/services/openmtm/internal/apitest"
)

// TestEvaluationRunsOverREST drives plan-wide evaluation runs and the
// evaluation schedule through the gateway, as a plan would.
func TestEvaluationRunsOverREST(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			c, operator := startSuite(t, b.cfg(t))
			acme := c.CreateKey(t, operator, "plans/acme", "ROLE_ADMIN")
			other := c.CreateKey(t, operator, "plans/other", "ROLE_ADMIN")
			for _, id := range []string{"M1", "M2", "M3"} {
				m := apitest.Member(id)
				m["dmp_at_risk"] = id == "M2" // eligible on that alone
				c.Do(t, "POST", "/v1/plans/acme/members", acme, m).Want(t, http.StatusOK)
			}

			asOf := map[string]int{"year": 2025, "month": 6, "day": 30}
			run := c.Do(t, "POST", "/v1/plans/acme/evaluationRuns", acme, map[string]any{"as_of": asOf}).Want(t, http.StatusOK)
			name, _ := run.Body["name"].(string)
			if run.Body["state"] != "RUN_STATE_PENDING" || name == "" {
				t.Fatalf("started run: %s", run.Raw)
			}
			var done apitest.Response
			apitest.Eventually(t, 30*time.Second, "the run to succeed", func() bool {
				done = c.Do(t, "GET", "/v1/"+name, acme, nil).Want(t, http.StatusOK)
				return done.Body["state"] == "RUN_STATE_SUCCEEDED"
			})
			if done.Body["members_total"] != "3" || done.Body["members_done"] != "3" || done.Body["members_eligible"] != "1" ||
				done.Body["end_time"] == nil {
				t.Errorf("finished run: %s", done.Raw)
			}
			c.Do(t, "GET", "/v1/"+name, other, nil).Want(t, http.StatusNotFound)
			c.Do(t, "POST", "/v1/plans/acme/evaluationRuns", acme, map[string]any{"contract_year": 2026}).
				Want(t, http.StatusBadRequest) // no confirmed CMS cost threshold

			const schedule = "/v1/plans/acme/evaluationSchedule"
			c.Do(t, "PATCH", schedule, acme, map[string]any{"cron": "0 2 1 */3"}).Want(t, http.StatusBadRequest)
			c.Do(t, "PATCH", schedule, other, map[string]any{"cron": "0 2 1 */3 *"}).Want(t, http.StatusNotFound)
			set := c.Do(t, "PATCH", schedule, acme, map[string]any{"cron": "0 2 1 */3 *", "incremental": true}).Want(t, http.StatusOK)
			if set.Body["cron"] != "0 2 1 */3 *" || set.Body["incremental"] != true || set.Body["next_run_time"] == nil {
				t.Errorf("set schedule: %s", set.Raw)
			}
			got := c.Do(t, "GET", schedule, acme, nil).Want(t, http.StatusOK)
			if got.Body["cron"] != "0 2 1 */3 *" || got.Body["name"] != "plans/acme/evaluationSchedule" {
				t.Errorf("read schedule: %s", got.Raw)
			}
		})
	}
}
