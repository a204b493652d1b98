// Package intake reads the CSV files of ../shared/formats.md (members.csv,
// rx_claims.csv, diagnoses.csv) and inpatient_stays.csv (services/README.md)
// as streams and turns each row into a domain record through the domain
// constructors. The domain owns the field rules; intake owns the file
// rules: the header, RFC 4180 syntax, Y/N booleans, and the naming of every
// problem by file, line and column.
//
// Readers stream: a row is handed to the caller's function as soon as it is
// read, and memory does not grow with the file, because the batch command
// reads tens of millions of claim rows and the service imports uploads of
// any size.
package intake

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// DefaultMaxErrors is how many row errors a Summary keeps when
// Options.MaxErrors is zero or less.
const DefaultMaxErrors = 1000

// Options says how to read one file.
type Options struct {
	// File is the name used in errors; blank means the usual name of the
	// file kind (members.csv, rx_claims.csv, diagnoses.csv,
	// inpatient_stays.csv).
	File string
	// SkipBadRows skips rows with problems, reporting them in the Summary,
	// instead of rejecting the whole file at the first one.
	SkipBadRows bool
	// MaxErrors caps Summary.Errors (the count of skipped rows is not
	// capped); zero or less means DefaultMaxErrors.
	MaxErrors int
}

// Summary counts what a reader saw.
type Summary struct {
	// Rows is the number of data rows read (the header excluded), good and
	// bad; Rows - Skipped rows were handed to the caller.
	Rows int64
	// Skipped is the number of bad rows skipped under SkipBadRows.
	Skipped int64
	// Errors holds the problems found, in file order, up to MaxErrors. A
	// bad row may have several. When the file is rejected it holds every
	// problem of the row that rejected it.
	Errors []RowError
}

// RowError is one problem of a file. It never holds the offending value,
// which may be PHI (a name, a birth date).
type RowError struct {
	File string
	// Line is the 1-based physical line where the record starts (a quoted
	// field may span lines); the header is line 1.
	Line int64
	// Column is the column name; blank when the problem is the whole row
	// (wrong number of fields, bad CSV syntax).
	Column  string
	Problem string
}

// Error formats "file:line: column: problem", or "file:line: problem"
// without a column.
func (e *RowError) Error() string {
	return e.Where(": ") + ": " + e.Problem
}

// Where formats the position: file and line joined by ":", then the column,
// when there is one, after sep ("m.csv:3: ltc" for text, "m.csv:3:ltc" as a
// field path).
func (e *RowError) Where(sep string) string {
	s := e.File + ":" + strconv.FormatInt(e.Line, 10)
	if e.Column != "" {
		s += sep + e.Column
	}
	return s
}

// Rejected is the error of a file rejected whole: a header problem, a CSV
// syntax error that leaves the following rows unknowable, or, without
// SkipBadRows, the first bad row. The caller must store nothing of the file.
//
// errors.As finds the *RowError in it, and errs.KindOf reports
// errs.KindInvalid, so the transport turns it into InvalidArgument with the
// position as the violation's field.
type Rejected struct {
	First RowError
}

// Error returns the first problem.
func (r *Rejected) Error() string { return "file rejected: " + r.First.Error() }

// Unwrap gives errors.As the row error and the errs.Invalid form.
func (r *Rejected) Unwrap() []error { return []error{&r.First, r.Invalid()} }

// Invalid returns the rejection as an errs.Invalid whose one violation has
// the field "file:line:column" (or "file:line").
func (r *Rejected) Invalid() *errs.Error {
	return errs.Invalid(errs.Field(r.First.Where(":"), r.First.Problem))
}

// AsInvalid turns a *Rejected anywhere in err's chain into its errs.Invalid
// form, for a transport that wants the client-safe error alone; other
// errors are returned unchanged.
func AsInvalid(err error) error {
	var r *Rejected
	if errors.As(err, &r) {
		return r.Invalid()
	}
	return err
}

// violationsOf returns the field violations of a domain validation error,
// and false for any other error (a bug, not a bad row).
func violationsOf(err error) ([]errs.FieldViolation, bool) {
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.KindInvalid || len(e.Violations) == 0 {
		return nil, false
	}
	return e.Violations, true
}

// fnError wraps an error of the caller's function with the row it stopped at.
func fnError(file string, line int64, err error) error {
	return fmt.Errorf("%s:%d: %w", file, line, err)
}
