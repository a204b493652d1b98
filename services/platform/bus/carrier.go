package bus

import (
	"strings"

	"github.com/nats-io/nats.go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// HeaderCarrier adapts nats.Header to propagation.TextMapCarrier.
//
// NATS headers are case-sensitive, unlike HTTP's, and
// propagation.HeaderCarrier would canonicalise "traceparent" to
// "Traceparent". So Set writes lower-case keys (what W3C and most other
// clients use) and Get matches keys case-insensitively, accepting whatever
// another client wrote. Set needs a non-nil header.
type HeaderCarrier nats.Header

var _ propagation.TextMapCarrier = HeaderCarrier(nil)

// Get returns the first value of key, matched case-insensitively.
func (c HeaderCarrier) Get(key string) string {
	if v := c[strings.ToLower(key)]; len(v) > 0 {
		return v[0]
	}
	for k, v := range c {
		if len(v) > 0 && strings.EqualFold(k, key) {
			return v[0]
		}
	}
	return ""
}

// Set replaces key, lower-cased, with value, removing any copy of the key in
// another case so that the header holds one value.
func (c HeaderCarrier) Set(key, value string) {
	lower := strings.ToLower(key)
	for k := range c {
		if k != lower && strings.EqualFold(k, key) {
			delete(c, k)
		}
	}
	c[lower] = []string{value}
}

// Keys lists the header keys, lower-cased.
func (c HeaderCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, strings.ToLower(k))
	}
	return keys
}

// propagator is W3C trace context plus whatever the process configured
// globally (baggage, say). Trace context is always included so that traces
// cross the bus even before telemetry set a global propagator.
func propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, otel.GetTextMapPropagator())
}

// tracerName names this package's tracer.
const tracerName = "github.com/openmtm/openmtm/services/platform/bus"
