package suite_test

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/openmtm/internal/apitest"
	"github.com/openmtm/openmtm/services/openmtm/suite"
	"github.com/openmtm/openmtm/services/platform/logging"
)

// backend is a pair of store and NATS a suite runs on.
type backend struct {
	name string
	cfg  func(t testing.TB) suite.Config
}

var backends = []backend{
	{"sqlite+embedded-nats", func(t testing.TB) suite.Config {
		return suite.Config{DataDir: t.TempDir()}
	}},
	{"postgres+nats-server", func(t testing.TB) suite.Config {
		pg, prefix := apitest.Postgres(t)
		nats, ns := apitest.NATS(t)
		return suite.Config{DataDir: t.TempDir(), PostgresURL: pg, NATSURL: nats,
			SchemaPrefix: prefix, NATSNamespace: ns}
	}},
}

// startSuite runs a whole suite in this process, like `openmtm up`, and
// returns a REST client and the operator key.
func startSuite(t *testing.T, cfg suite.Config) (*apitest.Client, string) {
	t.Helper()
	cfg.Services = suite.ServiceNames()
	cfg.Gateway = true
	cfg.HTTPAddr, cfg.GRPCAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.BootstrapKey = apitest.BootstrapKey(t)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := suite.Start(ctx, cfg, logging.New(io.Discard, 0))
	if err != nil {
		cancel()
		t.Fatalf("start suite: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("suite stopped with: %v", err)
		}
	})
	c := apitest.New(p.HTTPAddr())
	c.WaitReady(t, 30*time.Second)
	return c, cfg.BootstrapKey
}

func TestMemberPath(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			c, operator := startSuite(t, b.cfg(t))
			acme := c.CreateKey(t, operator, "plans/acme", "ROLE_ADMIN")
			acmeReader := c.CreateKey(t, operator, "plans/acme", "ROLE_ANALYST")
			beta := c.CreateKey(t, operator, "plans/beta", "ROLE_ADMIN")

			t.Run("authentication", func(t *testing.T) {
				c.Do(t, "GET", "/v1/plans/acme/members", "", nil).Want(t, http.StatusUnauthorized)
				c.Do(t, "GET", "/v1/plans/acme/members", "not-a-key", nil).Want(t, http.StatusUnauthorized)
				c.Do(t, "GET", "/v1/plans/acme/members", apitest.BootstrapKey(t), nil).Want(t, http.StatusUnauthorized)
			})

			t.Run("create, read, replace", func(t *testing.T) {
				m := apitest.Member("M001")
				got := c.Do(t, "POST", "/v1/plans/acme/members", acme, m).Want(t, http.StatusOK)
				read := c.Do(t, "GET", "/v1/plans/acme/members/M001", acmeReader, nil).Want(t, http.StatusOK)
				if diff := cmp.Diff(got.Body, read.Body); diff != "" {
					t.Errorf("read differs from write (-write +read):\n%s", diff)
				}
				if read.Body["name"] != "plans/acme/members/M001" || read.Body["language"] != "es" {
					t.Errorf("member = %s", read.Raw)
				}
				// Writing the same member again changes nothing.
				again := c.Do(t, "POST", "/v1/plans/acme/members", acme, m).Want(t, http.StatusOK)
				if again.Body["update_time"] != got.Body["update_time"] {
					t.Errorf("identical upsert moved update_time: %v -> %v", got.Body["update_time"], again.Body["update_time"])
				}
				m["postal_code"] = "10001"
				changed := c.Do(t, "POST", "/v1/plans/acme/members", acme, m).Want(t, http.StatusOK)
				if changed.Body["postal_code"] != "10001" || changed.Body["create_time"] != got.Body["create_time"] {
					t.Errorf("replace = %s", changed.Raw)
				}
			})

			t.Run("bad input is rejected whole, fields named", func(t *testing.T) {
				bad := apitest.Member("M900")
				bad["birth_date"] = map[string]int{"year": 1950, "month": 2, "day": 30}
				bad["postal_code"] = "0213"
				delete(bad, "coverage")
				r := c.Do(t, "POST", "/v1/plans/acme/members", acme, bad).Want(t, http.StatusBadRequest)
				for _, f := range []string{"member.birth_date", "member.postal_code", "member.coverage.start"} {
					if !strings.Contains(r.Raw, `"field":"`+f+`"`) {
						t.Errorf("400 body does not name %s: %s", f, r.Raw)
					}
				}
				c.Do(t, "GET", "/v1/plans/acme/members/M900", acme, nil).Want(t, http.StatusNotFound)
				c.Do(t, "POST", "/v1/plans/acme/members", acme, `{"member":`).Want(t, http.StatusBadRequest)
				c.Do(t, "POST", "/v1/plans/acme/members", acme, `{"member_id":"M901","shoe_size":44}`).Want(t, http.StatusBadRequest)
				c.Do(t, "GET", "/v1/plans/acme/members?page_size=-1", acme, nil).Want(t, http.StatusBadRequest)
			})

			t.Run("tenancy and roles", func(t *testing.T) {
				c.Do(t, "GET", "/v1/plans/acme/members/M001", beta, nil).Want(t, http.StatusNotFound)
				c.Do(t, "GET", "/v1/plans/acme/members", beta, nil).Want(t, http.StatusNotFound)
				c.Do(t, "POST", "/v1/plans/acme/members", beta, apitest.Member("M777")).Want(t, http.StatusNotFound)
				c.Do(t, "POST", "/v1/plans/acme/members", acmeReader, apitest.Member("M777")).Want(t, http.StatusForbidden)
				c.Do(t, "GET", "/v1/plans/acme/members/M777", acme, nil).Want(t, http.StatusNotFound)
				c.Do(t, "GET", "/v1/plans/beta/members", beta, nil).Want(t, http.StatusOK)
			})

			t.Run("list pages in member id order", func(t *testing.T) {
				for _, id := range []string{"M005", "M003", "M002", "M004"} {
					c.Do(t, "POST", "/v1/plans/acme/members", acme, apitest.Member(id)).Want(t, http.StatusOK)
				}
				var ids []string
				token := ""
				for pages := 0; pages < 10; pages++ {
					r := c.Do(t, "GET", "/v1/plans/acme/members?page_size=2&page_token="+url.QueryEscape(token), acmeReader, nil).Want(t, http.StatusOK)
					members, _ := r.Body["members"].([]any)
					if len(members) > 2 {
						t.Fatalf("page of %d members, want at most 2", len(members))
					}
					for _, m := range members {
						ids = append(ids, m.(map[string]any)["member_id"].(string))
					}
					token, _ = r.Body["next_page_token"].(string)
					if token == "" {
						break
					}
				}
				if diff := cmp.Diff([]string{"M001", "M002", "M003", "M004", "M005"}, ids); diff != "" {
					t.Errorf("listed ids (-want +got):\n%s", diff)
				}
			})

			t.Run("targeting hears of every member once", func(t *testing.T) {
				apitest.Eventually(t, 30*time.Second, "targeting to count 5 acme members", func() bool {
					r := c.Do(t, "GET", "/v1/plans/acme/targetingSummary", acmeReader, nil).Want(t, http.StatusOK)
					return r.Body["members_seen"] == "5"
				})
				r := c.Do(t, "GET", "/v1/plans/beta/targetingSummary", beta, nil).Want(t, http.StatusOK)
				if _, seen := r.Body["members_seen"]; seen {
					t.Errorf("beta summary = %s, want no members", r.Raw)
				}
				c.Do(t, "GET", "/v1/plans/acme/targetingSummary", beta, nil).Want(t, http.StatusNotFound)
			})

			t.Run("operations endpoints", func(t *testing.T) {
				resp, err := c.HTTP.Get(c.BaseURL + "/openapi.json")
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("GET /openapi.json: %v %v", resp, err)
				}
				resp.Body.Close()
				// A service not built yet answers 501 through the gateway.
				c.Do(t, "GET", "/v1/networks/n1/pharmacies", acme, nil).Want(t, http.StatusNotImplemented)
			})
		})
	}
}

