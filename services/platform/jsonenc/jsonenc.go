// Package jsonenc appends JSON by hand on hot paths (JSON Lines of the batch
// commands, determination bodies) where encoding/json's reflection costs
// more than the work itself. What it writes equals json.Marshal's bytes.
package jsonenc

import "encoding/json"

// AppendString appends s as a JSON string, byte for byte as json.Marshal
// writes it. Ids, codes and dates (letters, digits, '.', '_', '-') are
// written as they are; anything else goes through json.Marshal itself.
func AppendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			q, _ := json.Marshal(s) // a string always marshals
			return append(dst, q...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
