package jsonenc

import (
	"encoding/json"
	"testing"
)

func TestAppendStringMatchesMarshal(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "M001", "2025-06-30", "a_b.c-d", `quote"d`, "tab\there", "<&>", "é", "\x00"} {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}
