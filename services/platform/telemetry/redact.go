package telemetry

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/openmtm/openmtm/services/platform/logging"
)

// RedactingExporter wraps next so that every span attribute, span event
// attribute and link attribute whose key is PHI (logging.IsPHIKey) reaches
// next with the value "[REDACTED]". Redaction happens at export rather than
// at record time so that it also covers attributes set by libraries we do not
// control.
func RedactingExporter(next sdktrace.SpanExporter) sdktrace.SpanExporter {
	return redactingExporter{next: next}
}

type redactingExporter struct {
	next sdktrace.SpanExporter
}

func (e redactingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	out := make([]sdktrace.ReadOnlySpan, len(spans))
	for i, s := range spans {
		out[i] = redactSpan(s)
	}
	return e.next.ExportSpans(ctx, out)
}

func (e redactingExporter) Shutdown(ctx context.Context) error {
	return e.next.Shutdown(ctx)
}

// redactedSpan overrides the attribute-bearing methods of a ReadOnlySpan.
// Embedding the original keeps every other field (and satisfies the
// interface's unexported method) without copying the span.
type redactedSpan struct {
	sdktrace.ReadOnlySpan
	attrs  []attribute.KeyValue
	events []sdktrace.Event
	links  []sdktrace.Link
}

func (s redactedSpan) Attributes() []attribute.KeyValue { return s.attrs }
func (s redactedSpan) Events() []sdktrace.Event         { return s.events }
func (s redactedSpan) Links() []sdktrace.Link           { return s.links }

// redactSpan returns s itself when it holds no PHI, which is the common case,
// so clean spans cost no allocation.
func redactSpan(s sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	attrs, changed := redactAttrs(s.Attributes())

	events := s.Events()
	var eventsCopied bool
	for i, ev := range events {
		a, ok := redactAttrs(ev.Attributes)
		if !ok {
			continue
		}
		if !eventsCopied {
			events, eventsCopied = append([]sdktrace.Event(nil), events...), true
		}
		events[i].Attributes = a
		changed = true
	}

	links := s.Links()
	var linksCopied bool
	for i, l := range links {
		a, ok := redactAttrs(l.Attributes)
		if !ok {
			continue
		}
		if !linksCopied {
			links, linksCopied = append([]sdktrace.Link(nil), links...), true
		}
		links[i].Attributes = a
		changed = true
	}

	if !changed {
		return s
	}
	return redactedSpan{ReadOnlySpan: s, attrs: attrs, events: events, links: links}
}

// redactAttrs returns attrs with PHI values replaced, copying only when
// something changes, and whether it did. The SDK shares these slices with
// other processors, so they must never be modified in place.
func redactAttrs(attrs []attribute.KeyValue) ([]attribute.KeyValue, bool) {
	var out []attribute.KeyValue
	for i, kv := range attrs {
		if !logging.IsPHIKey(string(kv.Key)) {
			continue
		}
		if out == nil {
			out = append([]attribute.KeyValue(nil), attrs...)
		}
		out[i] = attribute.String(string(kv.Key), logging.Redacted)
	}
	if out == nil {
		return attrs, false
	}
	return out, true
}
