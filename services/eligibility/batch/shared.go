package batch

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"runtime"
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// This file lends the run's reading machinery to the other offline
// commands over the same files (`openmtm adherence`, `openmtm screen`), so
// that they cut, parse, report progress and name bad rows exactly as this
// one does: the chunked parallel reading, the compact member table, the
// reversal scan. Everything here wraps the unexported code that Run uses;
// nothing is copied. arena.go, blocks.go, rows.go and parseonly.go hold
// the other pieces they share.

// Splitting says how files are cut and read: Workers goroutines (0:
// GOMAXPROCS), chunks of about ChunkBytes (0: 2 MiB).
type Splitting struct {
	Workers, ChunkBytes int
}

func (s Splitting) internal() splitting {
	return splitting{workers: cmp.Or(s.Workers, runtime.GOMAXPROCS(0)), size: cmp.Or(s.ChunkBytes, defaultChunkBytes)}
}

// File is one CSV input of a run, checked to exist.
type File struct{ in input }

// CheckFile checks the input file at path, adding a violation of field
// when it is missing (required), a folder, or not a regular file (regular:
// a file read twice, like rx_claims.csv). A blank, optional path gives a
// File whose Name is "".
func CheckFile(v *errs.Violations, field, path string, required, regular bool) File {
	return File{in: stat(v, field, path, required, regular)}
}

// Name is the path as given, used in messages; "" when not given.
func (f File) Name() string { return f.in.name }

// Size is the file's size in bytes.
func (f File) Size() int64 { return f.in.size }

// Each cuts the file into chunks of whole records and calls fn for each,
// on several goroutines and in no particular order, with the chunk as a
// CSV file of its own (the header, then the records) and its sequence
// number in file order. When fn fails on bad content (an *intake.Rejected),
// the file is read again in one piece with whole, whose error names the
// first problem in file order with its true line, as the service's import
// would; whole may be nil for readers that never reject.
func (f File) Each(ctx context.Context, sp Splitting, prog *Progress, fn func(seq int, r io.Reader) error, whole func(io.Reader) error) error {
	return f.EachChunk(ctx, sp, prog, func(c Chunk) error { return fn(c.Seq(), c.Reader()) }, whole)
}

// EachChunk is Each for readers that also want to know where in the file
// a chunk's rows are.
func (f File) EachChunk(ctx context.Context, sp Splitting, prog *Progress, fn func(Chunk) error, whole func(io.Reader) error) error {
	r, err := f.in.open()
	if err != nil {
		return err
	}
	defer r.Close()
	err = eachChunk(ctx, r, sp.internal(), &prog.p.bytes, func(c *chunk) error { return fn(Chunk{c: c}) })
	if err != nil && whole != nil {
		return f.in.firstProblem(ctx, err, whole)
	}
	return err
}

// Chunk is one piece of a file as EachChunk cuts it; valid until the
// function it was given to returns.
type Chunk struct{ c *chunk }

// Seq is the chunk's number, 0, 1, 2, ... in file order.
func (c Chunk) Seq() int { return c.c.seq }

// Reader returns the chunk as a CSV file: the header, then the records.
func (c Chunk) Reader() io.Reader { return c.c.reader() }

// Header is the file's header record (with the byte order mark and empty
// lines before it, if any), shared by every chunk; read-only.
func (c Chunk) Header() []byte { return c.c.header }

// Offsets turns the lines a reader of Reader() reports for its rows into
// the rows' byte offsets in the file.
func (c Chunk) Offsets() *LineOffsets {
	return &LineOffsets{data: c.c.data, base: c.c.offset, line: int64(bytes.Count(c.c.header, newline)) + 1}
}

// Progress writes a run's progress to standard error: a line per interval
// during a phase and one when it ends, each starting with the command's
// name.
type Progress struct{ p *progress }

// NewProgress writes lines for command to w every interval (0: 2 seconds,
// negative: only the phase summaries). Close it when the run ends.
func NewProgress(w io.Writer, command string, interval time.Duration) *Progress {
	if interval == 0 {
		interval = 2 * time.Second
	}
	p := newProgress(w, interval)
	p.name = command
	return &Progress{p: p}
}

