// Package paging turns List requests' page_size and page_token into a limit
// and a cursor. Tokens are opaque to clients (base64 of the last key seen), so
// the store can change how it pages without breaking them.
package paging

import (
	"encoding/base64"

	"github.com/openmtm/openmtm/services/platform/errs"
)

// Defaults of every List call.
const (
	DefaultSize = 50
	MaxSize     = 1000
)

// Page is a validated page request.
type Page struct {
	// Size is how many items to return.
	Size int
	// After is the key of the last item of the previous page ("" for the first).
	After string
}

// Parse validates page_size and page_token.
func Parse(size int32, token string) (Page, error) {
	var v errs.Violations
	p := Page{Size: int(size)}
	switch {
	case size < 0:
		v.Add("page_size", "must not be negative")
	case size == 0:
		p.Size = DefaultSize
	case size > MaxSize:
		p.Size = MaxSize
	}
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(b) == 0 {
			v.Add("page_token", "is not a token from a previous page")
		}
		p.After = string(b)
	}
	return p, v.Err()
}

// Token is the page token that continues after key; "" when last is false.
func Token(key string, more bool) string {
	if !more {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}
