package screening

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// A rule's settings are named parameters bound to fields of the rule. The
// shipped rules file must give every one; a plan's Config may give any.
// Both go through the same readers, so a value a plan may not set is one
// the shipped file may not hold either. Problems are reported per field
// ("rules.refill_overdue.overdue_days"), all at once, never with the value.

// param is one setting of a rule.
type param struct {
	name string
	// set reads v into the rule, or records what is wrong under field.
	set func(v any, field string, vs *errs.Violations)
}

// maxWindowDays bounds a look-back window: two years of daily coverage fit
// a fixed bit set (see daySet).
const maxWindowDays = 730

// window is the period a rule looks at, ending on the as-of date: either a
// number of days (days 0..n-1 before the as-of date, as the eligibility
// windows in formats.md count them) or the measurement year of the as-of
// date so far (1 January through the as-of date), which the PQA measures
// use.
type window struct {
	days int
	year bool
}

// start returns the first day of the window ending on asOf; yearStart is 1
// January of asOf's year, computed once per screening.
func (w window) start(asOf, yearStart civil.Date) civil.Date {
	if w.year {
		return yearStart
	}
	return asOf.AddDays(-(w.days - 1))
}

func (w window) String() string {
	if w.year {
		return "measurement_year"
	}
	return fmt.Sprintf("%d days", w.days)
}

func intParam(name string, p *int, lo, hi int) param {
	return param{name, func(v any, field string, vs *errs.Violations) {
		n, ok := asInt(v)
		switch {
		case !ok:
			vs.Add(field, "must be a whole number")
		case n < lo || n > hi:
			vs.Addf(field, "must be from %d to %d", lo, hi)
		default:
			*p = n
		}
	}}
}

func floatParam(name string, p *float64, lo, hi float64) param {
	return param{name, func(v any, field string, vs *errs.Violations) {
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		default:
			n, ok := asInt(v)
			if !ok {
				vs.Add(field, "must be a number")
				return
			}
			f = float64(n)
		}
		if math.IsNaN(f) || f < lo || f > hi {
			vs.Addf(field, "must be from %g to %g", lo, hi)
			return
		}
		*p = f
	}}
}

func boolParam(name string, p *bool) param {
	return param{name, func(v any, field string, vs *errs.Violations) {
		b, ok := v.(bool)
		if !ok {
			vs.Add(field, "must be true or false")
			return
		}
		*p = b
	}}
}

func windowParam(name string, p *window) param {
	return param{name, func(v any, field string, vs *errs.Violations) {
		if s, ok := v.(string); ok && s == "measurement_year" {
			*p = window{year: true}
			return
		}
		n, ok := asInt(v)
		if !ok || n < 1 || n > maxWindowDays {
			vs.Addf(field, "must be a number of days from 1 to %d, or measurement_year", maxWindowDays)
			return
		}
		*p = window{days: n}
	}}
}

// stringsParam reads a list of strings; bad returns the problem with one
// item, or "". Repeats are refused.
func stringsParam(name string, p *[]string, bad func(string) string) param {
	return param{name, func(v any, field string, vs *errs.Violations) {
		items, ok := asStrings(v)
		if !ok {
			vs.Add(field, "must be a list of strings")
			return
		}
		n := vs.Len()
		for i, s := range items {
			f := fmt.Sprintf("%s[%d]", field, i)
			if prob := bad(s); prob != "" {
				vs.Add(f, prob)
			} else if slices.Index(items, s) < i {
				vs.Add(f, "appears twice")
			}
		}
		if vs.Len() == n {
			*p = items
		}
	}}
}

// icd10Prefixes reads ICD-10-CM code prefixes, upper case without the dot,
// which match every code that starts with them.
func icd10Prefixes(name string, p *[]string) param {
	return stringsParam(name, p, func(s string) string {
		if len(s) < 1 || len(s) > 7 || s[0] < 'A' || s[0] > 'Z' {
			return "must be an ICD-10-CM code or prefix: a capital letter then up to 6 letters or digits, without the dot"
		}
		for i := 1; i < len(s); i++ {
			if c := s[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
				return "must be an ICD-10-CM code or prefix: a capital letter then up to 6 letters or digits, without the dot"
			}
		}
		return ""
	})
}

// asInt accepts the whole numbers YAML and Go callers produce.
func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), x >= math.MinInt32 && x <= math.MaxInt32
	case uint64:
		return int(x), x <= math.MaxInt32
	case float64:
		return int(x), x == math.Trunc(x) && math.Abs(x) <= math.MaxInt32
	}
	return 0, false
}

// asStrings accepts a YAML list ([]any of strings) or a []string.
func asStrings(v any) ([]string, bool) {
	switch x := v.(type) {
	case []string:
		return slices.Clone(x), true
	case []any:
		out := make([]string, len(x))
		for i, item := range x {
			s, ok := item.(string)
			if !ok {
				return nil, false
			}
			out[i] = strings.TrimSpace(s)
		}
		return out, true
	case nil:
		return []string{}, true // an empty YAML value: the empty list
	}
	return nil, false
}
