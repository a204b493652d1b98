package reference

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseError is a bad value in a reference file. Line and Column (1-based)
// are where the value starts in the file; Column is 0 when only the line is
// known (YAML syntax errors, where Line is the one the YAML parser names).
// Field is the CSV column or YAML key path, "" for a whole line. Loaders
// that know the file name wrap it ("drugs.csv: line 3, ...").
type ParseError struct {
	Line    int
	Column  int
	Field   string
	Problem string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d", e.Line)
	if e.Column > 0 {
		fmt.Fprintf(&b, ", column %d", e.Column)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (%s)", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	return b.String()
}

// table reads a reference CSV file: lines starting with '#' are comments, the
// first other line is a header of column names in any order (unknown columns
// are ignored, as in formats.md), then one record per line.
type table struct {
	r    *csv.Reader
	cols map[string]int // column name → field index
	rec  []string
}

// newTable reads the header of r and checks that every required column is
// there.
func newTable(r io.Reader, required ...string) (*table, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.ReuseRecord = true
	t := &table{r: cr, cols: map[string]int{}}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{Line: 1, Problem: "no header row (expected columns " + strings.Join(required, ", ") + ")"}
	}
	if err != nil {
		return nil, csvError(err)
	}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff") // spreadsheet exports start with a BOM
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if _, dup := t.cols[name]; dup && name != "" {
			line, col := cr.FieldPos(i)
			return nil, &ParseError{Line: line, Column: col, Field: name, Problem: "column appears twice in the header"}
		}
		t.cols[name] = i
	}
	for _, name := range required {
		if _, ok := t.cols[name]; !ok {
			line, _ := cr.FieldPos(0)
			return nil, &ParseError{Line: line, Column: 1, Field: name, Problem: "required column is missing from the header"}
		}
	}
	return t, nil
}

// next reads the next record; it returns false at the end of the file.
func (t *table) next() (bool, error) {
	rec, err := t.r.Read()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, csvError(err)
	}
	t.rec = rec
	return true, nil
}

// get returns the trimmed value of column name in the current record, ""
// for a column the header does not have.
func (t *table) get(name string) string {
	i, ok := t.cols[name]
	if !ok {
		return ""
	}
	return strings.TrimSpace(t.rec[i])
}

// line is the line the current record starts on.
func (t *table) line() int {
	line, _ := t.r.FieldPos(0)
	return line
}

// errorf is a problem with column name of the current record.
func (t *table) errorf(name, format string, args ...any) *ParseError {
	e := &ParseError{Field: name, Problem: fmt.Sprintf(format, args...)}
	if i, ok := t.cols[name]; ok {
		e.Line, e.Column = t.r.FieldPos(i)
	} else {
		e.Line = t.line()
	}
	return e
}

// yesNo reads a formats.md boolean: Y or N, blank meaning N.
func (t *table) yesNo(name string) (bool, error) {
	switch t.get(name) {
	case "Y":
		return true, nil
	case "N", "":
		return false, nil
	}
	return false, t.errorf(name, "must be Y or N")
}

// csvError turns a CSV syntax error (bad quoting, wrong field count) into a
// *ParseError at the same place.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Line: pe.Line, Column: pe.Column, Problem: pe.Err.Error()}
	}
	return fmt.Errorf("read csv: %w", err)
}
