package store

import (
	"strconv"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/jsonenc"
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
			dst = jsonenc.AppendString(dst, c.Kind)
			dst = append(dst, `,"Met":`...)
			dst = strconv.AppendBool(dst, c.Met)
			dst = append(dst, `,"Value":`...)
			dst = strconv.AppendInt(dst, c.Value, 10)
			dst = append(dst, `,"Threshold":`...)
			dst = strconv.AppendInt(dst, c.Threshold, 10)
			dst = append(dst, `,"Detail":`...)
			dst = jsonenc.AppendString(dst, c.Detail)
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
			dst = jsonenc.AppendString(dst, c.Disease)
			dst = append(dst, `,"Source":`...)
			dst = jsonenc.AppendString(dst, c.Source)
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
		dst = jsonenc.AppendString(dst, e.Kind)
		dst = append(dst, `,"ID":`...)
		dst = jsonenc.AppendString(dst, e.ID)
		dst = append(dst, `,"Date":"`...)
		dst = append(dst, e.Date.String()...) // MarshalText: YYYY-MM-DD
		dst = append(dst, `","Detail":`...)
		dst = jsonenc.AppendString(dst, e.Detail)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}
