package gateway

import (
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/openmtm/openmtm/services/platform/auth"
)

// authenticate answers 401 before any service is asked when the bearer key
// is missing or wrong. The key travels on to the services (grpc-gateway
// forwards Authorization as gRPC metadata), which verify it again and check
// the tenant against the resource.
func authenticate(v auth.Verifier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || bearer == "" {
			writeStatus(w, r, status.New(codes.Unauthenticated, "missing API key: send Authorization: Bearer <key>"))
			return
		}
		if _, err := v.Verify(r.Context(), bearer); err != nil {
			writeStatus(w, r, status.New(codes.Unauthenticated, "invalid API key"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeStatus(w http.ResponseWriter, r *http.Request, st *status.Status) {
	mux := runtime.NewServeMux()
	_, m := runtime.MarshalerForRequest(mux, r)
	runtime.DefaultHTTPErrorHandler(r.Context(), mux, m, w, r, st.Err())
}
