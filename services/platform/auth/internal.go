package auth

import (
	"context"
	"crypto/subtle"
)

// InternalTenant is the tenant of the calls one process's services make to
// each other with the process's internal token (see WithInternalToken).
const InternalTenant = KindOperators + "/suite"

// WithInternalToken returns a Verifier that takes token as an operator of
// the suite and asks next about every other bearer. A process makes a new
// random token at each start for the calls its services make to each
// other (targeting reading eligibility's records), so that nothing about
// it is stored and it dies with the process; calls between processes use a
// real operator key instead.
func WithInternalToken(next Verifier, token string) Verifier {
	return internalVerifier{next: next, token: []byte(token)}
}

type internalVerifier struct {
	next  Verifier
	token []byte
}

func (v internalVerifier) Verify(ctx context.Context, bearer string) (Identity, error) {
	if len(v.token) > 0 && subtle.ConstantTimeCompare([]byte(bearer), v.token) == 1 {
		return Identity{KeyID: "internal", Tenant: InternalTenant, Roles: []Role{RoleOperator}}, nil
	}
	return v.next.Verify(ctx, bearer)
}
