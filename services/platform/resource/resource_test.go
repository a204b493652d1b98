package resource

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	const pattern = "plans/{plan}/members/{member}"
	tests := []struct {
		name    string
		want    []string
		wantErr bool
	}{
		{name: "plans/acme/members/M001", want: []string{"acme", "M001"}},
		{name: "plans/acme/members", wantErr: true},
		{name: "networks/acme/members/M1", wantErr: true},
		{name: "plans/acme/members/M 1", wantErr: true},
		{name: "plans//members/M1", wantErr: true},
	}
	for _, tt := range tests {
		got, err := Parse("name", pattern, tt.name)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q) error = %v, wantErr %v", tt.name, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tt.name, diff)
		}
	}
	if got := Tenant("plans/acme/members/M1"); got != "plans/acme" {
		t.Errorf("Tenant = %q", got)
	}
}
