package logging_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openmtm/openmtm/services/platform/logging"
)

// member stands in for a domain type that logs itself as a group.
type member struct{ first, last, mbi, dob, plan string }

func (m member) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("first_name", m.first),
		slog.String("lastName", m.last),
		slog.String("MBI", m.mbi),
		slog.String("birth_date", m.dob),
		slog.String("plan", m.plan),
	)
}

func TestNewRedactsPHI(t *testing.T) {
	t.Parallel()
	phi := []string{"Jane", "Doe", "1EG4TE5MK73", "1950-02-03", "555-0100", "12 Elm St", "Springfield", "jane@example.com"}

	var buf bytes.Buffer
	log := logging.New(&buf, slog.LevelInfo)
	log.With("member.phone", "555-0100").WithGroup("request").Info("member loaded",
		slog.String("resource", "plans/p1/members/m1"),
		slog.String("method", "/openmtm.eligibility.v1.Eligibility/GetMember"),
		slog.Int("claims", 12),
		slog.Any("member", member{"Jane", "Doe", "1EG4TE5MK73", "1950-02-03", "plans/p1"}),
		slog.Group("contact",
			slog.String("email", "jane@example.com"),
			slog.Group("address", slog.String("line", "12 Elm St"), slog.String("city", "Springfield")),
		),
	)

	out := buf.String()
	for _, v := range phi {
		if strings.Contains(out, v) {
			t.Errorf("log output contains PHI %q:\n%s", v, out)
		}
	}

	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	delete(got, "time")
	want := map[string]any{
		"level":        "INFO",
		"msg":          "member loaded",
		"member.phone": "[REDACTED]",
		"request": map[string]any{
			"resource": "plans/p1/members/m1",
			"method":   "/openmtm.eligibility.v1.Eligibility/GetMember",
			"claims":   float64(12),
			"member": map[string]any{
				"first_name": "[REDACTED]",
				"lastName":   "[REDACTED]",
				"MBI":        "[REDACTED]",
				"birth_date": "[REDACTED]",
				"plan":       "plans/p1",
			},
			"contact": map[string]any{
				"email": "[REDACTED]",
				"address": map[string]any{
					"line": "[REDACTED]",
					"city": "[REDACTED]",
				},
			},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log record (-want +got):\n%s", diff)
	}
}

func TestNewLevel(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := logging.New(&buf, slog.LevelWarn)
	log.Info("dropped")
	log.Warn("kept")
	if out := buf.String(); strings.Contains(out, "dropped") || !strings.Contains(out, "kept") {
		t.Errorf("level filtering wrong:\n%s", out)
	}
}

func TestIsPHIKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		want bool
	}{
		{"name", true},
		{"NAME", true},
		{"first_name", true},
		{"member.first_name", true},
		{"member.last_name", true},
		{"memberFirstName", true},
		{"Member-Full-Name", true},
		{"member_name", true},
		{"birth_date", true},
		{"birthDate", true},
		{"dob", true},
		{"date_of_birth", true},
		{"member.mbi", true},
		{"MBI", true},
		{"phone", true},
		{"phone2", true},
		{"contact.phone_number", true},
		{"address", true},
		{"address_line_1", true},
		{"street", true},
		{"postal_code", true},
		{"zip", true},
		{"email", true},
		{"ssn", true},
		{"resource", false},
		{"method", false},
		{"plan", false},
		{"member_id", false},
		{"duration_ms", false},
		{"peer", false},
		{"gzip", false},
		{"rpc.method", false},
		{"server.address", false},
		{"messaging.destination.name", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := logging.IsPHIKey(tt.key); got != tt.want {
			t.Errorf("IsPHIKey(%q) = %v, want %v", tt.key, got, tt.want)
		}
	}
}

func TestParseLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    slog.Level
		wantErr bool
	}{
		{"", slog.LevelInfo, false},
		{"debug", slog.LevelDebug, false},
		{"INFO", slog.LevelInfo, false},
		{" warn ", slog.LevelWarn, false},
		{"Warning", slog.LevelWarn, false},
		{"error", slog.LevelError, false},
		{"info+2", slog.LevelInfo + 2, false},
		{"verbose", 0, true},
	}
	for _, tt := range tests {
		got, err := logging.ParseLevel(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
