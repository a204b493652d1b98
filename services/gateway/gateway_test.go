package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// keyVerifier accepts one key.
type keyVerifier string

func (k keyVerifier) Verify(_ context.Context, bearer string) (auth.Identity, error) {
	if bearer != string(k) {
		return auth.Identity{}, errs.Unauthenticated("invalid API key")
	}
	return auth.Identity{KeyID: "k1", Tenant: "plans/acme", Roles: []auth.Role{auth.RoleAdmin}}, nil
}

func newTestGateway(t *testing.T, ready *atomic.Bool) *httptest.Server {
	t.Helper()
	g, err := New(context.Background(), Config{
		// An upstream nobody listens on: the edge must answer before it.
		Upstreams: map[string]string{"eligibility": "127.0.0.1:1"},
		Verifier:  keyVerifier("good"),
		Ready:     ready.Load,
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(func() { srv.Close(); g.Close() })
	return srv
}

func TestEdge(t *testing.T) {
	t.Parallel()
	var ready atomic.Bool
	srv := newTestGateway(t, &ready)

	get := func(path, key string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	if code, _ := get("/healthz", ""); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	if code, _ := get("/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz before ready = %d, want 503", code)
	}
	ready.Store(true)
	if code, _ := get("/readyz", ""); code != http.StatusOK {
		t.Errorf("/readyz when ready = %d, want 200", code)
	}

	code, body := get("/openapi.json", "")
	var doc struct {
		Swagger string         `json:"swagger"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); code != http.StatusOK || err != nil || doc.Swagger != "2.0" {
		t.Fatalf("/openapi.json = %d, %v", code, err)
	}
	if _, ok := doc.Paths["/v1/plans/{plan}/claims:import"]; !ok {
		t.Errorf("OpenAPI document lacks the CSV upload route")
	}

	for _, key := range []string{"", "bad"} {
		code, body := get("/v1/plans/acme/members", key)
		if code != http.StatusUnauthorized || !strings.Contains(body, `"code":16`) {
			t.Errorf("key %q: %d %s, want 401 with a JSON status", key, code, body)
		}
	}
	// With a good key the request goes on to the (absent) upstream.
	if code, _ := get("/v1/plans/acme/members", "good"); code != http.StatusServiceUnavailable {
		t.Errorf("good key to a dead upstream = %d, want 503", code)
	}
	// An API with no upstream is routed and says what is missing.
	code, body = get("/v1/plans/acme/targetingSummary", "good")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "no upstream configured") {
		t.Errorf("API without upstream = %d %s, want 503 naming the gap", code, body)
	}
}

// downVerifier stands for a key store that cannot answer.
type downVerifier struct{}

func (downVerifier) Verify(context.Context, string) (auth.Identity, error) {
	return auth.Identity{}, errors.New("key store unreachable")
}

// TestEdgeKeyStoreDown: a key store outage is the suite's fault (500), not
// the caller's (401), and its cause is not shown.
func TestEdgeKeyStoreDown(t *testing.T) {
	t.Parallel()
	g, err := New(context.Background(), Config{Verifier: downVerifier{}, Ready: func() bool { return true },
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(func() { srv.Close(); g.Close() })
	req, _ := http.NewRequest("GET", srv.URL+"/v1/plans/acme/members", nil)
	req.Header.Set("Authorization", "Bearer any")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusInternalServerError || strings.Contains(string(body), "unreachable") {
		t.Errorf("key store down = %d %s, want 500 without the cause", resp.StatusCode, body)
	}
}
