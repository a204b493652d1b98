// Package civil holds calendar dates without a time zone: fill dates, birth
// dates, as-of dates. A Date is a day count, so windows and supply spans are
// integer arithmetic on the hot paths of eligibility and adherence.
package civil

import (
	"errors"
	"time"
)

// Date is a calendar day, counted from 1970-01-01 (day 0). The zero Date is
// 1970-01-01; use Valid to tell a set date from an unset one where it matters.
type Date int32

// ErrBadDate is returned for text that is not a YYYY-MM-DD calendar date.
var ErrBadDate = errors.New("want a date as YYYY-MM-DD")

// New returns the date year-month-day, and false when it does not exist.
func New(year, month, day int) (Date, bool) {
	if year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return 0, false // 31 April rolled over
	}
	return Date(t.Unix() / 86400), true
}

// Parse reads YYYY-MM-DD.
func Parse(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, ErrBadDate
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return 0, ErrBadDate
	}
	date, ok := New(y, m, d)
	if !ok {
		// The value is not echoed: a birth date is PHI.
		return 0, errors.New("is not a calendar date")
	}
	return date, nil
}

// MustParse is Parse for dates written in code (tests, fixtures); it
// panics on a bad one.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// Of returns the calendar date of t in t's location.
func Of(t time.Time) Date {
	d, _ := New(t.Year(), int(t.Month()), t.Day())
	return d
}

// Today is the current date in UTC.
func Today() Date { return Of(time.Now().UTC()) }

// Time is midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// YMD returns the year, month and day.
func (d Date) YMD() (year, month, day int) {
	t := d.Time()
	return t.Year(), int(t.Month()), t.Day()
}

// Year returns the year.
func (d Date) Year() int { return d.Time().Year() }

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// DaysSince returns d - e in days.
func (d Date) DaysSince(e Date) int { return int(d - e) }

// String formats YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format(time.DateOnly) }

// YearStart is 1 January of year; YearEnd is 31 December.
func YearStart(year int) Date { d, _ := New(year, 1, 1); return d }

// YearEnd is 31 December of year.
func YearEnd(year int) Date { d, _ := New(year, 12, 31); return d }

// MarshalText writes YYYY-MM-DD, so dates read well in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Age is the age in whole years on day on of someone born on birth (0 before
// birth).
func Age(birth, on Date) int {
	by, bm, bd := birth.YMD()
	y, m, d := on.YMD()
	age := y - by
	if m < bm || m == bm && d < bd {
		age--
	}
	return max(age, 0)
}
