package errs

import "errors"

// PrefixFields returns err with every field violation's path prefixed, for a
// transport that validated a nested message: the domain says "birth_date",
// the API caller sent "member.birth_date". Other errors pass through.
func PrefixFields(err error, prefix string) error {
	return MapFields(err, func(f string) string { return prefix + f })
}

// MapFields returns err with every field violation's path replaced by
// rename(path). Errors other than KindInvalid pass through unchanged.
func MapFields(err error, rename func(string) string) error {
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindInvalid {
		return err
	}
	v := make([]FieldViolation, len(e.Violations))
	for i, fv := range e.Violations {
		v[i] = Field(rename(fv.Field), fv.Problem)
	}
	out := Invalid(v...)
	out.Err = e.Err
	return out
}
