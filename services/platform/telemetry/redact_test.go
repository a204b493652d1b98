package telemetry_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/openmtm/openmtm/services/platform/telemetry"
)

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

func TestRedactingExporter(t *testing.T) {
	t.Parallel()
	redacted := tracetest.NewInMemoryExporter()
	raw := tracetest.NewInMemoryExporter() // sees the same spans unwrapped
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSyncer(telemetry.RedactingExporter(redacted)),
		sdktrace.WithSyncer(raw),
	)
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	tracer := tp.Tracer("test")

	_, linked := tracer.Start(context.Background(), "linked")
	linked.End()
	_, span := tracer.Start(context.Background(), "GetMember",
		trace.WithLinks(trace.Link{
			SpanContext: linked.SpanContext(),
			Attributes:  []attribute.KeyValue{attribute.String("member.mbi", "1EG4TE5MK73")},
		}),
		trace.WithAttributes(
			attribute.String("rpc.method", "GetMember"),
			attribute.String("resource", "plans/p1/members/m1"),
			attribute.String("member.first_name", "Jane"),
			attribute.String("birth_date", "1950-02-03"),
			attribute.Int("phone", 5550100),
			attribute.String("server.address", "eligibility.internal"),
		))
	span.AddEvent("loaded", trace.WithAttributes(
		attribute.String("email", "jane@example.com"),
		attribute.Int("claims", 12),
	))
	span.AddEvent("clean", trace.WithAttributes(attribute.Int("claims", 3)))
	span.End()

	got := redacted.GetSpans()
	if len(got) != 2 {
		t.Fatalf("exported %d spans, want 2", len(got))
	}
	if diff := cmp.Diff(map[string]string{}, attrMap(got[0].Attributes)); diff != "" {
		t.Errorf("clean span attributes changed (-want +got):\n%s", diff)
	}

	s := got[1]
	wantAttrs := map[string]string{
		"rpc.method":        "GetMember",
		"resource":          "plans/p1/members/m1",
		"member.first_name": "[REDACTED]",
		"birth_date":        "[REDACTED]",
		"phone":             "[REDACTED]",
		"server.address":    "eligibility.internal",
	}
	if diff := cmp.Diff(wantAttrs, attrMap(s.Attributes)); diff != "" {
		t.Errorf("span attributes (-want +got):\n%s", diff)
	}
	wantEvents := []map[string]string{
		{"email": "[REDACTED]", "claims": "12"},
		{"claims": "3"},
	}
	var gotEvents []map[string]string
	for _, ev := range s.Events {
		gotEvents = append(gotEvents, attrMap(ev.Attributes))
	}
	if diff := cmp.Diff(wantEvents, gotEvents); diff != "" {
		t.Errorf("event attributes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"member.mbi": "[REDACTED]"}, attrMap(s.Links[0].Attributes)); diff != "" {
		t.Errorf("link attributes (-want +got):\n%s", diff)
	}
	if s.Name != "GetMember" || !s.SpanContext.Equal(span.SpanContext()) {
		t.Errorf("span identity lost: name %q, context %v", s.Name, s.SpanContext)
	}

	// Redaction must copy: the unwrapped exporter still sees the originals.
	orig := raw.GetSpans()[1]
	if got := attrMap(orig.Attributes)["member.first_name"]; got != "Jane" {
		t.Errorf("original span attribute = %q, want it untouched", got)
	}
	if got := attrMap(orig.Events[0].Attributes)["email"]; got != "jane@example.com" {
		t.Errorf("original event attribute = %q, want it untouched", got)
	}
}

func TestRedactingExporterShutdown(t *testing.T) {
	t.Parallel()
	mem := tracetest.NewInMemoryExporter()
	exp := telemetry.RedactingExporter(mem)
	if err := exp.ExportSpans(context.Background(), tracetest.SpanStubs{{Name: "x"}}.Snapshots()); err != nil {
		t.Fatalf("ExportSpans: %v", err)
	}
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	// InMemoryExporter.Shutdown resets its spans: proof the call reached it.
	if n := len(mem.GetSpans()); n != 0 {
		t.Errorf("next exporter not shut down: still holds %d spans", n)
	}
}
