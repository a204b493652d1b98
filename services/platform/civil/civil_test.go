package civil

import "testing"

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{in: "2025-06-30", want: "2025-06-30"},
		{in: "2024-02-29", want: "2024-02-29"},
		{in: "1970-01-01", want: "1970-01-01"},
		{in: "1931-12-31", want: "1931-12-31"},
		{in: "2025-02-29", wantErr: true},
		{in: "2025-04-31", wantErr: true},
		{in: "2025-13-01", wantErr: true},
		{in: "2025-6-30", wantErr: true},
		{in: "06/30/2025", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		d, err := Parse(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("Parse(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && d.String() != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, d, tt.want)
		}
	}
}

func TestArithmetic(t *testing.T) {
	t.Parallel()
	asOf, _ := Parse("2025-06-30")
	// Day 0 is the as-of date; the 365-day window's last day is day 364.
	if got := asOf.AddDays(-364).String(); got != "2024-07-01" {
		t.Errorf("day 364 before 2025-06-30 = %s, want 2024-07-01", got)
	}
	if got := YearEnd(2025).DaysSince(YearStart(2025)) + 1; got != 365 {
		t.Errorf("days in 2025 = %d, want 365", got)
	}
	if y, m, d := asOf.YMD(); y != 2025 || m != 6 || d != 30 {
		t.Errorf("YMD = %d-%d-%d", y, m, d)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	d, _ := Parse("2025-06-30")
	b, _ := d.MarshalText()
	var back Date
	if err := back.UnmarshalText(b); err != nil || back != d || string(b) != "2025-06-30" {
		t.Errorf("text round trip: %s %v %v", b, back, err)
	}
	if err := back.UnmarshalText([]byte("2025-02-30")); err == nil {
		t.Error("2025-02-30 unmarshalled")
	}
}

func TestAge(t *testing.T) {
	t.Parallel()
	birth, _ := Parse("1950-03-02")
	for on, want := range map[string]int{"2025-03-01": 74, "2025-03-02": 75, "2025-12-31": 75, "1949-01-01": 0} {
		d, _ := Parse(on)
		if got := Age(birth, d); got != want {
			t.Errorf("Age on %s = %d, want %d", on, got, want)
		}
	}
}
