package domain

import "testing"

func TestValidNPI(t *testing.T) {
	t.Parallel()
	// 1234567893 is the CMS example NPI with a valid check digit.
	for npi, want := range map[string]bool{"1234567893": true, "1234567890": false, "123456789": false, "12345678a3": false} {
		if got := ValidNPI(npi); got != want {
			t.Errorf("ValidNPI(%q) = %v, want %v", npi, got, want)
		}
	}
}

func TestParseCents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 1200, true}, {"12.5", 1250, true}, {"12.50", 1250, true}, {"0.07", 7, true},
		{"-3.25", -325, true}, {" 1.00 ", 100, true},
		{"", 0, false}, {"1.234", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"1,000", 0, false}, {"$5", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseCents(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCents(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
