// Package billing owns prices completed services (CPT 99605/99606/99607 or a
// payer's fee schedule), emits X12 837P claims exactly once and reads X12 835
// remittances.
//
// Its API is declared (proto/openmtm/billing/v1) and every RPC answers
// Unimplemented until the issue that builds it lands.
package billing

import (
	"context"

	"google.golang.org/grpc"

	billingv1 "github.com/openmtm/openmtm/gen/openmtm/billing/v1"
	"github.com/openmtm/openmtm/services/platform/service"
)

// Name is the service's name: its schema, stream and subject token.
const Name = "billing"

// New migrates the service's database and wires the service.
func New(ctx context.Context, deps service.Deps) (service.Service, error) {
	return service.NewUnbuilt(ctx, Name, deps, func(s *grpc.Server) {
		billingv1.RegisterBillingServiceServer(s, billingv1.UnimplementedBillingServiceServer{})
	})
}