// Begin starts a phase that reads size bytes (0: unknown).
func (p *Progress) Begin(phase string, size int64) { p.p.begin(phase, size) }

// End closes the phase with its row count, rate and a note.
func (p *Progress) End(note string) { p.p.end(note) }

// AddRows counts rows handled in the current phase.
func (p *Progress) AddRows(n int64) { p.p.rows.Add(n) }

// Say writes one line.
func (p *Progress) Say(format string, args ...any) { p.p.say(format, args...) }

// Close stops the periodic lines.
func (p *Progress) Close() { p.p.close() }

// Group writes n with thousands separators: 39,751,111.
func Group(n int64) string { return group(n) }

// Members is every member of a members.csv in input order, in about 24
// bytes each plus the id: what a run needs of a member, no names or other
// PHI.
type Members struct{ pop *population }

// MemberFacts are the columns a batch reads of a member.
type MemberFacts struct {
	BirthDate, CoverageStart civil.Date
	// CoverageEnd is the last covered day when CoverageEnded is set.
	CoverageEnd             civil.Date
	CoverageEnded           bool
	LTC, DMPAtRisk, Hospice bool
}

// LoadMembers reads members.csv as Run does: in chunks on several
// goroutines, each row through the service's validation (today bounds
// birth dates), a repeated member_id refused naming both lines.
func LoadMembers(ctx context.Context, f File, today civil.Date, sp Splitting, prog *Progress) (*Members, error) {
	pop, err := loadMembers(ctx, f.in, today, sp.internal(), prog.p)
	if err != nil {
		return nil, err
	}
	return &Members{pop: pop}, nil
}

// Len is the number of members.
func (m *Members) Len() int { return len(m.pop.members) }

// ID returns the id of member i (0 ≤ i < Len, in file order).
func (m *Members) ID(i int32) string { return m.pop.id(i) }

// Facts returns what the batch keeps of member i.
func (m *Members) Facts(i int32) MemberFacts {
	r := &m.pop.members[i]
	return MemberFacts{BirthDate: r.birth, CoverageStart: r.start, CoverageEnd: r.end, CoverageEnded: r.ended,
		LTC: r.ltc, DMPAtRisk: r.dmp, Hospice: r.hospice}
}

// Finder looks members up by id for one goroutine, fastest when the ids
// come in members.csv order, as claims files usually do.
type Finder struct {
	pop  *population
	look lookup
}

// Finder returns a new finder; use one per goroutine.
func (m *Members) Finder() *Finder { return &Finder{pop: m.pop} }

// Find returns the position of the member with id.
func (f *Finder) Find(id string) (int32, bool) { return f.look.find(f.pop, id) }

// LoadMembersAndReversals runs the two phases every batch over
// members.csv and rx_claims.csv starts with, each reported on prog: the
// member table (LoadMembers), then the reversal scan (ScanReversals).
func LoadMembersAndReversals(ctx context.Context, members, claims File, today civil.Date, sp Splitting, prog *Progress) (*Members, *Reversals, error) {
	prog.Begin("members", members.Size())
	m, err := LoadMembers(ctx, members, today, sp, prog)
	if err != nil {
		return nil, nil, err
	}
	prog.End("")
	prog.Begin("reversals", claims.Size())
	rev, err := ScanReversals(ctx, claims, sp, prog)
	if err != nil {
		return nil, nil, err
	}
	prog.End(Group(int64(rev.Len())) + " reversed claim ids")
	return m, rev, nil
}

// Reversals are the claim ids with a reversal row in rx_claims.csv.
type Reversals struct{ rev *reversals }

// ScanReversals reads rx_claims.csv quickly for its reversal rows, as Run
// does before it reads claims, so that a paid claim can be dropped when a
// reversal anywhere in the file cancels it.
func ScanReversals(ctx context.Context, f File, sp Splitting, prog *Progress) (*Reversals, error) {
	rev, err := scanReversals(ctx, f.in, sp.internal(), prog.p)
	if err != nil {
		return nil, err
	}
	return &Reversals{rev: rev}, nil
}

// Has reports whether a reversal cancels the paid claim claimID.
func (r *Reversals) Has(claimID string) bool { return r.rev.has(claimID) }

// Len is the number of reversed claim ids.
func (r *Reversals) Len() int { return len(r.rev.set) }
