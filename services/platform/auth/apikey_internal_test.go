package auth

import (
	"strings"
	"testing"
)

func TestParseBearer(t *testing.T) {
	t.Parallel()
	bearer, id, secret, err := newBearer()
	if err != nil {
		t.Fatal(err)
	}
	gotID, gotSecret, ok := parseBearer(bearer)
	if !ok || gotID != id || gotSecret != secret {
		t.Fatalf("parseBearer(newBearer()) = %q, %q, %v; want %q, %q", gotID, gotSecret, ok, id, secret)
	}
	tail := bearer[len(keyPrefix)+keyIDLen:]
	bad := map[string]string{
		"empty":            "",
		"no prefix":        strings.TrimPrefix(bearer, keyPrefix),
		"other prefix":     "omtx_" + bearer[len(keyPrefix):],
		"upper-case id":    keyPrefix + strings.ToUpper(id) + tail,
		"id out of base32": keyPrefix + "w" + id[1:] + tail,
		"no separator":     keyPrefix + id + "-" + secret,
		"short secret":     bearer[:len(bearer)-1],
		"long secret":      bearer + "A",
		"bad character":    bearer[:len(bearer)-2] + "!" + bearer[len(bearer)-1:],
		"padding":          keyPrefix + id + "_" + secret[:len(secret)-1] + "=",
	}
	for name, b := range bad {
		if _, _, ok := parseBearer(b); ok {
			t.Errorf("%s: parseBearer(%q) accepted it", name, b)
		}
	}
}
