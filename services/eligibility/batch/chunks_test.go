package batch

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in          string
		first, last int
	}{
		{"", 0, 0},
		{"a,b", 3, 0},
		{"a,b\n", 4, 4},
		{"a,b\nc,d\ne", 4, 8},
		{"a,\"b\nc\"\nd\n", 8, 10},        // a quoted newline is no boundary
		{"a,\"b\"\"\nc\"\nd", 10, 10},     // nor after an escaped quote
		{"a,\"b\n", 5, 0},                 // unterminated: no boundary at all
		{"\n\r\na,b\nc\n", 7, 9},          // empty lines before the header belong to it
		{"\xEF\xBB\xBF\na,b\nc\n", 8, 10}, // and so does a byte order mark
		{"\r\r\na\n", 3, 5},               // "\r" is a field, not an empty line
	}
	for _, tt := range tests {
		if got := firstBoundary([]byte(tt.in)); got != tt.first {
			t.Errorf("firstBoundary(%q) = %d, want %d", tt.in, got, tt.first)
		}
		if got := lastBoundary([]byte(tt.in)); got != tt.last {
			t.Errorf("lastBoundary(%q) = %d, want %d", tt.in, got, tt.last)
		}
	}
}

// TestEachChunk cuts a file with quoted commas, newlines and quotes into
// chunks of every small size and checks that the chunks hold every record
// once, whole: parsed one by one they give the file's records.
func TestEachChunk(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("id,note\r\n")
	for i := range 200 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "%d,plain\n", i)
		case 1:
			fmt.Fprintf(&b, "%d,\"a, b\"\r\n", i)
		case 2:
			fmt.Fprintf(&b, "%d,\"line\none \"\"quoted\"\"\n\"\n", i)
		case 3:
			fmt.Fprintf(&b, "%d,\n\n", i) // and an empty line
		}
	}
	file := b.String()
	var want []string
	for _, rec := range records(t, file)[1:] {
		want = append(want, strings.Join(rec, "|"))
	}
	for _, size := range []int{1, 2, 7, 64, 1 << 20} {
		for _, workers := range []int{1, 3} {
			var (
				mu     sync.Mutex
				got    [][]string // the records of each chunk, fields joined by "|"
				seqs   []int
				header string
			)
			err := eachChunk(context.Background(), strings.NewReader(file), splitting{workers, size}, nil, func(c *chunk) error {
				var rd bytes.Buffer
				_, _ = rd.ReadFrom(c.reader())
				recs := records(t, rd.String())
				mu.Lock()
				defer mu.Unlock()
				header = string(c.header)
				seqs = append(seqs, c.seq)
				for len(got) < c.seq+1 {
					got = append(got, nil)
				}
				for _, rec := range recs[1:] { // the header is in every chunk
					got[c.seq] = append(got[c.seq], strings.Join(rec, "|"))
				}
				return nil
			})
			if err != nil {
				t.Fatalf("size %d: %v", size, err)
			}
			if header != "id,note\r\n" {
				t.Errorf("size %d: header %q", size, header)
			}
			slices.Sort(seqs)
			for i, s := range seqs {
				if i != s {
					t.Fatalf("size %d: chunks %v, want 0..%d once each", size, seqs, len(seqs)-1)
				}
			}
			if diff := cmp.Diff(want, slices.Concat(got...)); diff != "" {
				t.Errorf("size %d, %d workers: fields (-want +got):\n%s", size, workers, diff)
			}
		}
	}
}

func records(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return recs
}

func TestEachChunkEmptyFile(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"", "id,note\n"} {
		var calls int
		err := eachChunk(context.Background(), strings.NewReader(file), splitting{1, 64}, nil, func(c *chunk) error {
			calls++
			if string(c.header) != file || len(c.data) != 0 {
				t.Errorf("%q: chunk %q + %q", file, c.header, c.data)
			}
			return nil
		})
		if err != nil || calls != 1 {
			t.Errorf("%q: %d calls, %v; want one chunk with the header", file, calls, err)
		}
	}
}

func TestEachChunkStopsAtError(t *testing.T) {
	t.Parallel()
	file := "h\n" + strings.Repeat("row\n", 1000)
	boom := fmt.Errorf("boom")
	err := eachChunk(context.Background(), strings.NewReader(file), splitting{2, 16}, nil, func(c *chunk) error {
		if c.seq == 3 {
			return boom
		}
		return nil
	})
	if err != boom {
		t.Errorf("eachChunk = %v, want the function's error", err)
	}
}
