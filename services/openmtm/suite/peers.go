package suite

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"slices"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/telemetry"
)

// peers dials the services a service calls: over loopback with the
// process's internal token when the callee runs in this process, else at
// its --upstream address with the operator key of --service-key.
type peers struct {
	cfg      Config
	local    string // this process's gRPC address
	internal string // this process's internal token

	mu    sync.Mutex
	conns map[string]*grpc.ClientConn
}

// newInternalToken returns a random bearer that lives as long as the process.
func newInternalToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("internal token: %w", err)
	}
	return "internal_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// dial returns the shared connection to service name.
func (p *peers) dial(name string) (grpc.ClientConnInterface, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.conns[name]; ok {
		return c, nil
	}
	addr, bearer := p.local, p.internal
	if !slices.Contains(p.cfg.Services, name) {
		addr = p.cfg.Upstreams[name]
		if addr == "" {
			return nil, fmt.Errorf("this process calls %s: run it here too or give --upstream %s=HOST:PORT", name, name)
		}
		if p.cfg.ServiceKey == "" {
			return nil, fmt.Errorf("this process calls %s in another process: give --service-key (OPENMTM_SERVICE_KEY), an operator key", name)
		}
		bearer = p.cfg.ServiceKey
	}
	c, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(auth.BearerCredentials(bearer)),
		grpc.WithStatsHandler(telemetry.GRPCClientHandler()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)))
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", name, err)
	}
	if p.conns == nil {
		p.conns = map[string]*grpc.ClientConn{}
	}
	p.conns[name] = c
	return c, nil
}

func (p *peers) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
