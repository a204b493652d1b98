package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/eligibility/domain"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseCron(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr    string
		want    string // String(); "" when an error is expected
		wantErr string // a part of the error
	}{
		{expr: "0 2 1 */3 *", want: "0 2 1 */3 *"},
		{expr: "  0  2 1   */3 *  ", want: "0 2 1 */3 *"},
		{expr: "*/15 0-6,22 1-31/2 jan-JUN MON-fri", want: "*/15 0-6,22 1-31/2 jan-JUN MON-fri"},
		{expr: "5/20 * * * 7", want: "5/20 * * * 7"},
		{expr: "0 2 1 */3", wantErr: "want 5 fields"},
		{expr: "0 2 1 */3 * *", wantErr: "want 5 fields"},
		{expr: "60 2 1 * *", wantErr: `minute field "60": 60 is out of range 0-59`},
		{expr: "0 24 1 * *", wantErr: "hour field"},
		{expr: "0 2 0 * *", wantErr: "day of month field"},
		{expr: "0 2 1 13 *", wantErr: "month field"},
		{expr: "0 2 1 * 8", wantErr: "day of week field"},
		{expr: "0 2 1 * mon-sun", wantErr: "starts after it ends"},
		{expr: "0 2 1 */0 *", wantErr: "not a positive number"},
		{expr: "0 2 1,,2 * *", wantErr: "is not a number"},
		{expr: "0 2 x * *", wantErr: `"x" is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			c, err := domain.ParseCron(tt.expr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCron(%q) error = %v, want one containing %q", tt.expr, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCron(%q): %v", tt.expr, err)
			}
			if c.String() != tt.want {
				t.Errorf("String() = %q, want %q", c.String(), tt.want)
			}
		})
	}
}

func TestCronNextPrev(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, expr string
		from       string
		next, prev string // "" for the zero time
	}{
		{"quarterly, between fires", "0 2 1 */3 *", "2025-02-15 10:00", "2025-04-01 02:00", "2025-01-01 02:00"},
		{"quarterly, exactly at a fire", "0 2 1 */3 *", "2025-04-01 02:00", "2025-07-01 02:00", "2025-04-01 02:00"},
		{"quarterly, a minute before", "0 2 1 */3 *", "2025-04-01 01:59", "2025-04-01 02:00", "2025-01-01 02:00"},
		{"across the year end", "0 2 1 */3 *", "2025-12-31 23:59", "2026-01-01 02:00", "2025-10-01 02:00"},
		{"every minute", "* * * * *", "2025-03-01 10:30", "2025-03-01 10:31", "2025-03-01 10:30"},
		{"last minute of a leap day", "59 23 29 2 *", "2025-01-01 00:00", "2028-02-29 23:59", "2024-02-29 23:59"},
		{"day fields restricted: either matches", "0 0 13 * fri", "2025-06-01 00:00", "2025-06-06 00:00", "2025-05-30 00:00"},
		{"weekday star: day of month alone", "0 0 13 * *", "2025-06-01 00:00", "2025-06-13 00:00", "2025-05-13 00:00"},
		{"day of month star: weekday alone", "0 0 * * 0", "2025-06-02 00:00", "2025-06-08 00:00", "2025-06-01 00:00"},
		{"7 is Sunday", "0 0 * * 7", "2025-06-02 00:00", "2025-06-08 00:00", "2025-06-01 00:00"},
		{"never fires", "0 0 30 2 *", "2025-01-01 00:00", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := domain.ParseCron(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			want := func(s string) time.Time {
				if s == "" {
					return time.Time{}
				}
				return at(s)
			}
			if got := c.Next(at(tt.from)); !got.Equal(want(tt.next)) {
				t.Errorf("Next(%s) = %v, want %s", tt.from, got, tt.next)
			}
			if got := c.Prev(at(tt.from)); !got.Equal(want(tt.prev)) {
				t.Errorf("Prev(%s) = %v, want %s", tt.from, got, tt.prev)
			}
		})
	}
}

func TestCronInOtherZones(t *testing.T) {
	t.Parallel()
	c, err := domain.ParseCron("0 2 * * *")
	if err != nil {
		t.Fatal(err)
	}
	// 2025-03-01 01:30 in New York is 06:30 UTC: the next 02:00 UTC is the
	// following day.
	ny := time.FixedZone("EST", -5*3600)
	got := c.Next(time.Date(2025, 3, 1, 1, 30, 0, 0, ny))
	if diff := cmp.Diff(at("2025-03-02 02:00"), got); diff != "" {
		t.Errorf("Next in another zone (-want +got):\n%s", diff)
	}
}

func TestCronLongestGapDays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want int
	}{
		{"0 2 1 */3 *", 92}, // Jul 1 → Oct 1, Oct 1 → Jan 1
		{"0 2 1 1,4,7,10 *", 92},
		{"0 2 1 * *", 31},
		{"0 2 * * 1", 7},
		{"0 2 1 1,7 *", 184},
		{"0 0 29 2 *", 1461}, // leap days only
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			c, err := domain.ParseCron(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.LongestGapDays(at("2025-01-01 00:00"), 8); got != tt.want {
				t.Errorf("LongestGapDays = %d, want %d", got, tt.want)
			}
		})
	}
}
