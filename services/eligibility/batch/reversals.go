package batch

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"hash/maphash"
	"math/bits"
	"strings"
	"sync"
)

// reversals is the set of claim ids that have a reversal row somewhere in
// rx_claims.csv, as 64-bit hashes: 8 bytes and a map slot per reversal,
// however many paid claims the file holds. A paid claim whose id is in the
// set counts nowhere. Two different ids share a hash with probability
// 2^-64 per pair: for 40 million claims and a million reversals, about one
// run in 400,000 would drop one paid claim it should have counted.
//
// Every paid claim is looked up, and the map is too large to stay in the
// processor's caches while a file streams through them: a lookup cost a
// main-memory access (a quarter of the claims pass on the 1M-member
// benchmark). A Bloom filter of 8 to 16 bits per reversal (1 MB for 770,000)
// answers "not reversed" for all but 1-2% of the others from the cache;
// only the rest go to the map.
type reversals struct {
	seed  maphash.Seed
	set   map[uint64]struct{}
	bloom []uint64 // one 64-bit block per hash, 4 bits set in it
	shift uint     // 64 - log2(len(bloom)): the block is the hash's top bits
}

func (r *reversals) has(claimID string) bool {
	if len(r.set) == 0 {
		return false
	}
	h := maphash.String(r.seed, claimID)
	if want := bloomBits(h); r.bloom[h>>r.shift]&want != want {
		return false
	}
	_, ok := r.set[h]
	return ok
}

// seal builds the Bloom filter once the set is complete.
func (r *reversals) seal() {
	words := 1
	for words*8 < len(r.set) { // at least 64 bits per 8 reversals
		words *= 2
	}
	r.bloom = make([]uint64, words)
	r.shift = uint(64 - bits.TrailingZeros(uint(words)))
	for h := range r.set {
		r.bloom[h>>r.shift] |= bloomBits(h)
	}
}

// bloomBits picks 4 of a block's 64 bits from the hash's low 24 bits; the
// block comes from its top bits, so the two do not correlate.
func bloomBits(h uint64) uint64 {
	return 1<<(h&63) | 1<<(h>>6&63) | 1<<(h>>12&63) | 1<<(h>>18&63)
}

// scanReversals reads rx_claims.csv once, quickly, for its reversal rows:
// it splits records itself instead of building claims, looking only at the
// claim_id and status columns. A file without a status column has no
// reversals and is not read past its header. A file that is not valid CSV
// may give a partial set: the full read that follows rejects it anyway.
//
// Ids and statuses are read as domain.NewClaim reads them: trimmed, and the
// status compared without regard to case.
func scanReversals(ctx context.Context, in input, sp splitting, prog *progress) (*reversals, error) {
	rev := &reversals{seed: maphash.MakeSeed(), set: map[uint64]struct{}{}}
	f, err := in.open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		mu    sync.Mutex
		cols  columns
		ready bool
	)
	err = eachChunk(ctx, f, sp, &prog.bytes, func(c *chunk) error {
		mu.Lock()
		if !ready {
			cols, ready = columnsOf(c.header), true
		}
		mu.Unlock()
		if cols.status < 0 || cols.id < 0 {
			return errNoStatus // nothing to find: stop reading
		}
		var (
			found []uint64
			rows  int64
		)
		if bytes.IndexByte(c.data, '"') < 0 {
			found, rows = cols.scanPlain(c.data, rev.seed)
		} else {
			found, rows = cols.scanQuoted(c.data, rev.seed)
		}
		prog.rows.Add(rows)
		mu.Lock()
		for _, h := range found {
			rev.set[h] = struct{}{}
		}
		mu.Unlock()
		return nil
	})
	if errors.Is(err, errNoStatus) {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	rev.seal()
	return rev, nil
}

// errNoStatus stops scanReversals early; it never leaves this file.
var errNoStatus = errors.New("no status column")

// columns are the indexes of claim_id and status in the header, -1 when
// missing, and the header's width.
type columns struct{ id, status, width int }

// columnsOf reads the header as intake does: names trimmed and lower-cased,
// the first of a repeated name (intake rejects repeats anyway).
func columnsOf(header []byte) columns {
	c := columns{id: -1, status: -1}
	rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(header, bom)))
	rd.FieldsPerRecord = -1
	rec, err := rd.Read()
	if err != nil {
		return c
	}
	c.width = len(rec)
	for i, name := range rec {
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "claim_id":
			c.id = cmpFirst(c.id, i)
		case "status":
			c.status = cmpFirst(c.status, i)
		}
	}
	return c
}

func cmpFirst(have, i int) int {
	if have >= 0 {
		return have
	}
	return i
}

// scanPlain finds the reversal rows of records without quotes, where every
// comma separates fields and every newline ends a record.
func (c columns) scanPlain(data []byte, seed maphash.Seed) (found []uint64, rows int64) {
	last := c.status == c.width-1
	for ; len(data) > 0; rows++ {
		line := data
		if nl := bytes.IndexByte(data, '\n'); nl >= 0 {
			line, data = data[:nl], data[nl+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		var status []byte
		if last { // the usual layout: status is the last column
			status = line[bytes.LastIndexByte(line, ',')+1:]
		} else {
			status = nthField(line, c.status)
		}
		if !isReversed(status) {
			continue
		}
		found = append(found, maphash.Bytes(seed, bytes.TrimSpace(nthField(line, c.id))))
	}
	return found, rows
}

// scanQuoted finds the reversal rows of records that may be quoted.
func (c columns) scanQuoted(data []byte, seed maphash.Seed) (found []uint64, rows int64) {
	rd := csv.NewReader(bytes.NewReader(data))
	rd.FieldsPerRecord, rd.ReuseRecord = -1, true
	for ; ; rows++ {
		rec, err := rd.Read()
		if err != nil {
			return found, rows // io.EOF, or a syntax error the full read reports
		}
		if len(rec) == c.width && isReversed([]byte(rec[c.status])) {
			found = append(found, maphash.String(seed, strings.TrimSpace(rec[c.id])))
		}
	}
}

// nthField returns field n of an unquoted record, or nil when it has fewer.
func nthField(line []byte, n int) []byte {
	for ; n > 0; n-- {
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			return nil
		}
		line = line[i+1:]
	}
	if i := bytes.IndexByte(line, ','); i >= 0 {
		return line[:i]
	}
	return line
}

// isReversed reports whether a status cell says "reversed", trimmed and in
// any case, as domain.NewClaim decides (no other character lower-cases to
// one of those letters, so an ASCII comparison is the same test).
func isReversed(status []byte) bool {
	s := bytes.TrimSpace(status)
	if len(s) != len("reversed") {
		return false
	}
	for i := range s {
		if s[i]|0x20 != "reversed"[i] {
			return false
		}
	}
	return true
}
