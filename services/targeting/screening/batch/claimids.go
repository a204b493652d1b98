package batch

import (
	"fmt"
	"io"
	"os"
	"slices"

	elig "github.com/openmtm/openmtm/services/eligibility/batch"
)

// idReader reads the claim ids of rows of rx_claims.csv back by the rows'
// offsets. Findings name few of a block's claims, and a claims file sorted
// like members.csv holds a block's rows close together, so one read of a
// window of the file usually serves many rows.
type idReader struct {
	f    *os.File // shared by the workers: ReadAt is safe for concurrent use
	file string   // its name, in messages
	size int64
	ids  elig.ClaimIDs
	buf  []byte
	rows []int64
	got  []string
}

// Reads are windows of the file of up to window bytes from a wanted row,
// reaching rowBytes past the last wanted row in them: rows are about 100
// bytes, and one longer than rowBytes gets a second, larger read.
const (
	window   = 64 << 10
	rowBytes = 512
)

// name sets the claim id of each of refs from its row and returns how many
// distinct rows it read.
func (r *idReader) name(refs []claimRef) (int, error) {
	r.rows = r.rows[:0]
	for _, c := range refs {
		r.rows = append(r.rows, c.row)
	}
	slices.Sort(r.rows)
	r.rows = slices.Compact(r.rows)
	r.got = slices.Grow(r.got[:0], len(r.rows))[:len(r.rows)]
	for i := 0; i < len(r.rows); {
		start, last := r.rows[i], i
		for last+1 < len(r.rows) && r.rows[last+1]-start < window {
			last++
		}
		next, err := r.readWindow(i, last, r.rows[last]-start+rowBytes)
		if err != nil {
			return 0, err
		}
		i = next
	}
	for _, c := range refs {
		k, _ := slices.BinarySearch(r.rows, c.row)
		c.ref.ClaimID = r.got[k]
	}
	return len(r.rows), nil
}

// readWindow reads the ids of rows i to last from one read of extent bytes
// from row i, and returns the first row it could not read whole (last+1
// when it read them all). A row i longer than extent is read again with
// more.
func (r *idReader) readWindow(i, last int, extent int64) (int, error) {
	start := r.rows[i]
	for {
		end := min(start+extent, r.size)
		r.buf = slices.Grow(r.buf[:0], int(end-start))[:end-start]
		if _, err := r.f.ReadAt(r.buf, start); err != nil && err != io.EOF {
			return 0, fmt.Errorf("read back claim ids: %w", err)
		}
		next := i
		for ; next <= last; next++ {
			id, n := r.ids.Of(r.buf[r.rows[next]-start:], end == r.size)
			if n == 0 {
				break
			}
			if id == "" {
				return 0, fmt.Errorf("%s changed while it was read: no claim id where a row was", r.file)
			}
			r.got[next] = id
		}
		switch {
		case next > i:
			return next, nil
		case end == r.size:
			return 0, fmt.Errorf("%s changed while it was read: it ends inside a row", r.file)
		}
		extent *= 2
	}
}
