// Package apitest drives a running OpenMTM suite over REST the way a health
// plan's client would, for component tests: JSON requests with a bearer key,
// readiness and condition polling with deadlines (no sleeps).
package apitest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// Client calls one suite's REST gateway.
type Client struct {
	BaseURL string
	HTTP    *http.Client
}

// New returns a client of the gateway at addr ("host:port").
func New(addr string) *Client {
	return &Client{BaseURL: "http://" + addr, HTTP: &http.Client{Timeout: 10 * time.Second}}
}

// Response is a decoded JSON answer.
type Response struct {
	Status int
	Body   map[string]any
	Raw    string
}

// Do sends body (marshalled unless it is a string) and decodes the answer.
func (c *Client) Do(t testing.TB, method, path, key string, body any) Response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal request: %v", err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.BaseURL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	out := Response{Status: resp.StatusCode, Raw: string(raw)}
	_ = json.Unmarshal(raw, &out.Body)
	return out
}

// Want fails the test unless the answer has the status.
func (r Response) Want(t testing.TB, status int) Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Raw)
	}
	return r
}

// Eventually polls cond every 10ms until it holds or the deadline passes.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not a wait for an effect
	}
}

// WaitReady waits until GET /readyz answers 200.
func (c *Client) WaitReady(t testing.TB, within time.Duration) {
	t.Helper()
	Eventually(t, within, "GET /readyz to answer 200", func() bool {
		resp, err := c.HTTP.Get(c.BaseURL + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// CreateKey creates a key for tenant with one role, using an operator or
// tenant-admin key, and returns its bearer.
func (c *Client) CreateKey(t testing.TB, adminKey, tenant, role string) string {
	t.Helper()
	r := c.Do(t, "POST", "/v1/"+tenant+"/apiKeys", adminKey, map[string]any{
		"roles": []string{role}, "display_name": "test " + role,
	}).Want(t, http.StatusOK)
	secret, _ := r.Body["secret"].(string)
	if secret == "" {
		t.Fatalf("no secret in %s", r.Raw)
	}
	return secret
}

// BootstrapKey returns a fresh bearer in the API-key format, for
// OPENMTM_BOOTSTRAP_KEY.
func BootstrapKey(t testing.TB) string {
	t.Helper()
	const base32hex = "0123456789abcdefghijklmnopqrstuv"
	id := make([]byte, 16)
	secret := make([]byte, 32)
	if _, err := rand.Read(id); err != nil {
		t.Fatal(err)
	}
	if _, err := rand.Read(secret); err != nil {
		t.Fatal(err)
	}
	for i := range id {
		id[i] = base32hex[int(id[i])%32]
	}
	return "omtm_" + string(id) + "_" + base64.RawURLEncoding.EncodeToString(secret)
}

// Member is a valid member body for member id id.
func Member(id string) map[string]any {
	return map[string]any{
		"member_id":   id,
		"first_name":  "Test",
		"last_name":   "Member",
		"birth_date":  map[string]int{"year": 1950, "month": 3, "day": 2},
		"coverage":    map[string]any{"start": map[string]int{"year": 2025, "month": 1, "day": 1}},
		"postal_code": "02139",
		"language":    "es",
	}
}

// Env returns the variable, or skips the test saying which is unset.
func Env(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Skipf("%s is not set: skipping the run against the real server (scripts/test.sh in CI sets it)", name)
	}
	return v
}
