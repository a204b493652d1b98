package gateway

import (
	"context"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	billingv1 "github.com/openmtm/openmtm/gen/openmtm/billing/v1"
	documentationv1 "github.com/openmtm/openmtm/gen/openmtm/documentation/v1"
	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	identityv1 "github.com/openmtm/openmtm/gen/openmtm/identity/v1"
	schedulingv1 "github.com/openmtm/openmtm/gen/openmtm/scheduling/v1"
	targetingv1 "github.com/openmtm/openmtm/gen/openmtm/targeting/v1"
)

// Route is one gRPC API the gateway exposes over HTTP.
type Route struct {
	// API is the upstream's key in Config.Upstreams: the service name, or
	// "identity" for API keys.
	API string
	// Service is the full gRPC service name.
	Service string
	// Register adds the API's HTTP routes to mux, forwarding over conn.
	Register func(ctx context.Context, mux *runtime.ServeMux, conn *grpc.ClientConn) error
}

// Routes lists every public API. A test checks it covers every service in
// gen/ and that every RPC has an HTTP rule.
var Routes = []Route{
	{"eligibility", eligibilityv1.EligibilityService_ServiceDesc.ServiceName, eligibilityv1.RegisterEligibilityServiceHandler},
	{"targeting", targetingv1.TargetingService_ServiceDesc.ServiceName, targetingv1.RegisterTargetingServiceHandler},
	{"scheduling", schedulingv1.SchedulingService_ServiceDesc.ServiceName, schedulingv1.RegisterSchedulingServiceHandler},
	{"documentation", documentationv1.DocumentationService_ServiceDesc.ServiceName, documentationv1.RegisterDocumentationServiceHandler},
	{"billing", billingv1.BillingService_ServiceDesc.ServiceName, billingv1.RegisterBillingServiceHandler},
	{"identity", identityv1.IdentityService_ServiceDesc.ServiceName, identityv1.RegisterIdentityServiceHandler},
}
