package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
)

// defaultChunkBytes is how many bytes a chunk holds before it is cut at a
// record boundary: about 25,000 claim rows, large enough that the hand-off
// costs nothing and small enough that a few in flight keep memory flat.
const defaultChunkBytes = 2 << 20

// splitting says how files are cut and parsed: workers goroutines, chunks
// of about size bytes.
type splitting struct{ workers, size int }

// chunk is a run of whole records of a CSV file, and the file's header
// record, so that intake can read it as a file of its own.
type chunk struct {
	seq    int    // 0, 1, 2, ... in file order
	header []byte // shared by every chunk of the file; read-only
	data   []byte // whole records; valid until the chunk's function returns
	offset int64  // where data starts in the file
}

// reader returns the chunk as a CSV file: the header, then the records.
func (c *chunk) reader() io.Reader {
	return io.MultiReader(bytes.NewReader(c.header), bytes.NewReader(c.data))
}

// eachChunk cuts the CSV file r into chunks of whole records and calls fn
// for each on workers goroutines, in no particular order. A file without
// data rows still gives one chunk, empty but for the header, so that fn
// sees (and checks) the header of every file. done, when not nil, is
// increased by each chunk's size once fn has returned. The first error of
// fn or of reading stops the run and is returned.
//
// A record boundary is a newline outside quotes: with RFC 4180 quoting a
// newline is inside a quoted field exactly when an odd number of quote
// characters precede it, so counting quotes finds the boundaries without
// parsing. For a file that is not valid CSV the cut may fall elsewhere, but
// the first syntax error still lies in a chunk that starts on a true
// boundary, so some chunk fails; callers then re-read the file in one piece
// to report the first problem exactly as intake does.
func eachChunk(ctx context.Context, r io.Reader, sp splitting, done *atomic.Int64, fn func(*chunk) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	free := make(chan []byte, 2*sp.workers+2)
	for range cap(free) {
		free <- make([]byte, 0, sp.size)
	}
	jobs := make(chan *chunk)
	var wg sync.WaitGroup
	for range sp.workers {
		wg.Go(func() {
			for c := range jobs {
				if ctx.Err() == nil {
					if err := fn(c); err != nil {
						cancel(err)
					} else if done != nil {
						done.Add(int64(len(c.data)))
					}
				}
				free <- c.data[:0]
			}
		})
	}
	err := split(ctx, r, sp.size, free, jobs)
	close(jobs)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause // fn's error
	}
	if err != nil {
		return err
	}
	return ctx.Err()
}

// split reads r into buffers taken from free and sends them on jobs as
// chunks. It returns when r is read or ctx is done.
func split(ctx context.Context, r io.Reader, size int, free chan []byte, jobs chan<- *chunk) error {
	s := splitter{r: r, size: size}
	var header []byte
	for seq := 0; ; seq++ {
		var buf []byte
		select {
		case <-ctx.Done():
			return nil // eachChunk reports the cause
		case buf = <-free:
		}
		offset := s.start
		data, err := s.next(buf)
		if err == io.EOF && seq > 0 {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		if seq == 0 {
			h := firstBoundary(data)
			header, data = slices.Clone(data[:h]), data[h:]
			offset += int64(h)
		}
		select {
		case <-ctx.Done():
			return nil
		case jobs <- &chunk{seq: seq, header: header, data: data, offset: offset}:
		}
	}
}

// splitter reads a CSV stream and cuts it after record boundaries.
type splitter struct {
	r     io.Reader
	size  int    // bytes to grow a buffer by
	carry []byte // bytes read past the last cut
	eof   bool
	start int64 // file offset of the next piece's first byte
}

// next returns, in buf's memory (grown when one record is longer than
// buf), the bytes after the previous cut up to the last record boundary it
// can find, or the rest of the stream at its end; io.EOF when nothing is
// left.
func (s *splitter) next(buf []byte) ([]byte, error) {
	buf = append(buf[:0], s.carry...)
	for {
		if !s.eof {
			if len(buf) == cap(buf) {
				buf = slices.Grow(buf, max(cap(buf), s.size))
			}
			n, err := io.ReadFull(s.r, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			switch {
			case err == io.EOF || err == io.ErrUnexpectedEOF:
				s.eof = true
			case err != nil:
				return nil, fmt.Errorf("read: %w", err)
			}
		}
		if s.eof {
			s.carry = s.carry[:0]
			if len(buf) == 0 {
				return buf, io.EOF
			}
			s.start += int64(len(buf))
			return buf, nil
		}
		if cut := lastBoundary(buf); cut > 0 {
			s.carry = append(s.carry[:0], buf[cut:]...)
			s.start += int64(cut)
			return buf[:cut], nil
		}
	}
}

// lastBoundary returns the index just after the last newline of b that is
// outside quotes, b starting outside quotes; 0 when there is none.
func lastBoundary(b []byte) int {
	if bytes.IndexByte(b, '"') < 0 {
		return bytes.LastIndexByte(b, '\n') + 1
	}
	cut, quoted := 0, false
	for pos := 0; pos <= len(b); {
		end := len(b)
		q := bytes.IndexByte(b[pos:], '"')
		if q >= 0 {
			end = pos + q
		}
		if !quoted {
			if nl := bytes.LastIndexByte(b[pos:end], '\n'); nl >= 0 {
				cut = pos + nl + 1
			}
		}
		if q < 0 {
			break
		}
		quoted, pos = !quoted, end+1
	}
	return cut
}

// firstBoundary returns the length of the header: the first record that
// encoding/csv does not skip as an empty line (with the empty lines and
// byte order mark before it), or all of b when it has no boundary.
func firstBoundary(b []byte) int {
	start := 0
	if bytes.HasPrefix(b, bom) {
		start = len(bom)
	}
	for start < len(b) {
		end := nextBoundary(b, start)
		if end < 0 {
			return len(b)
		}
		if rec := bytes.TrimRight(b[start:end], "\r\n"); len(rec) > 0 || end-start > 2 {
			return end
		}
		start = end
	}
	return len(b)
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// nextBoundary returns the index just after the first newline outside
// quotes at or after start, or -1.
func nextBoundary(b []byte, start int) int {
	quoted := false
	for i := start; i < len(b); i++ {
		switch b[i] {
		case '"':
			quoted = !quoted
		case '\n':
			if !quoted {
				return i + 1
			}
		}
	}
	return -1
}
