// Package pbconv converts the shared proto types (openmtm.type.v1) to and
// from the platform's Go types, validating what callers send.
package pbconv

import (
	"fmt"

	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// Date converts a civil date to its proto form.
func Date(d civil.Date) *typev1.Date {
	y, m, day := d.YMD()
	return &typev1.Date{Year: int32(y), Month: int32(m), Day: int32(day)}
}

// OptionalDate is Date for a date that may be unset (nil).
func OptionalDate(d *civil.Date) *typev1.Date {
	if d == nil {
		return nil
	}
	return Date(*d)
}

// DateText returns the proto date as YYYY-MM-DD, "" when unset, or an
// invalid text that civil.Parse will reject with a clear message, so that
// validation of dates happens in one place (the domain).
func DateText(d *typev1.Date) string {
	if d == nil || (d.Year == 0 && d.Month == 0 && d.Day == 0) {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// ParseOptionalDate validates an optional proto date a caller sent, naming
// field when it is not a calendar date; def when unset.
func ParseOptionalDate(field string, p *typev1.Date, def civil.Date) (civil.Date, error) {
	text := DateText(p)
	if text == "" {
		return def, nil
	}
	d, err := civil.Parse(text)
	if err != nil {
		return 0, errs.Invalid(errs.Field(field, err.Error()))
	}
	return d, nil
}

// Cents builds a Money in USD.
func Cents(c int64) *typev1.Money {
	return &typev1.Money{Cents: c, CurrencyCode: "USD"}
}
