package intake

import (
	"fmt"
	"io"
	"strings"
)

// header maps a column name to its index in the header row.
type header struct {
	line  int64
	index map[string]int
	dups  []string
}

// col returns the index of column name, or -1 when the file lacks it.
func (h header) col(name string) int {
	if i, ok := h.index[name]; ok {
		return i
	}
	return -1
}

// has reports whether the file has column name.
func (h header) has(name string) bool { return h.col(name) >= 0 }

// field returns rec[i], or "" for a column the file lacks (i < 0).
func field(rec []string, i int) string {
	if i < 0 {
		return ""
	}
	return rec[i]
}

// header reads the header row. Names are matched trimmed and in lower case.
func (rd *reader) header() (header, error) {
	rec, err := rd.csv.Read()
	if err == io.EOF {
		return header{}, rd.reject([]RowError{{File: rd.file, Line: 1, Problem: "the file is empty: a header row is required"}})
	}
	if pe, ok := parseError(err); ok {
		return header{}, rd.reject([]RowError{syntaxError(rd.file, pe)})
	}
	if err != nil {
		return header{}, fmt.Errorf("read %s: %w", rd.file, err)
	}
	line, _ := rd.csv.FieldPos(0)
	h := header{line: int64(line), index: make(map[string]int, len(rec))}
	for i, name := range rec {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue // an unnamed column is an unknown one
		}
		if _, dup := h.index[name]; dup {
			h.dups = append(h.dups, name)
			continue
		}
		h.index[name] = i
	}
	rd.width = len(rec)
	return h, nil
}

// check rejects a header that lacks a required column or repeats one.
// Duplicates are named only once every required column is present: until
// then the first row may be data, not a header, and its values (which may be
// PHI) must not come back as column names.
func (rd *reader) check(h header, required []string) error {
	var res []RowError
	for _, name := range required {
		if !h.has(name) {
			res = append(res, RowError{File: rd.file, Line: h.line, Column: name, Problem: "required column is missing"})
		}
	}
	switch {
	case len(res) == len(required):
		return rd.reject([]RowError{{File: rd.file, Line: h.line,
			Problem: "no header row: the first row names none of the required columns " + strings.Join(required, ", ")}})
	case len(res) > 0:
		return rd.reject(res)
	}
	for _, name := range h.dups {
		res = append(res, RowError{File: rd.file, Line: h.line, Column: name, Problem: "column appears more than once"})
	}
	if len(res) > 0 {
		return rd.reject(res)
	}
	return nil
}
