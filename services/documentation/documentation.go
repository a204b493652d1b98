// Package docservice is the documentation service. It owns the
// pharmacist's CMR/TMR record (medication list, drug therapy problems,
// recommendations and outcomes, time spent) and the CMS Standardized Format
// as a PDF.
//
// Its API is declared (proto/openmtm/documentation/v1) and every RPC answers
// Unimplemented until the issue that builds it lands.
//
// The package is not named documentation because go/build ignores every
// file of a package with that name (a legacy convention for doc-only
// packages).
package docservice

import (
	"context"

	"google.golang.org/grpc"

	documentationv1 "github.com/openmtm/openmtm/gen/openmtm/documentation/v1"
	"github.com/openmtm/openmtm/services/platform/service"
)

// Name is the service's name: its schema, stream and subject token.
const Name = "documentation"

// New migrates the service's database and wires the service.
func New(ctx context.Context, deps service.Deps) (service.Service, error) {
	return service.NewUnbuilt(ctx, Name, deps, func(s *grpc.Server) {
		documentationv1.RegisterDocumentationServiceServer(s, documentationv1.UnimplementedDocumentationServiceServer{})
	})
}
