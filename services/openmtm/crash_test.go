package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openmtm/openmtm/services/openmtm/internal/apitest"
	"github.com/openmtm/openmtm/services/platform/bus"
	"github.com/openmtm/openmtm/services/platform/store"
)

// binary is the openmtm command built once for the crash tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "openmtm-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "openmtm")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build openmtm: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// crashEnv is where a crash test's suite keeps its state across restarts.
type crashEnv struct {
	args     []string // store and NATS flags
	storeURL string
	prefix   string
	busCfg   bus.Config
}

// TestKilledBetweenCommitAndPublish kills `openmtm up` with SIGKILL right
// before and right after the outbox relay publishes a committed member
// event, restarts it, and checks that the event reached the stream and was
// applied by targeting exactly once.
func TestKilledBetweenCommitAndPublish(t *testing.T) {
	envs := map[string]func(t *testing.T) crashEnv{
		"sqlite+embedded-nats": func(t *testing.T) crashEnv {
			dir := t.TempDir()
			return crashEnv{args: []string{"--data", dir}, storeURL: "sqlite:" + filepath.Join(dir, "db"),
				busCfg: bus.Config{DataDir: dir}}
		},
		"postgres+nats-server": func(t *testing.T) crashEnv {
			pg, prefix := apitest.Postgres(t)
			nats, ns := apitest.NATS(t)
			return crashEnv{
				args:     []string{"--data", t.TempDir(), "--postgres", pg, "--nats", nats, "--schema-prefix", prefix, "--nats-namespace", ns},
				storeURL: pg, prefix: prefix, busCfg: bus.Config{URL: nats, Namespace: ns},
			}
		},
	}
	for envName, newEnv := range envs {
		for _, fault := range []string{bus.FaultBeforePublish, bus.FaultAfterPublish} {
			t.Run(envName+"/"+fault, func(t *testing.T) {
				t.Parallel()
				env := newEnv(t)
				key := apitest.BootstrapKey(t)

				first := startUp(t, env, key, fault)
				plan := first.client.CreateKey(t, key, "plans/acme", "ROLE_ADMIN")
				// The answer may never come: the process may die first.
				postMember(first.client, plan, "M001")
				first.waitKilled(t)

				second := startUp(t, env, key, "")
				apitest.Eventually(t, 30*time.Second, "targeting to count M001", func() bool {
					r := second.client.Do(t, "GET", "/v1/plans/acme/targetingSummary", plan, nil)
					return r.Body["members_seen"] == "1"
				})
				second.client.Do(t, "POST", "/v1/plans/acme/members", plan, apitest.Member("M002")).Want(t, http.StatusOK)
				apitest.Eventually(t, 30*time.Second, "targeting to count M002", func() bool {
					r := second.client.Do(t, "GET", "/v1/plans/acme/targetingSummary", plan, nil)
					return r.Body["members_seen"] == "2"
				})
				second.stop(t)

				if n := streamMessages(t, env.busCfg); n != 2 {
					t.Errorf("MTM_ELIGIBILITY holds %d messages, want 2 (one per member)", n)
				}
				if n := count(t, env, "targeting", `SELECT COUNT(*) FROM inbox`); n != 2 {
					t.Errorf("targeting applied %d events, want 2", n)
				}
				if n := count(t, env, "eligibility", `SELECT COUNT(*) FROM outbox WHERE published_at IS NULL`); n != 0 {
					t.Errorf("%d outbox rows never published", n)
				}
			})
		}
	}
}

type upProcess struct {
	cmd    *exec.Cmd
	client *apitest.Client
	log    string
	done   chan error
}

func startUp(t *testing.T, env crashEnv, key, fault string) *upProcess {
	t.Helper()
	httpAddr, grpcAddr := freeAddr(t), freeAddr(t)
	args := append([]string{"up", "--http", httpAddr, "--grpc", grpcAddr}, env.args...)
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "OPENMTM_BOOTSTRAP_KEY="+key, bus.FaultEnv+"="+fault)
	logFile := filepath.Join(t.TempDir(), "up.log")
	f, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &upProcess{cmd: cmd, client: apitest.New(httpAddr), log: logFile, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait(); f.Close() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			out, _ := os.ReadFile(logFile)
			t.Logf("openmtm up log:\n%s", out)
		}
	})
	p.client.WaitReady(t, 30*time.Second)
	return p
}

func (p *upProcess) waitKilled(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the fault point never killed the process")
	}
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("process ended with %v, want SIGKILL", p.cmd.ProcessState)
	}
}

func (p *upProcess) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("graceful stop: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("process did not stop on SIGTERM")
	}
}

func postMember(c *apitest.Client, key, id string) {
	body := fmt.Sprintf(`{"member_id":%q,"first_name":"A","last_name":"B","birth_date":{"year":1950,"month":1,"day":1},"coverage":{"start":{"year":2025,"month":1,"day":1}}}`, id)
	req, _ := http.NewRequest("POST", c.BaseURL+"/v1/plans/acme/members", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if resp, err := c.HTTP.Do(req); err == nil {
		resp.Body.Close()
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func streamMessages(t *testing.T, cfg bus.Config) uint64 {
	t.Helper()
	ctx := context.Background()
	b, err := bus.Connect(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := b.JetStream().Stream(ctx, b.StreamName("eligibility"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

func count(t *testing.T, env crashEnv, service, query string) int {
	t.Helper()
	db, err := store.Open(context.Background(), env.storeURL, env.prefix+service)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
