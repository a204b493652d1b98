package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// part is what one chunk of members.csv gave: its members (their ids at
// offsets of ids), the line of each within the chunk's reader, and the
// chunk's newlines.
type part struct {
	ids      []byte
	rows     []member
	lines    []int64
	newlines int64
}

// add keeps what member needs of m.
func (p *part) add(m domain.Member, line int64) {
	r := member{idAt: uint32(len(p.ids)), idLen: uint8(len(m.MemberID)),
		birth: m.BirthDate, start: m.CoverageStart, ltc: m.LTC, dmp: m.DMPAtRisk, hospice: m.Hospice}
	if m.CoverageEnd != nil {
		r.end, r.ended = *m.CoverageEnd, true
	}
	p.ids = append(p.ids, m.MemberID...)
	p.rows, p.lines = append(p.rows, r), append(p.lines, line)
}

// loadMembers reads members.csv in chunks on several goroutines and puts
// the members in input order. A repeated member_id is refused, naming both
// lines: the batch writes one result per member and could not tell which
// row to believe.
func loadMembers(ctx context.Context, in input, today civil.Date, sp splitting, prog *progress) (*population, error) {
	f, err := in.open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		mu          sync.Mutex
		parts       = map[int]*part{}
		headerLines int64
	)
	err = eachChunk(ctx, f, sp, &prog.bytes, func(c *chunk) error {
		p := &part{newlines: int64(bytes.Count(c.data, newline))}
		sum, err := intake.Members(c.reader(), planID, today, intake.Options{File: in.name}, func(line int64, m domain.Member) error {
			p.add(m, line)
			return nil
		})
		prog.rows.Add(sum.Rows - sum.Skipped)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		parts[c.seq], headerLines = p, int64(bytes.Count(c.header, newline))
		return nil
	})
	if err != nil {
		return nil, in.firstProblem(ctx, err, func(r io.Reader) error { return readMembers(r, in.name, today) })
	}
	return merge(in.name, parts, headerLines)
}

// merge puts the parts' members in file order and indexes them, refusing
// a repeated id.
func merge(file string, parts map[int]*part, headerLines int64) (*population, error) {
	n, size := 0, 0
	for _, p := range parts {
		n, size = n+len(p.rows), size+len(p.ids)
	}
	if n >= math.MaxInt32 || size > math.MaxUint32 {
		return nil, fmt.Errorf("%s: too many members for one run: %d", file, n)
	}
	pop := &population{ids: make([]byte, 0, size), members: make([]member, 0, n), index: newIDIndex(n)}
	lines := make([]int64, 0, n) // file line of each member, to name the first of a repeated id
	first := headerLines + 1     // file line of the current chunk's first byte
	for seq := range len(parts) {
		p := parts[seq]
		base := uint32(len(pop.ids))
		pop.ids = append(pop.ids, p.ids...)
		for j, m := range p.rows {
			m.idAt += base
			i := int32(len(pop.members))
			pop.members = append(pop.members, m)
			line := first + p.lines[j] - headerLines - 1
			if other, added := pop.add(i); !added {
				return nil, repeated(file, line, lines[other])
			}
			lines = append(lines, line)
		}
		first += p.newlines
		parts[seq] = nil
	}
	return pop, nil
}

var newline = []byte{'\n'}

// readMembers reads members.csv in one piece, the slow way, for its first
// problem in file order: a bad row or a repeated member_id.
func readMembers(r io.Reader, name string, today civil.Date) error {
	seen := map[string]int64{}
	var dup error
	_, err := intake.Members(r, planID, today, intake.Options{File: name}, func(line int64, m domain.Member) error {
		if first, ok := seen[m.MemberID]; ok {
			dup = repeated(name, line, first)
			return errStop
		}
		seen[m.MemberID] = line
		return nil
	})
	if dup != nil {
		return dup
	}
	return err
}

// errStop ends a read early; it never leaves this package.
var errStop = errors.New("stop")

// repeated is the error of a member_id on two rows. It names the lines,
// never the id.
func repeated(file string, line, first int64) error {
	return &intake.Rejected{First: intake.RowError{File: file, Line: line, Column: "member_id",
		Problem: fmt.Sprintf("repeats the member_id of line %d: each member must have one row", first)}}
}
