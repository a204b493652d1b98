package errs

import (
	"fmt"
	"strings"
)

// FieldViolation names one bad field of a request and what is wrong with it.
// Field is a dotted path such as "member.birth_date"; Problem says what a valid
// value looks like. Neither may contain the offending value, which may be PHI.
type FieldViolation struct {
	Field   string
	Problem string
}

// Field builds a FieldViolation.
func Field(field, problem string) FieldViolation {
	return FieldViolation{Field: field, Problem: problem}
}

// Invalid reports a malformed request. Its message names the bad fields so a
// client that ignores the details still learns what to fix.
func Invalid(v ...FieldViolation) *Error {
	return &Error{Kind: KindInvalid, Message: invalidMessage(v), Violations: v}
}

func invalidMessage(v []FieldViolation) string {
	switch len(v) {
	case 0:
		return "invalid argument"
	case 1:
		return fmt.Sprintf("invalid argument: %s: %s", v[0].Field, v[0].Problem)
	}
	fields := make([]string, len(v))
	for i, fv := range v {
		fields[i] = fv.Field
	}
	return fmt.Sprintf("invalid argument: %d fields: %s", len(v), strings.Join(fields, ", "))
}

// Violations collects the problems of a request so a validator can report all
// of them at once instead of making the client fix one field per round trip:
//
//	var v errs.Violations
//	v.Add("member.birth_date", "must be YYYY-MM-DD")
//	if err := v.Err(); err != nil { ... }
//
// The zero value is ready to use.
type Violations []FieldViolation

// Add records a problem with field.
func (v *Violations) Add(field, problem string) {
	*v = append(*v, Field(field, problem))
}

// Addf records a problem with field, formatted like fmt.Sprintf.
func (v *Violations) Addf(field, format string, args ...any) {
	v.Add(field, fmt.Sprintf(format, args...))
}

// Len reports how many problems were recorded.
func (v Violations) Len() int { return len(v) }

// Err returns nil when nothing was recorded, otherwise an Invalid *Error
// holding every violation. It returns a plain nil (not a typed nil *Error) so
// that `err != nil` checks work.
func (v Violations) Err() error {
	if len(v) == 0 {
		return nil
	}
	return Invalid(append([]FieldViolation(nil), v...)...)
}
