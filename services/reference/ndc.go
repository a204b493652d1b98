package reference

import (
	"io"
	"strings"
)

// NDCTable resolves 11-digit NDCs to generic names (data/ndc.csv, or the
// plan's licensed file). It is read-only after loading and safe for
// concurrent use. It satisfies the eligibility domain's NDCResolver.
type NDCTable struct {
	// names is keyed by the NDC's 11 digits as a number: a licensed file
	// holds a few hundred thousand codes, and integer keys keep lookups
	// allocation-free and the table small.
	names map[uint64]string
}

// LoadNDC reads an NDC table with columns ndc and generic_name. Every
// problem is a *ParseError naming the line and column.
func LoadNDC(r io.Reader) (*NDCTable, error) {
	t, err := newTable(r, "ndc", "generic_name")
	if err != nil {
		return nil, err
	}
	tab := &NDCTable{names: map[uint64]string{}}
	firstLine := map[uint64]int{}
	interned := map[string]string{} // many NDCs share one generic name
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		code, ok := parseNDC(t.get("ndc"))
		if !ok {
			return nil, t.errorf("ndc", "must be an NDC of 11 digits (dashes ignored)")
		}
		if line, dup := firstLine[code]; dup {
			return nil, t.errorf("ndc", "appears twice (first on line %d)", line)
		}
		name := normalizeGeneric(t.get("generic_name"))
		if name == "" {
			return nil, t.errorf("generic_name", "is required")
		}
		if s, ok := interned[name]; ok {
			name = s
		} else {
			interned[name] = name
		}
		firstLine[code] = t.line()
		tab.names[code] = name
	}
	return tab, nil
}

// GenericName returns the generic name of ndc (11 digits, dashes ignored)
// in the formats.md form: lower case, combinations joined by " / ".
func (t *NDCTable) GenericName(ndc string) (string, bool) {
	if t == nil {
		return "", false
	}
	code, ok := parseNDC(ndc)
	if !ok {
		return "", false
	}
	name, ok := t.names[code]
	return name, ok
}

// Len is the number of NDCs in the table.
func (t *NDCTable) Len() int {
	if t == nil {
		return 0
	}
	return len(t.names)
}

// parseNDC reads exactly 11 digits, skipping dashes and surrounding spaces.
func parseNDC(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	var code uint64
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			continue
		case c < '0' || c > '9' || digits == 11:
			return 0, false
		}
		code = code*10 + uint64(c-'0')
		digits++
	}
	return code, digits == 11
}

// normalizeGeneric writes a generic name as formats.md does: lower case,
// single spaces, ingredients joined by " / ".
func normalizeGeneric(s string) string {
	var parts []string
	for p := range strings.SplitSeq(s, "/") {
		if p = normalizeName(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " / ")
}
