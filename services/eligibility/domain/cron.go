package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cron is a parsed five-field cron expression ("minute hour day-of-month
// month day-of-week", as in crontab(5)), read in UTC: "0 2 1 */3 *" fires
// at 02:00 on the first day of every third month. Fields take numbers,
// ranges ("1-5"), steps ("*/15", "1-31/2"), lists ("1,15") and, for months
// and weekdays, English three-letter names ("JAN", "MON"); weekday 0 and 7
// are Sunday. As in Vixie cron, when both day fields are restricted a day
// matches either; when one is "*", both must match.
//
// A small parser of our own rather than a cron library: evaluation only
// needs to parse, and to find the fire times either side of an instant.
type Cron struct {
	text                     string
	minute, hour, dom, month uint64 // bit i set: value i matches
	dow                      uint64
	domStar, dowStar         bool
}

// cronField describes one field's range and names.
type cronField struct {
	name     string
	min, max int
	names    []string // names[i] is value min+i
}

var cronFields = [5]cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	{name: "day of week", min: 0, max: 7, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

// ParseCron parses a five-field cron expression. Its errors say which field
// is wrong and why.
func ParseCron(expr string) (Cron, error) {
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return Cron{}, fmt.Errorf("want 5 fields (minute hour day-of-month month day-of-week), got %d", len(fields))
	}
	c := Cron{text: strings.Join(fields, " ")}
	sets := [5]*uint64{&c.minute, &c.hour, &c.dom, &c.month, &c.dow}
	for i, f := range fields {
		set, err := cronFields[i].parse(f)
		if err != nil {
			return Cron{}, fmt.Errorf("%s field %q: %w", cronFields[i].name, f, err)
		}
		*sets[i] = set
	}
	if c.dow&(1<<7) != 0 { // 7 is Sunday too
		c.dow = c.dow&^(1<<7) | 1
	}
	c.domStar, c.dowStar = strings.HasPrefix(fields[2], "*"), strings.HasPrefix(fields[4], "*")
	return c, nil
}

func (f cronField) parse(text string) (uint64, error) {
	var set uint64
	for item := range strings.SplitSeq(text, ",") {
		rng, stepText, hasStep := strings.Cut(item, "/")
		lo, hi := f.min, f.max
		switch {
		case rng == "*":
		case strings.Contains(rng, "-"):
			a, b, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = f.value(a); err != nil {
				return 0, err
			}
			if hi, err = f.value(b); err != nil {
				return 0, err
			}
			if lo > hi {
				return 0, fmt.Errorf("range %s starts after it ends", rng)
			}
		default:
			v, err := f.value(rng)
			if err != nil {
				return 0, err
			}
			lo, hi = v, v
			if hasStep { // "5/15" means 5-max/15
				hi = f.max
			}
		}
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("step %q is not a positive number", stepText)
			}
			step = n
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

func (f cronField) value(text string) (int, error) {
	for i, n := range f.names {
		if strings.EqualFold(text, n) {
			return f.min + i, nil
		}
	}
	v, err := strconv.Atoi(text)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	if v < f.min || v > f.max {
		return 0, fmt.Errorf("%d is out of range %d-%d", v, f.min, f.max)
	}
	return v, nil
}

// String returns the expression with single spaces; "" for the zero Cron.
func (c Cron) String() string { return c.text }

// IsZero reports whether c is the zero Cron, which never fires.
func (c Cron) IsZero() bool { return c.text == "" }

// searchYears bounds the search for a fire time: an expression that has not
// fired in that long (Feb 30) never will.
const searchYears = 5

// Next returns the first fire time strictly after t, in UTC, or the zero
// time when c never fires.
func (c Cron) Next(t time.Time) time.Time {
	if c.IsZero() {
		return time.Time{}
	}
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	for limit := t.AddDate(searchYears, 0, 0); t.Before(limit); {
		y, m, d := t.Date()
		switch {
		case c.month&(1<<uint(m)) == 0:
			t = time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
		case !c.dayMatches(t):
			t = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
		case c.hour&(1<<uint(t.Hour())) == 0:
			t = t.Truncate(time.Hour).Add(time.Hour)
		case c.minute&(1<<uint(t.Minute())) == 0:
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}

// Prev returns the last fire time at or before t, in UTC, or the zero time
// when c has not fired in the years before t.
func (c Cron) Prev(t time.Time) time.Time {
	if c.IsZero() {
		return time.Time{}
	}
	t = t.UTC().Truncate(time.Minute)
	for limit := t.AddDate(-searchYears, 0, 0); !t.Before(limit); {
		y, m, d := t.Date()
		switch {
		case c.month&(1<<uint(m)) == 0:
			t = time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Add(-time.Minute)
		case !c.dayMatches(t):
			t = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Add(-time.Minute)
		case c.hour&(1<<uint(t.Hour())) == 0:
			t = t.Truncate(time.Hour).Add(-time.Minute)
		case c.minute&(1<<uint(t.Minute())) == 0:
			t = t.Add(-time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}

// LongestGapDays returns the longest run of days, over the years
// following day from, between two days on which c fires (counting from from
// to the first of them): how far apart its runs can fall. Hours and minutes
// are ignored, since every day that matches fires at least once.
func (c Cron) LongestGapDays(from time.Time, years int) int {
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	end := day.AddDate(years, 0, 0)
	longest, last := 0, day
	for ; day.Before(end); day = day.AddDate(0, 0, 1) {
		if c.month&(1<<uint(day.Month())) == 0 || !c.dayMatches(day) {
			continue
		}
		longest = max(longest, int(day.Sub(last).Hours()/24))
		last = day
	}
	return max(longest, int(end.Sub(last).Hours()/24))
}

func (c Cron) dayMatches(t time.Time) bool {
	dom := c.dom&(1<<uint(t.Day())) != 0
	dow := c.dow&(1<<uint(t.Weekday())) != 0
	if c.domStar || c.dowStar {
		return dom && dow
	}
	return dom || dow
}
