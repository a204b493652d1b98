package bus_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/openmtm/openmtm/services/platform/bus"
)

func spanContext(t *testing.T) trace.SpanContext {
	t.Helper()
	tid, err := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	if err != nil {
		t.Fatal(err)
	}
	sid, err := trace.SpanIDFromHex("00f067aa0ba902b7")
	if err != nil {
		t.Fatal(err)
	}
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, Remote: true})
}

func TestHeaderCarrierRoundTrip(t *testing.T) {
	t.Parallel()
	sc := spanContext(t)
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	prop := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

	h := nats.Header{}
	prop.Inject(ctx, bus.HeaderCarrier(h))
	for k := range h {
		if k != strings.ToLower(k) {
			t.Errorf("injected key %q is not lower case", k)
		}
	}
	if _, ok := h["traceparent"]; !ok {
		t.Fatalf("no traceparent key in %v", h)
	}
	got := trace.SpanContextFromContext(prop.Extract(context.Background(), bus.HeaderCarrier(h)))
	if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() {
		t.Errorf("extracted %s/%s, want %s/%s", got.TraceID(), got.SpanID(), sc.TraceID(), sc.SpanID())
	}
}

func TestHeaderCarrier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		header   nats.Header
		key      string
		want     string
		wantKeys []string
	}{
		{"lower case", nats.Header{"traceparent": {"a"}}, "traceparent", "a", []string{"traceparent"}},
		{"written by another client in title case", nats.Header{"Traceparent": {"b"}}, "traceparent", "b", []string{"traceparent"}},
		{"asked in upper case", nats.Header{"tracestate": {"c"}}, "TRACESTATE", "c", []string{"tracestate"}},
		{"missing", nats.Header{"other": {"d"}}, "traceparent", "", []string{"other"}},
		{"nil header", nil, "traceparent", "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bus.HeaderCarrier(tt.header)
			if got := c.Get(tt.key); got != tt.want {
				t.Errorf("Get(%q) = %q, want %q", tt.key, got, tt.want)
			}
			if diff := cmp.Diff(tt.wantKeys, c.Keys()); diff != "" {
				t.Errorf("Keys (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeaderCarrierSetReplacesOtherCase(t *testing.T) {
	t.Parallel()
	h := nats.Header{"Traceparent": {"old"}}
	bus.HeaderCarrier(h).Set("TraceParent", "new")
	if diff := cmp.Diff(nats.Header{"traceparent": {"new"}}, h); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
}
