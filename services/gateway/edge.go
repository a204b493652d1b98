package gateway

import (
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/grpcserver"
)

// authenticate answers 401 before any service is asked when the bearer key
// is missing or wrong. The key travels on to the services (grpc-gateway
// forwards Authorization as gRPC metadata), which verify it again and check
// the tenant against the resource. Errors render through mux, like every
// other answer; a key store that cannot answer is a 500, not a 401.
func authenticate(v auth.Verifier, mux *runtime.ServeMux, next http.Handler) http.Handler {
	fail := func(w http.ResponseWriter, r *http.Request, err error) {
		_, m := runtime.MarshalerForRequest(mux, r)
		runtime.DefaultHTTPErrorHandler(r.Context(), mux, m, w, r, grpcserver.ToStatus(err).Err())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || bearer == "" {
			fail(w, r, errs.Unauthenticated("missing API key: send Authorization: Bearer <key>"))
			return
		}
		if _, err := v.Verify(r.Context(), bearer); err != nil {
			fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}
