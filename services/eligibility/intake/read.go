package intake

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// layout is what a file kind makes of a header: its required columns and
// how to build a record from a row. The column indexes are looked up once
// per file, so building a record costs no map access.
type layout[T any] struct {
	required []string
	build    func(rec []string) (T, error)
}

// read is the loop every file kind shares: header, rows, bad-row policy.
func read[T any](r io.Reader, kind string, opts Options, bind func(header) layout[T], fn func(int64, T) error) (Summary, error) {
	rd := newReader(r, kind, opts)
	h, err := rd.header()
	if err != nil {
		return rd.sum, err
	}
	lay := bind(h)
	if err := rd.check(h, lay.required); err != nil {
		return rd.sum, err
	}
	for {
		rec, line, err := rd.next()
		if err == io.EOF {
			return rd.sum, nil
		}
		if err != nil {
			return rd.sum, err
		}
		v, err := lay.build(rec)
		if err != nil {
			if err := rd.invalid(line, err); err != nil {
				return rd.sum, err
			}
			continue
		}
		if err := fn(line, v); err != nil {
			return rd.sum, fnError(rd.file, line, err)
		}
	}
}

// reader wraps encoding/csv with the file rules and the error bookkeeping.
type reader struct {
	csv   *csv.Reader
	file  string
	skip  bool
	max   int
	width int // fields in the header; every row must have as many
	sum   Summary
}

var bom = []byte{0xEF, 0xBB, 0xBF}

func newReader(r io.Reader, kind string, opts Options) *reader {
	br := bufio.NewReaderSize(r, 256<<10)
	// The BOM goes before encoding/csv sees it: a BOM in front of a quoted
	// first header field would otherwise be a syntax error.
	if b, err := br.Peek(len(bom)); err == nil && string(b) == string(bom) {
		_, _ = br.Discard(len(bom))
	}
	c := csv.NewReader(br) // uses br as is: no second buffer
	// ReuseRecord reuses the slice only: a row's fields still share one new
	// string, so the records handed to fn stay valid after the next row.
	c.ReuseRecord = true
	c.FieldsPerRecord = -1 // the width is checked here, to name the problem our way
	rd := &reader{csv: c, file: opts.File, skip: opts.SkipBadRows, max: opts.MaxErrors}
	if rd.file == "" {
		rd.file = kind
	}
	if rd.max <= 0 {
		rd.max = DefaultMaxErrors
	}
	return rd
}

// next returns the next row that has the header's width, with the line it
// starts on, handling syntax errors and wrong widths by the bad-row policy.
// It returns io.EOF at the end.
func (rd *reader) next() ([]string, int64, error) {
	for {
		rec, err := rd.csv.Read()
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		if pe, ok := parseError(err); ok {
			rd.sum.Rows++
			re := syntaxError(rd.file, pe)
			if pe.Line != pe.StartLine {
				// An unterminated quote swallowed the lines that follow:
				// nobody can tell which rows they were, so none is skipped
				// silently; the file is rejected.
				return nil, 0, rd.reject([]RowError{re})
			}
			if err := rd.bad([]RowError{re}); err != nil {
				return nil, 0, err
			}
			continue
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read %s: %w", rd.file, err)
		}
		rd.sum.Rows++
		line, _ := rd.csv.FieldPos(0)
		if len(rec) != rd.width {
			// Too many fields is as wrong as too few (RFC 4180: every row
			// has the header's width): it usually means an unquoted comma
			// shifted the values after it into the wrong columns.
			re := RowError{File: rd.file, Line: int64(line),
				Problem: fmt.Sprintf("row has %d fields, the header has %d", len(rec), rd.width)}
			if err := rd.bad([]RowError{re}); err != nil {
				return nil, 0, err
			}
			continue
		}
		return rec, int64(line), nil
	}
}

// parseError returns err as a CSV syntax error. It is a function of its
// own so that the variable errors.As needs, which escapes, is allocated only
// when there is an error, not once per row.
func parseError(err error) (*csv.ParseError, bool) {
	if err == nil {
		return nil, false
	}
	var pe *csv.ParseError
	return pe, errors.As(err, &pe)
}

// syntaxError describes a CSV syntax error by position only: the text
// around it may be PHI.
func syntaxError(file string, pe *csv.ParseError) RowError {
	return RowError{File: file, Line: int64(pe.StartLine),
		Problem: fmt.Sprintf("bad CSV: %v (line %d, byte %d)", pe.Err, pe.Line, pe.Column)}
}

// invalid handles a row the domain refused: one RowError per violation. Any
// other error is a bug and stops the read.
func (rd *reader) invalid(line int64, err error) error {
	vs, ok := violationsOf(err)
	if !ok {
		return fmt.Errorf("%s:%d: %w", rd.file, line, err)
	}
	res := make([]RowError, len(vs))
	for i, v := range vs {
		res[i] = RowError{File: rd.file, Line: line, Column: v.Field, Problem: v.Problem}
	}
	return rd.bad(res)
}

// bad applies the bad-row policy to the problems of one row: skip and
// report, or reject the file.
func (rd *reader) bad(res []RowError) error {
	if !rd.skip {
		return rd.reject(res)
	}
	rd.sum.Skipped++
	rd.keep(res)
	return nil
}

func (rd *reader) reject(res []RowError) error {
	rd.keep(res)
	return &Rejected{First: res[0]}
}

func (rd *reader) keep(res []RowError) {
	if room := rd.max - len(rd.sum.Errors); room > 0 {
		rd.sum.Errors = append(rd.sum.Errors, res[:min(room, len(res))]...)
	}
}
