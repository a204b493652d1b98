package bus

import (
	"log/slog"
	"os"
	"sync/atomic"
)

// Fault injection for crash tests.
//
// The outbox promises that an event committed with its state change is
// published exactly once in effect, even when the process dies between the
// commit and the publish, or between the publish and marking the row
// published. Tests prove it by starting a relay in a child process with
// OPENMTM_FAULT set, letting it kill itself at that point with SIGKILL (no
// deferred clean-up, no graceful shutdown: as close to a power cut as a test
// gets), restarting a relay, and checking that the stream holds the event
// once. Production never sets the variable.
const (
	// FaultEnv names the variable that arms a fault point.
	FaultEnv = "OPENMTM_FAULT"
	// FaultBeforePublish kills the process right before the relay's first
	// publish: the event is committed but not yet on the bus.
	FaultBeforePublish = "outbox.before_publish"
	// FaultAfterPublish kills the process right after the relay's first
	// successful publish, before it marks the row published: the restarted
	// relay publishes it again, and JetStream drops the duplicate.
	FaultAfterPublish = "outbox.after_publish"
)

// faultPoint is the fault armed for one relay, read once at construction.
type faultPoint struct {
	armed  string
	fired  atomic.Bool
	logger *slog.Logger
}

func newFaultPoint(logger *slog.Logger) *faultPoint {
	f := &faultPoint{armed: os.Getenv(FaultEnv), logger: logger}
	if f.armed != "" {
		logger.Warn("fault injection armed", "fault", f.armed)
	}
	return f
}

// at kills the process the first time the armed point is reached.
func (f *faultPoint) at(point string) {
	if f.armed != point || !f.fired.CompareAndSwap(false, true) {
		return
	}
	f.logger.Warn("fault injection: killing own process", "fault", point)
	// On Unix, Process.Kill is SIGKILL (syscall.Kill(pid, SIGKILL)); unlike
	// syscall.Kill it also builds on Windows, where the all-in-one binary runs.
	if p, err := os.FindProcess(os.Getpid()); err == nil {
		_ = p.Kill()
	}
	// The signal is delivered asynchronously: never go on to the publish.
	select {}
}
