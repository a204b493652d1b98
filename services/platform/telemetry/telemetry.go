// Package telemetry sets up OpenTelemetry for an OpenMTM process: the global
// tracer and meter providers, W3C trace-context propagation, OTLP export when
// a collector is configured, and the gRPC and HTTP instrumentation every
// service installs. Spans leave the process only through RedactingExporter, so
// PHI attributes never reach a collector.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"google.golang.org/grpc/stats"
)

// Setup installs the global TracerProvider, MeterProvider and propagator
// (W3C tracecontext and baggage) for service at version.
//
// Traces are exported over OTLP/gRPC when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set, and metrics when
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT is set;
// the exporters read the other standard OTEL_EXPORTER_OTLP_* variables
// (insecure, headers, timeout) themselves. Without an endpoint nothing is
// exported, but spans are still created so trace context flows through gRPC
// and NATS to processes that do export.
//
// The returned shutdown flushes and stops both providers; call it once on exit.
func Setup(ctx context.Context, service, version string) (shutdown func(context.Context) error, err error) {
	res, err := resource.New(ctx,
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(semconv.ServiceName(service), semconv.ServiceVersion(version)),
		resource.WithTelemetrySDK(),
		resource.WithHost(),
		// Last, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES can override.
		resource.WithFromEnv(),
	)
	if err != nil {
		return nil, fmt.Errorf("telemetry resource: %w", err)
	}

	tp, err := newTracerProvider(ctx, res)
	if err != nil {
		return nil, err
	}
	mp, err := newMeterProvider(ctx, res)
	if err != nil {
		return nil, errors.Join(err, tp.Shutdown(ctx))
	}

	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(
		propagation.TraceContext{}, propagation.Baggage{},
	))

	return func(ctx context.Context) error {
		// Both run even if one fails, so a dead trace collector does not
		// also cost the last metrics.
		return errors.Join(tp.Shutdown(ctx), mp.Shutdown(ctx))
	}, nil
}

func newTracerProvider(ctx context.Context, res *resource.Resource) (*sdktrace.TracerProvider, error) {
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if endpointSet("TRACES") {
		exp, err := otlptracegrpc.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("otlp trace exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(RedactingExporter(exp)))
	}
	return sdktrace.NewTracerProvider(opts...), nil
}

func newMeterProvider(ctx context.Context, res *resource.Resource) (*sdkmetric.MeterProvider, error) {
	opts := []sdkmetric.Option{sdkmetric.WithResource(res)}
	if endpointSet("METRICS") {
		exp, err := otlpmetricgrpc.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("otlp metric exporter: %w", err)
		}
		opts = append(opts, sdkmetric.WithReader(sdkmetric.NewPeriodicReader(exp)))
	}
	return sdkmetric.NewMeterProvider(opts...), nil
}

// endpointSet reports whether an OTLP endpoint is configured for signal
// ("TRACES" or "METRICS"), generally or for that signal alone.
func endpointSet(signal string) bool {
	return os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" ||
		os.Getenv("OTEL_EXPORTER_OTLP_"+signal+"_ENDPOINT") != ""
}

// GRPCServerHandler returns the stats handler that traces and measures every
// RPC a server receives (install with grpc.StatsHandler). Health checks are
// left out: probes every few seconds would drown real traffic.
func GRPCServerHandler() stats.Handler {
	return otelgrpc.NewServerHandler(otelgrpc.WithFilter(filters.Not(filters.HealthCheck())))
}

// GRPCClientHandler returns the stats handler that traces outgoing RPCs and
// injects trace context into their metadata (install with
// grpc.WithStatsHandler).
func GRPCClientHandler() stats.Handler {
	return otelgrpc.NewClientHandler()
}

// HTTPHandler wraps h so each request gets a server span named operation and
// HTTP server metrics, continuing any trace context the caller sent.
func HTTPHandler(h http.Handler, operation string) http.Handler {
	return otelhttp.NewHandler(h, operation)
}
