package reference

import (
	"io"
	"slices"
)

// The lengths of an ICD-10-CM code without its dot: a category of 3
// characters and up to 4 more.
const (
	minICD10 = 3
	maxICD10 = 7
)

// DiagnosisMap maps ICD-10-CM code prefixes to core diseases
// (data/icd10_core_diseases.csv). It is read-only after loading and safe for
// concurrent use.
type DiagnosisMap struct {
	// byPrefix holds, for every prefix of the file, the diseases of that
	// prefix and of all its shorter prefixes in the file, sorted. The longest
	// prefix of a code found here therefore answers the whole question, with
	// no merging (and no allocation) per call.
	byPrefix map[string][]string
	shortest int
	longest  int
}

// LoadDiagnoses reads a prefix map with columns icd10_prefix and disease;
// a prefix may appear on several rows, one per disease. Every problem is a
// *ParseError naming the line and column.
func LoadDiagnoses(r io.Reader) (*DiagnosisMap, error) {
	t, err := newTable(r, "icd10_prefix", "disease")
	if err != nil {
		return nil, err
	}
	own := map[string][]string{} // prefix → the diseases of its own rows
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		prefix := normalizeICD10(t.get("icd10_prefix"))
		if !validPrefix(prefix) {
			return nil, t.errorf("icd10_prefix", "must be an ICD-10-CM code prefix without the dot: a letter, a digit, then 1 to 5 letters or digits")
		}
		disease := t.get("disease")
		if !validDisease[disease] {
			return nil, t.errorf("disease", "%q is not a core disease key", disease)
		}
		if slices.Contains(own[prefix], disease) {
			return nil, t.errorf("disease", "%s -> %s appears twice", prefix, disease)
		}
		own[prefix] = append(own[prefix], disease)
	}
	m := &DiagnosisMap{byPrefix: make(map[string][]string, len(own)), shortest: maxICD10, longest: 0}
	for prefix := range own {
		var all []string
		for n := minICD10; n <= len(prefix); n++ {
			for _, d := range own[prefix[:n]] {
				if !slices.Contains(all, d) {
					all = append(all, d)
				}
			}
		}
		slices.Sort(all)
		m.byPrefix[prefix] = all
		m.shortest = min(m.shortest, len(prefix))
		m.longest = max(m.longest, len(prefix))
	}
	return m, nil
}

// Diseases returns every core disease whose prefix starts icd10 (dot, case
// and spaces ignored), sorted, or nil when none does. The slice is shared:
// callers must not modify it. It does not allocate: batch evaluation calls
// it for every diagnosis row.
func (m *DiagnosisMap) Diseases(icd10 string) []string {
	if m == nil || len(m.byPrefix) == 0 {
		return nil
	}
	var buf [maxICD10]byte
	n := 0
	for i := 0; i < len(icd10) && n < m.longest; i++ {
		c := icd10[i]
		switch {
		case c == '.' || c == ' ':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	for k := n; k >= m.shortest; k-- {
		if ds, ok := m.byPrefix[string(buf[:k])]; ok {
			return ds
		}
	}
	return nil
}

// normalizeICD10 upper-cases code and drops its dot and spaces.
func normalizeICD10(code string) string {
	b := make([]byte, 0, len(code))
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '.' || c == ' ':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}

// validPrefix checks the shape of a normalized prefix: a letter, a digit,
// then letters or digits, 3 to 7 characters in all.
func validPrefix(p string) bool {
	if len(p) < minICD10 || len(p) > maxICD10 || p[0] < 'A' || p[0] > 'Z' || p[1] < '0' || p[1] > '9' {
		return false
	}
	for i := 2; i < len(p); i++ {
		if c := p[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}
