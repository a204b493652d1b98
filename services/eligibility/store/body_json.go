package store

import (
	"encoding/json"
	"strconv"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

// appendBody appends b's JSON to dst: the very bytes json.Marshal writes
// (field order, null for a nil slice, HTML-safe escaping), without
// reflection. An evaluation run encodes one body per member, a few
// kilobytes of evidence each, and encoding/json was a fifth of its cost.
// TestAppendBody holds it to json.Marshal, and fails when a field is added
// to the types it writes.
func appendBody(dst []byte, b determinationBody) []byte {
	dst = append(dst, `{"Criteria":`...)
	if b.Criteria == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, c := range b.Criteria {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"Kind":`...)
			dst = appendString(dst, c.Kind)
			dst = append(dst, `,"Met":`...)
			dst = strconv.AppendBool(dst, c.Met)
			dst = append(dst, `,"Value":`...)
			dst = strconv.AppendInt(dst, c.Value, 10)
			dst = append(dst, `,"Threshold":`...)
			dst = strconv.AppendInt(dst, c.Threshold, 10)
			dst = append(dst, `,"Detail":`...)
			dst = appendString(dst, c.Detail)
			dst = append(dst, `,"Evidence":`...)
			dst = appendEvidence(dst, c.Evidence)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"Diseases":`...)
	if b.Diseases == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, c := range b.Diseases {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"Disease":`...)
			dst = appendString(dst, c.Disease)
			dst = append(dst, `,"Source":`...)
			dst = appendString(dst, c.Source)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"Drugs":`...)
	dst = strconv.AppendInt(dst, int64(b.Drugs), 10)
	dst = append(dst, `,"Cost":`...)
	dst = strconv.AppendInt(dst, b.Cost, 10)
	return append(dst, '}')
}

func appendEvidence(dst []byte, ev []domain.Evidence) []byte {
	if ev == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, e := range ev {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"Kind":`...)
		dst = appendString(dst, e.Kind)
		dst = append(dst, `,"ID":`...)
		dst = appendString(dst, e.ID)
		dst = append(dst, `,"Date":"`...)
		dst = append(dst, e.Date.String()...) // MarshalText: YYYY-MM-DD
		dst = append(dst, `","Detail":`...)
		dst = appendString(dst, e.Detail)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendString quotes s as json.Marshal does. Ids, codes, dates and
// ingredient names are printable ASCII that needs no escaping; anything
// else goes through json.Marshal itself.
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(dst, q...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
