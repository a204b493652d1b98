package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/openmtm/openmtm/services/openmtm/suite"
	"github.com/openmtm/openmtm/services/platform/logging"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "openmtm",
		Short:         "OpenMTM runs a health plan's Medication Therapy Management program",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		// Every flag can also come from OPENMTM_<FLAG> (upper case, '-' → '_');
		// a flag on the command line wins.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return bindEnv(cmd.Flags()) },
	}
	root.AddCommand(newUpCmd(), newServeCmd(), newKeysCmd(), newImportCmd(), newEligibilityCmd(), newAdherenceCmd(), newScreenCmd(), newSynthCmd())
	return root
}

// common holds the flags of up and serve.
type common struct {
	cfg      suite.Config
	logLevel string
}

func (c *common) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.cfg.GRPCAddr, "grpc", "127.0.0.1:9090", "gRPC listen address")
	fs.StringVar(&c.cfg.PostgresURL, "postgres", "", "PostgreSQL URL (empty: SQLite files in --data)")
	fs.StringVar(&c.cfg.NATSURL, "nats", "", "NATS URL (empty: an embedded server storing JetStream in --data)")
	fs.StringVar(&c.cfg.SchemaPrefix, "schema-prefix", "", "prefix of every schema name, to share one database")
	fs.StringVar(&c.cfg.NATSNamespace, "nats-namespace", "", "prefix of every subject and stream, to share one NATS server")
	fs.StringVar(&c.cfg.ServiceKey, "service-key", "", "operator API key this process calls services of other processes with (prefer OPENMTM_SERVICE_KEY)")
	fs.StringVar(&c.cfg.BootstrapKey, "bootstrap-key", "", "operator API key to create at start (prefer OPENMTM_BOOTSTRAP_KEY: flags show in ps)")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.cfg.ReferenceDir, "reference", "", "folder of a plan's reference files replacing the shipped ones (drugs.csv, ndc.csv, icd10_core_diseases.csv, cms_rules.yaml)")
}

func (c *common) run(ctx context.Context) error {
	level, err := logging.ParseLevel(c.logLevel)
	if err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := logging.New(os.Stderr, level)
	stopTelemetry, err := suite.Telemetry(ctx, version)
	if err != nil {
		return err
	}
	defer stopTelemetry(context.WithoutCancel(ctx))
	p, err := suite.Start(ctx, c.cfg, logger)
	if err != nil {
		return err
	}
	return p.Run(ctx)
}

func newUpCmd() *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run every service, the gateway and an embedded NATS server on SQLite files",
		Long: `Runs the whole suite in one process with nothing to install: every service,
the REST gateway, an in-process NATS server with JetStream on disk, and SQLite
files, all under --data. Ready when GET /readyz answers 200.

On first start, when no API key exists and OPENMTM_BOOTSTRAP_KEY is unset, it
prints a new operator key once.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.cfg.Services = suite.ServiceNames()
			c.cfg.Gateway = true
			c.cfg.FirstKeyOut = os.Stderr
			return c.run(cmd.Context())
		},
	}
	c.register(cmd.Flags())
	cmd.Flags().StringVar(&c.cfg.DataDir, "data", "openmtm-data", "folder for SQLite files and the embedded NATS store")
	cmd.Flags().StringVar(&c.cfg.HTTPAddr, "http", "127.0.0.1:8080", "REST gateway listen address")
	return cmd
}

func newServeCmd() *cobra.Command {
	var (
		c         common
		upstreams []string
	)
	names := append(suite.ServiceNames(), "gateway")
	cmd := &cobra.Command{
		Use:   "serve SERVICE",
		Short: "Run one service (or the gateway) as a production pod would",
		Long: "Runs one of " + strings.Join(names, ", ") + ` against --postgres and --nats.
The gateway serves REST on --http and API keys on --grpc, and forwards each
API to the address given with --upstream API=HOST:PORT; a service that calls
another (targeting reads eligibility's records) finds it there too, calling
with --service-key.`,
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs: names,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := parseUpstreams(upstreams)
			if err != nil {
				return err
			}
			c.cfg.Upstreams = m
			if args[0] == "gateway" {
				c.cfg.Gateway = true
			} else {
				c.cfg.Services = []string{args[0]}
				c.cfg.HTTPAddr = ""
			}
			return c.run(cmd.Context())
		},
	}
	c.register(cmd.Flags())
	cmd.Flags().StringVar(&c.cfg.DataDir, "data", "", "folder for SQLite files and the embedded NATS store, when --postgres/--nats are not given")
	cmd.Flags().StringVar(&c.cfg.HTTPAddr, "http", "127.0.0.1:8080", "REST listen address (gateway only)")
	cmd.Flags().StringArrayVar(&upstreams, "upstream", nil, "API=HOST:PORT, where the gateway or a calling service finds an API (repeatable; APIs: "+strings.Join(append(suite.ServiceNames(), "identity"), ", ")+")")
	return cmd
}

func parseUpstreams(list []string) (map[string]string, error) {
	m := map[string]string{}
	for _, u := range list {
		api, addr, ok := strings.Cut(u, "=")
		if !ok || addr == "" {
			return nil, fmt.Errorf("--upstream %q: want API=HOST:PORT", u)
		}
		m[api] = addr
	}
	return m, nil
}

// bindEnv fills every flag not set on the command line from OPENMTM_<FLAG>.
// A repeatable flag takes a comma-separated list.
func bindEnv(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		env := "OPENMTM_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := os.LookupEnv(env)
		if !ok || f.Changed || err != nil {
			return
		}
		values := []string{v}
		if slices.Contains([]string{"stringArray", "stringSlice"}, f.Value.Type()) {
			values = strings.Split(v, ",")
		}
		for _, one := range values {
			if e := f.Value.Set(one); e != nil {
				err = fmt.Errorf("%s: %w", env, e)
				return
			}
		}
	})
	return err
}
