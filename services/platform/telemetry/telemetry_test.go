package telemetry_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/grpc"

	"github.com/openmtm/openmtm/services/platform/telemetry"
)

// collector is a fake OTLP/gRPC collector that keeps what it receives.
type collector struct {
	collectortrace.UnimplementedTraceServiceServer
	collectormetrics.UnimplementedMetricsServiceServer

	mu      sync.Mutex
	traces  []*collectortrace.ExportTraceServiceRequest
	metrics []*collectormetrics.ExportMetricsServiceRequest
}

func (c *collector) Export(_ context.Context, r *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.traces = append(c.traces, r)
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

type metricsService struct{ *collector }

func (m metricsService) Export(_ context.Context, r *collectormetrics.ExportMetricsServiceRequest) (*collectormetrics.ExportMetricsServiceResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.metrics = append(m.metrics, r)
	return &collectormetrics.ExportMetricsServiceResponse{}, nil
}

func startCollector(t *testing.T) (*collector, string) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{}
	srv := grpc.NewServer()
	collectortrace.RegisterTraceServiceServer(srv, c)
	collectormetrics.RegisterMetricsServiceServer(srv, metricsService{c})
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return c, "http://" + lis.Addr().String()
}

func otlpAttrs(kvs []*commonpb.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[kv.GetKey()] = kv.GetValue().GetStringValue()
	}
	return m
}

// Setup changes process-wide OpenTelemetry state, so these tests do not run
// in parallel (t.Setenv enforces that).
func TestSetupExportsRedactedSpansAndMetrics(t *testing.T) {
	c, endpoint := startCollector(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
	t.Setenv("OTEL_EXPORTER_OTLP_INSECURE", "true")

	ctx := context.Background()
	shutdown, err := telemetry.Setup(ctx, "eligibility", "1.2.3")
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	_, span := otel.Tracer("test").Start(ctx, "GetMember", trace.WithAttributes(
		attribute.String("member.first_name", "Jane"),
		attribute.String("resource", "plans/p1/members/m1"),
	))
	span.End()
	counter, err := otel.Meter("test").Int64Counter("openmtm.test.calls")
	if err != nil {
		t.Fatal(err)
	}
	counter.Add(ctx, 1)

	// Shutdown flushes both providers to the collector.
	if err := shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.traces) != 1 || len(c.metrics) == 0 {
		t.Fatalf("collector got %d trace and %d metric exports, want 1 and at least 1", len(c.traces), len(c.metrics))
	}
	rs := c.traces[0].GetResourceSpans()[0]
	res := otlpAttrs(rs.GetResource().GetAttributes())
	if res["service.name"] != "eligibility" || res["service.version"] != "1.2.3" {
		t.Errorf("resource = %v, want service eligibility 1.2.3", res)
	}
	got := otlpAttrs(rs.GetScopeSpans()[0].GetSpans()[0].GetAttributes())
	want := map[string]string{"member.first_name": "[REDACTED]", "resource": "plans/p1/members/m1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exported span attributes (-want +got):\n%s", diff)
	}
	if name := c.metrics[0].GetResourceMetrics()[0].GetScopeMetrics()[0].GetMetrics()[0].GetName(); name != "openmtm.test.calls" {
		t.Errorf("exported metric %q, want openmtm.test.calls", name)
	}
}

func TestSetupWithoutCollectorStillPropagates(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "")

	shutdown, err := telemetry.Setup(context.Background(), "targeting", "dev")
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	t.Cleanup(func() {
		if err := shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})

	fields := otel.GetTextMapPropagator().Fields()
	slices.Sort(fields) // the composite propagator reports them in map order
	if diff := cmp.Diff([]string{"baggage", "traceparent", "tracestate"}, fields); diff != "" {
		t.Errorf("propagator fields (-want +got):\n%s", diff)
	}

	// An incoming W3C trace context continues into a real server span.
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	var got trace.SpanContext
	h := telemetry.HTTPHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = trace.SpanContextFromContext(r.Context())
	}), "test")
	req := httptest.NewRequest(http.MethodGet, "/v1/plans/p1/members", nil)
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	h.ServeHTTP(httptest.NewRecorder(), req)

	if !got.IsValid() || got.TraceID().String() != traceID {
		t.Errorf("handler span context = %v, want a span in trace %s", got, traceID)
	}
	if telemetry.GRPCServerHandler() == nil || telemetry.GRPCClientHandler() == nil {
		t.Error("gRPC stats handlers are nil")
	}
}
