// Package logging builds the JSON slog loggers every OpenMTM process uses. Its
// handler redacts protected health information (PHI) by attribute key, at any
// group depth, so a careless slog.String("first_name", m.FirstName) cannot put
// a member's name in the logs.
//
// Redaction works on keys slog can see. A struct logged with slog.Any is
// marshalled whole, so types that hold PHI should implement slog.LogValuer and
// return a group of attributes instead.
package logging

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Redacted replaces the value of every PHI attribute.
const Redacted = "[REDACTED]"

// New returns a logger that writes JSON lines to w at level and above, with
// PHI attributes redacted.
func New(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level:       level,
		ReplaceAttr: redact,
	}))
}

// redact is a slog ReplaceAttr hook. slog calls it for every leaf attribute
// with the names of the groups around it, so a PHI group name ("address")
// redacts everything inside it as well.
func redact(groups []string, a slog.Attr) slog.Attr {
	if IsPHIKey(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	for _, g := range groups {
		if IsPHIKey(g) {
			return slog.String(a.Key, Redacted)
		}
	}
	return a
}

// ParseLevel parses a level name as written in configuration: "debug",
// "info", "warn" (or "warning") and "error", in any case, optionally with an
// offset such as "info+2". An empty string means info.
func ParseLevel(s string) (slog.Level, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "":
		return slog.LevelInfo, nil
	case "warning":
		return slog.LevelWarn, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("parse log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}
