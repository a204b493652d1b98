package synth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// chunkSize is the number of members per unit of work: about 40,000 claim
// rows, 2–3 MB of text, large enough to amortize the hand-off and small
// enough that a few in flight keep memory flat.
const chunkSize = 1024

// chunk is a block of consecutive members rendered as rows.
type chunk struct {
	first, n                   int64 // member numbers first .. first+n-1
	members, claims, diagnoses []byte
	stats                      Stats
	done                       chan struct{} // closed when rendered
}

// run generates cfg.Members members on workers goroutines and writes the
// chunks to out in member order. At most 2·workers+2 chunks exist at once;
// their buffers are reused.
func run(ctx context.Context, cfg Config, cat *catalog, sh *shared, out *outputs, workers int, progress func(int)) (Stats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inFlight := 2*workers + 2
	free := make(chan *chunk, inFlight)
	for range inFlight {
		free <- &chunk{}
	}
	jobs := make(chan *chunk)
	// order never blocks its sender: at most inFlight chunks exist.
	order := make(chan *chunk, inFlight)

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			g := newGen(cfg, cat, sh)
			for c := range jobs {
				// A cancelled run skips the rest; a chunk takes milliseconds.
				for i := c.first; i < c.first+c.n && ctx.Err() == nil; i++ {
					g.member(i, c)
				}
				close(c.done)
			}
		})
	}
	total := int64(cfg.Members)
	wg.Go(func() {
		defer close(jobs)
		defer close(order)
		for first := int64(1); first <= total; first += chunkSize {
			var c *chunk
			select {
			case <-ctx.Done():
				return
			case c = <-free:
			}
			c.first, c.n = first, min(chunkSize, total-first+1)
			c.members, c.claims, c.diagnoses = c.members[:0], c.claims[:0], c.diagnoses[:0]
			c.stats, c.done = Stats{}, make(chan struct{})
			order <- c
			select {
			case <-ctx.Done():
				return
			case jobs <- c:
			}
		}
	})

	var st Stats
	var err error
	for c := range order {
		if err != nil {
			continue // drain, so that the dispatcher can finish
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-c.done:
			if err = ctx.Err(); err == nil {
				err = out.write(c)
			}
		}
		if err != nil {
			cancel()
			continue
		}
		st.add(c.stats)
		free <- c
		if progress != nil {
			progress(int(st.Members))
		}
	}
	wg.Wait()
	if err == nil {
		err = ctx.Err() // cancelled after the last chunk was handed out
	}
	return st, err
}

func (s *Stats) add(o Stats) {
	s.Members += o.Members
	s.Claims += o.Claims
	s.Diagnoses += o.Diagnoses
	s.Reversals += o.Reversals
}

// outputs are the three files being written, under temporary names until
// commit renames them.
type outputs struct {
	dir   string
	files [3]*os.File
	bufs  [3]*bufio.Writer
}

var outputNames = [3]string{MembersFile, ClaimsFile, DiagnosesFile}

func createOutputs(dir string) (*outputs, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output folder: %w", err)
	}
	o := &outputs{dir: dir}
	headers := [3][]byte{membersHeader, claimsHeader, diagnosesHeader}
	for i, name := range outputNames {
		f, err := os.CreateTemp(dir, "."+name+".*.tmp")
		if err != nil {
			o.abort()
			return nil, fmt.Errorf("create %s: %w", name, err)
		}
		o.files[i] = f
		o.bufs[i] = bufio.NewWriterSize(f, 1<<20)
		_, _ = o.bufs[i].Write(headers[i]) // a write error sticks to the Writer; Flush reports it
	}
	return o, nil
}

func (o *outputs) write(c *chunk) error {
	for i, b := range [3][]byte{c.members, c.claims, c.diagnoses} {
		if _, err := o.bufs[i].Write(b); err != nil {
			return fmt.Errorf("write %s: %w", outputNames[i], err)
		}
	}
	return nil
}

// commit flushes and closes the files, then gives them their final names.
func (o *outputs) commit() error {
	for i, f := range o.files {
		if err := errors.Join(o.bufs[i].Flush(), f.Chmod(0o644), f.Close()); err != nil {
			return fmt.Errorf("finish %s: %w", outputNames[i], err)
		}
	}
	for i, f := range o.files {
		if err := os.Rename(f.Name(), filepath.Join(o.dir, outputNames[i])); err != nil {
			return fmt.Errorf("finish %s: %w", outputNames[i], err)
		}
		o.files[i] = nil
	}
	return nil
}

// abort closes and removes whatever commit has not renamed.
func (o *outputs) abort() {
	for i, f := range o.files {
		if f != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
			o.files[i] = nil
		}
	}
}
