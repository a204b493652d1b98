package batch

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// A batch that keeps tens of millions of claims cannot keep their ids as
// strings; it keeps each row's byte offset instead and reads back the ids
// of the few rows a result names. LineOffsets finds the offsets while a
// chunk is parsed, ClaimIDs reads an id back.

// LineOffsets maps the line on which intake says a row of a chunk starts
// to the row's byte offset in the file. Rows must be asked for in file
// order, as intake reads them: each call scans on from the last one.
type LineOffsets struct {
	data []byte
	base int64 // file offset of data[0]
	line int64 // line of the chunk's reader at data[pos]
	pos  int
}

// At returns the offset of the row that starts on line (of the chunk's
// Reader, header lines included).
func (l *LineOffsets) At(line int64) int64 {
	for ; l.line < line; l.line++ {
		nl := bytes.IndexByte(l.data[l.pos:], '\n')
		if nl < 0 {
			l.pos = len(l.data)
			break
		}
		l.pos += nl + 1
	}
	return l.base + int64(l.pos)
}

// ClaimIDs reads the claim_id of single rows of an rx_claims.csv as the
// reversal scan reads it, and as intake does: trimmed.
type ClaimIDs struct{ cols columns }

// ClaimIDsOf reads the claims file's header (Chunk.Header); ok is false
// when it has no claim_id column.
func ClaimIDsOf(header []byte) (ids ClaimIDs, ok bool) {
	c := columnsOf(header)
	return ClaimIDs{cols: c}, c.id >= 0
}

// Of returns the claim_id of the row at the start of b and the row's
// length, newline included. n is 0 when b ends before the row does, unless
// atEOF says that the file ends with b.
func (c ClaimIDs) Of(b []byte, atEOF bool) (id string, n int) {
	n = nextBoundary(b, 0)
	if n < 0 {
		if !atEOF {
			return "", 0
		}
		n = len(b)
	}
	row := bytes.TrimSuffix(bytes.TrimSuffix(b[:n], newline), []byte{'\r'})
	if bytes.IndexByte(row, '"') < 0 {
		return string(bytes.TrimSpace(nthField(row, c.cols.id))), n
	}
	rd := csv.NewReader(bytes.NewReader(row))
	rd.FieldsPerRecord = -1
	rec, err := rd.Read()
	if err != nil || c.cols.id >= len(rec) {
		return "", n // not a row intake accepted: the caller asked for the wrong offset
	}
	return strings.TrimSpace(rec[c.cols.id]), n
}
