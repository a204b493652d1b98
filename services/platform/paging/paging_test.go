package paging

import (
	"testing"

	"github.com/openmtm/openmtm/services/platform/errs"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		size    int32
		token   string
		want    Page
		wantErr bool
	}{
		{size: 0, want: Page{Size: DefaultSize}},
		{size: 10, token: Token("M009", true), want: Page{Size: 10, After: "M009"}},
		{size: 5000, want: Page{Size: MaxSize}},
		{size: -1, wantErr: true},
		{size: 10, token: "!!!", wantErr: true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.size, tt.token)
		if tt.wantErr {
			if errs.KindOf(err) != errs.KindInvalid {
				t.Errorf("Parse(%d, %q) error = %v, want invalid", tt.size, tt.token, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%d, %q) = %+v, %v; want %+v", tt.size, tt.token, got, err, tt.want)
		}
	}
	if Token("x", false) != "" {
		t.Error("Token of the last page is not empty")
	}
}
