package auth_test

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/typepb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// The test service takes a typepb.Type as its request: its name is the
// resource and its fields stand for a payload that must never be audited.
const (
	echoGet   = "/openmtm.test.v1.Echo/Get"
	echoWatch = "/openmtm.test.v1.Echo/Watch"
	payload   = "Jane-Doe-1950-02-03"
)

// whoAmI authorises the request and answers with the caller's key and tenant.
func whoAmI(ctx context.Context, req *typepb.Type) (*wrapperspb.StringValue, error) {
	if err := auth.Authorize(ctx, req.GetName(), auth.RoleAnalyst); err != nil {
		return nil, err
	}
	id, _ := auth.FromContext(ctx)
	return wrapperspb.String(id.KeyID + " " + id.Tenant), nil
}

var echoDesc = grpc.ServiceDesc{
	ServiceName: "openmtm.test.v1.Echo",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Get",
		Handler: func(srv any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
			in := new(typepb.Type)
			if err := dec(in); err != nil {
				return nil, err
			}
			info := &grpc.UnaryServerInfo{Server: srv, FullMethod: echoGet}
			return ic(ctx, in, info, func(ctx context.Context, req any) (any, error) {
				return whoAmI(ctx, req.(*typepb.Type))
			})
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Watch",
		ServerStreams: true,
		Handler: func(_ any, ss grpc.ServerStream) error {
			in := new(typepb.Type)
			if err := ss.RecvMsg(in); err != nil {
				return err
			}
			out, err := whoAmI(ss.Context(), in)
			if err != nil {
				return err
			}
			return ss.SendMsg(out)
		},
	}},
}

// toStatus stands in for grpcserver's error mapping, outermost in the chain.
func toStatus(err error) error {
	if _, ok := status.FromError(err); ok || err == nil {
		return err
	}
	code := map[errs.Kind]codes.Code{
		errs.KindUnauthenticated:  codes.Unauthenticated,
		errs.KindPermissionDenied: codes.PermissionDenied,
		errs.KindNotFound:         codes.NotFound,
	}[errs.KindOf(err)]
	if code == codes.OK {
		code = codes.Internal
	}
	return status.Error(code, err.Error())
}
