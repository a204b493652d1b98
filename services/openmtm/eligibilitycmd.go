package main

import (
	"github.com/spf13/cobra"

	"github.com/openmtm/openmtm/services/eligibility/batch"
)

// newEligibilityCmd is formats.md's offline batch command: CSV files in,
// one JSON line per member out, no server.
func newEligibilityCmd() *cobra.Command {
	var (
		cfg   batch.Config
		flags batchFlags
	)
	cmd := &cobra.Command{
		Use:   "eligibility",
		Short: "Evaluate MTM eligibility of every member in CSV files, offline (JSON Lines on stdout)",
		Long: `Reads members.csv, rx_claims.csv and optionally diagnoses.csv (the OpenMTM
file formats, formats.md), evaluates every member as of --as-of under the CMS
maxima of --contract-year (or a plan's Part D rules file, --rules) with the
eligibility service's own evaluator, and writes one JSON object per member to
standard output, in members.csv order:

  {"member_id":"M001","eligible":true,"targeting_reason":"01",
   "chronic_diseases":[{"disease":"diabetes","source":"diagnosis"}],
   "maintenance_drug_count":9,"projected_annual_cost":"2140.00","dmp_at_risk":false}

Progress and a summary go to standard error. A bad row stops the run with the
file, line, column and problem, and nothing on standard output. Memory grows
with members, not claims; rx_claims.csv must be a regular file (reversals are
collected in a first, quick read).`,
		Example: `  openmtm eligibility --contract-year 2025 --as-of 2025-06-30 \
    --members members.csv --claims rx_claims.csv --diagnoses diagnoses.csv > eligibility.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asOf, ref, err := flags.resolve(cmd, "contract-year", "as-of", "members", "claims")
			if err != nil {
				return err
			}
			cfg.AsOf, cfg.Reference = asOf, ref
			return batch.Run(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.ContractYear, "contract-year", 0, "CMS contract year whose rules apply, e.g. 2025")
	flags.register(f, "day the counting windows end on, inclusive (YYYY-MM-DD)")
	f.StringVar(&cfg.Members, "members", "", "members.csv")
	f.StringVar(&cfg.Claims, "claims", "", "rx_claims.csv (a regular file)")
	f.StringVar(&cfg.Diagnoses, "diagnoses", "", "diagnoses.csv (optional)")
	f.StringVar(&cfg.Rules, "rules", "", "a plan's Part D rules file (YAML); default: the CMS maxima of the contract year")
	f.BoolVar(&cfg.ParseOnly, "parse-only", false, "read and parse the files, evaluate nothing (the benchmark floor)")
	_ = f.MarkHidden("parse-only")
	return cmd
}
