// Package suite runs OpenMTM services in one process: every service, the
// gateway and an embedded NATS server on SQLite files (`openmtm up`), or one
// service against PostgreSQL and a NATS cluster (`openmtm serve`).
package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/openmtm/openmtm/services/billing"
	documentation "github.com/openmtm/openmtm/services/documentation"
	"github.com/openmtm/openmtm/services/eligibility"
	"github.com/openmtm/openmtm/services/platform/service"
	"github.com/openmtm/openmtm/services/scheduling"
	"github.com/openmtm/openmtm/services/targeting"
)

// constructors builds each service by name.
var constructors = map[string]func(context.Context, service.Deps) (service.Service, error){
	eligibility.Name: func(ctx context.Context, d service.Deps) (service.Service, error) {
		return eligibility.New(ctx, d)
	},
	targeting.Name: func(ctx context.Context, d service.Deps) (service.Service, error) {
		return targeting.New(ctx, d)
	},
	scheduling.Name:    scheduling.New,
	documentation.Name: documentation.New,
	billing.Name:       billing.New,
}

// ServiceNames lists the services in start order.
func ServiceNames() []string {
	names := make([]string, 0, len(constructors))
	for n := range constructors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Config says what one process runs and where.
type Config struct {
	// Services to run in this process.
	Services []string
	// Gateway runs the REST edge (HTTPAddr) and the API-key service.
	Gateway bool
	// DataDir holds SQLite files and the embedded NATS store.
	DataDir string
	// HTTPAddr is the gateway's listen address.
	HTTPAddr string
	// GRPCAddr is the gRPC listen address of the process.
	GRPCAddr string
	// PostgresURL selects PostgreSQL; empty means SQLite files in DataDir.
	PostgresURL string
	// NATSURL selects an external NATS; empty means an embedded server.
	NATSURL string
	// SchemaPrefix is put before every schema name, so several suites can
	// share one database (tests, staging).
	SchemaPrefix string
	// NATSNamespace prefixes subjects and streams, so several suites can
	// share one NATS server (tests).
	NATSNamespace string
	// Upstreams says where the gateway and this process's services find an
	// API served elsewhere ("eligibility" → "host:port"); an API served in
	// this process is found on GRPCAddr.
	Upstreams map[string]string
	// ServiceKey is the operator key this process's services call services
	// of other processes with (targeting reading eligibility's records); it
	// is created in the key store at start when missing, so every process
	// of a deployment can be given the same random one. Services of one
	// process call each other with a token of their own.
	ServiceKey string
	// BootstrapKey, when set, is created as an operator key at start.
	BootstrapKey string
	// FirstKeyOut, when set and no key exists, receives a new operator key.
	FirstKeyOut io.Writer
	// ReferenceDir holds a plan's replacement reference files (drugs.csv,
	// ndc.csv, icd10_core_diseases.csv, cms_rules.yaml); empty: shipped ones.
	ReferenceDir string
}

// Validate reports every problem with the configuration at once.
func (c Config) Validate() error {
	var problems []error
	for _, s := range c.Services {
		if _, ok := constructors[s]; !ok {
			problems = append(problems, fmt.Errorf("unknown service %q (want one of %s)", s, strings.Join(ServiceNames(), ", ")))
		}
	}
	if len(c.Services) == 0 && !c.Gateway {
		problems = append(problems, errors.New("nothing to run: no service and no gateway"))
	}
	if c.Gateway && c.HTTPAddr == "" {
		problems = append(problems, errors.New("the gateway needs an HTTP address (--http)"))
	}
	if c.GRPCAddr == "" {
		problems = append(problems, errors.New("a gRPC address is required (--grpc)"))
	}
	if c.PostgresURL == "" && c.DataDir == "" {
		problems = append(problems, errors.New("either --postgres or --data is required"))
	}
	if c.PostgresURL != "" && !strings.HasPrefix(c.PostgresURL, "postgres://") && !strings.HasPrefix(c.PostgresURL, "postgresql://") {
		problems = append(problems, errors.New("--postgres must be a postgres:// URL"))
	}
	for api := range c.Upstreams {
		if !slices.Contains(ServiceNames(), api) && api != "identity" {
			problems = append(problems, fmt.Errorf("unknown upstream %q", api))
		}
	}
	return errors.Join(problems...)
}

func (c Config) storeURL() string {
	if c.PostgresURL != "" {
		return c.PostgresURL
	}
	return "sqlite:" + filepath.Join(c.DataDir, "db")
}

func (c Config) logAttrs() []any {
	store := "sqlite"
	if c.PostgresURL != "" {
		store = "postgres"
	}
	nats := "none"
	switch {
	case len(c.Services) == 0:
	case c.NATSURL != "":
		nats = "external"
	default:
		nats = "embedded"
	}
	return []any{"services", c.Services, "gateway", c.Gateway, "store", store, "nats", nats}
}
