package batch

import (
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// progress writes what a run is doing to standard error: a line per
// interval during a phase (bytes read of the file, rows, rows/s) and a line
// when each phase ends. Standard output carries results only.
type progress struct {
	w        io.Writer
	name     string // the command, in front of every line
	interval time.Duration

	bytes atomic.Int64 // of the current phase's file, read and handled
	rows  atomic.Int64 // of the current phase

	mu    sync.Mutex // guards the fields below, and writes to w
	phase string
	total int64 // the phase's file size, 0 when unknown
	start time.Time
	stop  chan struct{}
	done  sync.WaitGroup
}

func newProgress(w io.Writer, interval time.Duration) *progress {
	p := &progress{w: w, name: "eligibility", interval: interval, stop: make(chan struct{})}
	if interval > 0 {
		p.done.Go(p.tick)
	}
	return p
}

// begin starts a phase that reads a file of size bytes (0: unknown).
func (p *progress) begin(phase string, size int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase, p.total, p.start = phase, size, time.Now()
	p.bytes.Store(0)
	p.rows.Store(0)
}

// end closes the phase with its totals and a note ("12 of unknown members").
func (p *progress) end(note string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	secs := time.Since(p.start).Seconds()
	rows := p.rows.Load()
	line := fmt.Sprintf("%s: %s: %s rows in %.1f s (%s rows/s)", p.name, p.phase, group(rows), secs, rate(rows, secs))
	if note != "" {
		line += "; " + note
	}
	fmt.Fprintln(p.w, line)
	p.phase = ""
}

// say writes one line as it is.
func (p *progress) say(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, p.name+": "+format+"\n", args...)
}

// close stops the periodic lines.
func (p *progress) close() {
	close(p.stop)
	p.done.Wait()
}

func (p *progress) tick() {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		p.mu.Lock()
		if p.phase != "" {
			secs := time.Since(p.start).Seconds()
			rows, n := p.rows.Load(), p.bytes.Load()
			share := ""
			if p.total > 0 {
				share = fmt.Sprintf(" %d%% of %s,", min(100, 100*n/p.total), megabytes(p.total))
			}
			fmt.Fprintf(p.w, "%s: %s:%s %s rows, %s rows/s\n", p.name, p.phase, share, group(rows), rate(rows, secs))
		}
		p.mu.Unlock()
	}
}

// group writes n with thousands separators: 39,751,111.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + group(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// rate writes rows per second briefly: 4.06M, 812k, 95.
func rate(rows int64, secs float64) string {
	if secs <= 0 {
		return "-"
	}
	r := float64(rows) / secs
	switch {
	case r >= 1e6:
		return fmt.Sprintf("%.2fM", r/1e6)
	case r >= 1e3:
		return fmt.Sprintf("%.0fk", r/1e3)
	}
	return fmt.Sprintf("%.0f", r)
}

func megabytes(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }
