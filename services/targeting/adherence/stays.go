package adherence

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/intake"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// StaysFile is the name of the optional inpatient stays file
// (services/README.md documents it beside formats.md's files).
const StaysFile = "inpatient_stays.csv"

// MemberStay is a row of inpatient_stays.csv.
type MemberStay struct {
	MemberID string
	Stay
}

var staysRequired = []string{"member_id", "admit_date", "discharge_date"}

// ReadStays reads inpatient_stays.csv from r (member_id, admit_date,
// discharge_date; columns in any order, unknown ones ignored, formats.md's
// CSV rules) and calls fn with every good row in file order. Problems are
// reported as intake reports them for the other files, by file, line and
// column, never with the value: an *intake.Rejected for a file rejected
// whole, and under opts.SkipBadRows the skipped rows' problems in the
// summary. An error of fn stops the read and is returned with the line.
func ReadStays(r io.Reader, opts intake.Options, fn func(line int64, s MemberStay) error) (intake.Summary, error) {
	rd := stayReader{file: opts.File, opts: opts}
	if rd.file == "" {
		rd.file = StaysFile
	}
	if rd.opts.MaxErrors <= 0 {
		rd.opts.MaxErrors = intake.DefaultMaxErrors
	}
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\xEF\xBB\xBF" {
		_, _ = br.Discard(3)
	}
	c := csv.NewReader(br)
	c.FieldsPerRecord, c.ReuseRecord = -1, true
	cols, width, err := rd.header(c)
	if err != nil {
		return rd.sum, err
	}
	for {
		rec, err := c.Read()
		if err == io.EOF {
			return rd.sum, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rd.sum.Rows++
			re := intake.RowError{File: rd.file, Line: int64(pe.StartLine),
				Problem: fmt.Sprintf("bad CSV: %v (line %d, byte %d)", pe.Err, pe.Line, pe.Column)}
			if pe.Line != pe.StartLine || !opts.SkipBadRows {
				return rd.sum, rd.reject(re)
			}
			rd.skip(re)
			continue
		}
		if err != nil {
			return rd.sum, fmt.Errorf("read %s: %w", rd.file, err)
		}
		rd.sum.Rows++
		ln, _ := c.FieldPos(0)
		line := int64(ln)
		if len(rec) != width {
			if err := rd.bad(intake.RowError{File: rd.file, Line: line,
				Problem: fmt.Sprintf("row has %d fields, the header has %d", len(rec), width)}); err != nil {
				return rd.sum, err
			}
			continue
		}
		s, problems := rd.build(rec, cols, line)
		if len(problems) > 0 {
			if err := rd.bad(problems...); err != nil {
				return rd.sum, err
			}
			continue
		}
		if err := fn(line, s); err != nil {
			return rd.sum, fmt.Errorf("%s:%d: %w", rd.file, line, err)
		}
	}
}

// stayReader holds the bookkeeping of one read.
type stayReader struct {
	file string
	opts intake.Options
	sum  intake.Summary
}

// header reads the header row and returns the index of each required
// column (in staysRequired order) and the header's width.
func (rd *stayReader) header(c *csv.Reader) ([3]int, int, error) {
	var cols [3]int
	rec, err := c.Read()
	if err == io.EOF {
		return cols, 0, rd.reject(intake.RowError{File: rd.file, Line: 1, Problem: "the file is empty: a header row is required"})
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return cols, 0, rd.reject(intake.RowError{File: rd.file, Line: int64(pe.StartLine), Problem: fmt.Sprintf("bad CSV: %v", pe.Err)})
	}
	if err != nil {
		return cols, 0, fmt.Errorf("read %s: %w", rd.file, err)
	}
	ln, _ := c.FieldPos(0)
	line := int64(ln)
	index := map[string]int{}
	var dups []string
	for i, name := range rec {
		name = strings.ToLower(strings.TrimSpace(name))
		if _, dup := index[name]; dup && name != "" {
			dups = append(dups, name)
		} else if name != "" {
			index[name] = i
		}
	}
	var missing []intake.RowError
	for k, name := range staysRequired {
		i, ok := index[name]
		if !ok {
			missing = append(missing, intake.RowError{File: rd.file, Line: line, Column: name, Problem: "required column is missing"})
		}
		cols[k] = i
	}
	switch {
	case len(missing) == len(staysRequired):
		// The first row may be data: its values are not echoed as names.
		return cols, 0, rd.reject(intake.RowError{File: rd.file, Line: line,
			Problem: "no header row: the first row names none of the required columns " + strings.Join(staysRequired, ", ")})
	case len(missing) > 0:
		return cols, 0, rd.reject(missing...)
	case len(dups) > 0:
		return cols, 0, rd.reject(intake.RowError{File: rd.file, Line: line, Column: dups[0], Problem: "column appears more than once"})
	}
	return cols, len(rec), nil
}

// build checks one row: every problem of it, by column.
func (rd *stayReader) build(rec []string, cols [3]int, line int64) (MemberStay, []intake.RowError) {
	var problems []intake.RowError
	add := func(col, problem string) {
		problems = append(problems, intake.RowError{File: rd.file, Line: line, Column: col, Problem: problem})
	}
	s := MemberStay{MemberID: strings.TrimSpace(rec[cols[0]])}
	if p := checkMemberID(s.MemberID); p != "" {
		add("member_id", p)
	}
	date := func(col, v string) civil.Date {
		v = strings.TrimSpace(v)
		if v == "" {
			add(col, "is required")
			return 0
		}
		d, err := civil.Parse(v)
		if err != nil {
			add(col, err.Error()) // civil's messages never echo the value
		}
		return d
	}
	s.Admit = date("admit_date", rec[cols[1]])
	s.Discharge = date("discharge_date", rec[cols[2]])
	if len(problems) == 0 && s.Discharge < s.Admit {
		add("discharge_date", "must not be before admit_date")
	}
	return s, problems
}

// bad applies the bad-row policy to the problems of one row.
func (rd *stayReader) bad(problems ...intake.RowError) error {
	if !rd.opts.SkipBadRows {
		return rd.reject(problems...)
	}
	rd.skip(problems...)
	return nil
}

func (rd *stayReader) skip(problems ...intake.RowError) {
	rd.sum.Skipped++
	rd.keep(problems)
}

func (rd *stayReader) reject(problems ...intake.RowError) error {
	rd.keep(problems)
	return &intake.Rejected{First: problems[0]}
}

func (rd *stayReader) keep(problems []intake.RowError) {
	if room := rd.opts.MaxErrors - len(rd.sum.Errors); room > 0 {
		rd.sum.Errors = append(rd.sum.Errors, problems[:min(room, len(problems))]...)
	}
}

// checkMemberID is the eligibility service's rule for member ids (they are
// one segment of a resource name): 1-64 letters, digits, '-', '_', '.'.
func checkMemberID(id string) string {
	if id == "" {
		return "is required"
	}
	if len(id) > 64 {
		return "must be at most 64 characters"
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "may hold only letters, digits, '-', '_' and '.'"
		}
	}
	return ""
}
