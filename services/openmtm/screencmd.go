package main

import (
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	scrbatch "github.com/openmtm/openmtm/services/targeting/screening/batch"
)

// screenGCPercent is the screen command's GOGC unless the environment sets
// one. What the batch keeps is pointer-free, so a collection costs little
// however much it keeps, while the default of 100 lets the garbage of
// parsed rows grow as large as that before collecting it: a quarter keeps
// the peak near what is kept (at 300,000 members: 340 MB against 510 MB,
// in the same time).
const screenGCPercent = 25

// newScreenCmd is the offline drug therapy problem screening command
// (services/README.md): CSV files in, one JSON line per finding out, no
// server.
func newScreenCmd() *cobra.Command {
	var (
		cfg   scrbatch.Config
		flags batchFlags
	)
	cmd := &cobra.Command{
		Use:   "screen",
		Short: "Screen every member in CSV files for drug therapy problems, offline (JSON Lines on stdout)",
		Long: `Reads members.csv, rx_claims.csv and optionally diagnoses.csv (the OpenMTM
file formats), screens every member on --as-of with the targeting service's
own rules (non-adherence from PQA PDC, refill gaps, therapeutic duplication,
PQA SUPD and COB, AGS Beers Criteria, drug interactions, polypharmacy), and
writes one JSON object per finding to standard output, in members.csv order
and per member in rule order:

  {"member_id":"M001","rule_id":"refill_overdue","rule_set_version":"2026.11.1",
   "key":"refill_overdue:atorvastatin","category":"nonadherence","reason_code":"SC",
   "severity":"moderate","description":"Refill of atorvastatin is overdue by 12 days",
   "source":"...","evidence":{"claims":[{"claim_id":"C17","fill_date":"2025-10-02",
   "generic_name":"atorvastatin","days_supply":90}],...}}

The adherence rule judges the PQA PDC of --measurement-year (default: the
as-of date's year) measured to the as-of date. --config is a plan's screening
configuration in YAML (rules switched off, thresholds changed). Progress and
a summary go to standard error. A bad row stops the run with the file, line,
column and problem, and nothing on standard output. Memory grows with members
and the claims of the rules' look-back, not rows; rx_claims.csv must be a
regular file that does not change during the run (claim ids are read back
from it).`,
		Example: `  openmtm screen --as-of 2025-12-31 \
    --members members.csv --claims rx_claims.csv --diagnoses diagnoses.csv > findings.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asOf, ref, err := flags.resolve(cmd, "as-of", "members", "claims")
			if err != nil {
				return err
			}
			cfg.AsOf, cfg.Reference = asOf, ref
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(screenGCPercent)
			}
			return scrbatch.Run(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	flags.register(f, "day screened, inclusive (YYYY-MM-DD)")
	f.IntVar(&cfg.Year, "measurement-year", 0, "measurement year of the PDCs (default: the as-of date's year)")
	f.StringVar(&cfg.Members, "members", "", "members.csv")
	f.StringVar(&cfg.Claims, "claims", "", "rx_claims.csv (a regular file)")
	f.StringVar(&cfg.Diagnoses, "diagnoses", "", "diagnoses.csv (optional: exclusions and diagnosis-bound interactions, ESRD for PDC)")
	f.StringVar(&cfg.Rules, "config", "", "a plan's screening configuration (YAML: rules switched off, thresholds)")
	f.BoolVar(&cfg.ParseOnly, "parse-only", false, "read and parse the files, screen nothing (the benchmark floor)")
	_ = f.MarkHidden("parse-only")
	return cmd
}
