package batch

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sync"
)

// InBlocks writes the output of n items (members, in file order) to w in
// item order, computing it on several goroutines: it cuts the items into
// blocks of size, runs fn on slots blocks at a time, one goroutine each,
// and writes their outputs in order before it starts the next ones. fn
// gets its slot (0 ≤ slot < slots; one block at a time per slot, so
// scratch kept per slot needs no lock), the block's items lo to hi-1 and
// the slot's buffer, emptied, to append the output to. The first error of
// fn stops the run.
func InBlocks(ctx context.Context, w io.Writer, n, size, slots int, fn func(slot, lo, hi int, buf []byte) ([]byte, error)) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	bufs := make([][]byte, slots)
	errs := make([]error, slots)
	for start := 0; start < n; start += size * slots {
		if err := ctx.Err(); err != nil {
			return err
		}
		var wg sync.WaitGroup
		for k := range bufs {
			lo := start + k*size
			hi := min(lo+size, n)
			bufs[k] = bufs[k][:0]
			if lo >= hi {
				continue
			}
			wg.Go(func() { bufs[k], errs[k] = fn(k, lo, hi, bufs[k]) })
		}
		wg.Wait()
		for k, b := range bufs {
			if errs[k] != nil {
				return errs[k]
			}
			if _, err := bw.Write(b); err != nil {
				return fmt.Errorf("write results: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