// TestDistributed runs the production layout: each service in its own
// process (`openmtm serve <service>`) on PostgreSQL and the NATS server, and
// the gateway reaching them over gRPC by address.
func TestDistributed(t *testing.T) {
	t.Parallel()
	pg, prefix := apitest.Postgres(t)
	nats, ns := apitest.NATS(t)
	base := suite.Config{PostgresURL: pg, NATSURL: nats, SchemaPrefix: prefix, NATSNamespace: ns, GRPCAddr: "127.0.0.1:0"}
	key, serviceKey := apitest.BootstrapKey(t), apitest.BootstrapKey(t)

	upstreams := map[string]string{}
	for _, name := range []string{"eligibility", "targeting"} {
		cfg := base
		cfg.Services = []string{name}
		// Targeting reads eligibility's records with the service key,
		// which each process makes an operator key.
		cfg.Upstreams, cfg.ServiceKey = maps.Clone(upstreams), serviceKey
		upstreams[name] = runProcess(t, cfg).GRPCAddr()
	}
	gw := base
	gw.Gateway, gw.HTTPAddr, gw.Upstreams, gw.BootstrapKey = true, "127.0.0.1:0", upstreams, key
	c := apitest.New(runProcess(t, gw).HTTPAddr())
	c.WaitReady(t, 30*time.Second)

	acme := c.CreateKey(t, key, "plans/acme", "ROLE_ADMIN")
	c.Do(t, "POST", "/v1/plans/acme/members", acme, apitest.Member("M001")).Want(t, http.StatusOK)
	c.Do(t, "GET", "/v1/plans/acme/members/M001", acme, nil).Want(t, http.StatusOK)
	apitest.Eventually(t, 30*time.Second, "targeting to count M001", func() bool {
		r := c.Do(t, "GET", "/v1/plans/acme/targetingSummary", acme, nil)
		return r.Body["members_seen"] == "1"
	})
	// Scheduling runs nowhere: its routes answer 503, not a hang or a panic.
	c.Do(t, "GET", "/v1/networks/n1/pharmacies", acme, nil).Want(t, http.StatusServiceUnavailable)
}

func runProcess(t *testing.T, cfg suite.Config) *suite.Process {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p, err := suite.Start(ctx, cfg, logging.New(io.Discard, 0))
	if err != nil {
		cancel()
		t.Fatalf("start %v: %v", cfg.Services, err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("process %v stopped with: %v", cfg.Services, err)
		}
	})
	apitest.Eventually(t, 30*time.Second, "process to be ready", p.Ready)
	return p
}

// TestStartFailureCleansUp starts a suite whose eligibility service cannot
// load its reference data: Start reports it, closes what it opened, and a
// second Start on the same data folder works.
func TestStartFailureCleansUp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := suite.Config{DataDir: dir, Services: suite.ServiceNames(), GRPCAddr: "127.0.0.1:0",
		ReferenceDir: dir + "/missing"}
	if _, err := suite.Start(context.Background(), cfg, logging.New(io.Discard, 0)); err == nil ||
		!strings.Contains(err.Error(), "reference") {
		t.Fatalf("Start with a missing reference folder = %v, want an error about it", err)
	}
	cfg.ReferenceDir = ""
	p, err := suite.Start(context.Background(), cfg, logging.New(io.Discard, 0))
	if err != nil {
		t.Fatalf("second Start on the same folder: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Run(ctx); err != nil {
		t.Errorf("Run: %v", err)
	}
}
