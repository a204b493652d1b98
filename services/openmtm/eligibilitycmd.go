package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openmtm/openmtm/services/eligibility/batch"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
)

// newEligibilityCmd is formats.md's offline batch command: CSV files in,
// one JSON line per member out, no server.
func newEligibilityCmd() *cobra.Command {
	var (
		cfg          batch.Config
		asOf, refDir string
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
			// Checked here rather than with MarkFlagRequired, which runs
			// before OPENMTM_<FLAG> variables are bound.
			var missing []string
			for _, f := range []string{"contract-year", "as-of", "members", "claims"} {
				if v := cmd.Flags().Lookup(f).Value.String(); v == "" || v == "0" {
					missing = append(missing, "--"+f)
				}
			}
			if len(missing) > 0 {
				return fmt.Errorf("required: %s", strings.Join(missing, ", "))
			}
			d, err := civil.Parse(asOf)
			if err != nil {
				return fmt.Errorf("--as-of: %w", err)
			}
			cfg.AsOf = d
			if refDir != "" {
				if cfg.Reference, err = reference.Load(refDir); err != nil {
					return fmt.Errorf("--reference: %w", err)
				}
			}
			return batch.Run(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.ContractYear, "contract-year", 0, "CMS contract year whose rules apply, e.g. 2025")
	f.StringVar(&asOf, "as-of", "", "day the counting windows end on, inclusive (YYYY-MM-DD)")
	f.StringVar(&cfg.Members, "members", "", "members.csv")
	f.StringVar(&cfg.Claims, "claims", "", "rx_claims.csv (a regular file)")
	f.StringVar(&cfg.Diagnoses, "diagnoses", "", "diagnoses.csv (optional)")
	f.StringVar(&cfg.Rules, "rules", "", "a plan's Part D rules file (YAML); default: the CMS maxima of the contract year")
	f.StringVar(&refDir, "reference", "", "folder with a plan's replacement reference files (drugs.csv, ndc.csv, icd10_core_diseases.csv, cms_rules.yaml)")
	f.BoolVar(&cfg.ParseOnly, "parse-only", false, "read and parse the files, evaluate nothing (the benchmark floor)")
	_ = f.MarkHidden("parse-only")
	return cmd
}
