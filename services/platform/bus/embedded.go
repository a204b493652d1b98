package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// readyTimeout is how long an embedded server may take to accept clients;
// JetStream recovering a large store on disk is the slow part.
const readyTimeout = 30 * time.Second

// startEmbedded starts an in-process NATS server with JetStream on disk
// under dataDir/nats, listening on a random loopback port so that other
// processes (a second service, a test's child process) can reach it.
func startEmbedded(ctx context.Context, dataDir string, logger *slog.Logger) (*server.Server, error) {
	if dataDir == "" {
		return nil, errors.New("bus: embedded nats needs a data folder (Config.DataDir)")
	}
	opts := &server.Options{
		ServerName: "openmtm-embedded",
		Host:       "127.0.0.1",
		Port:       server.RANDOM_PORT,
		JetStream:  true,
		StoreDir:   filepath.Join(dataDir, "nats"),
		// The host process owns signals; the server must not react to them.
		NoSigs: true,
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("bus: embedded nats: %w", err)
	}
	ns.SetLoggerV2(serverLogger{logger.With("component", "nats-server")}, false, false, false)
	ns.Start()

	timeout := readyTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	if !ns.ReadyForConnections(timeout) {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("bus: embedded nats not ready after %s", timeout)
	}
	if err := ctx.Err(); err != nil {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("bus: embedded nats: %w", err)
	}
	return ns, nil
}

// serverLogger sends the embedded server's log to slog. Its notices (the
// start-up banner, JetStream limits) are chatty, so they go to debug.
type serverLogger struct{ l *slog.Logger }

func (s serverLogger) Noticef(format string, v ...any) { s.l.Debug(fmt.Sprintf(format, v...)) }
func (s serverLogger) Warnf(format string, v ...any)   { s.l.Warn(fmt.Sprintf(format, v...)) }
func (s serverLogger) Fatalf(format string, v ...any)  { s.l.Error(fmt.Sprintf(format, v...)) }
func (s serverLogger) Errorf(format string, v ...any)  { s.l.Error(fmt.Sprintf(format, v...)) }
func (s serverLogger) Debugf(format string, v ...any)  { s.l.Debug(fmt.Sprintf(format, v...)) }
func (s serverLogger) Tracef(string, ...any)           {}
