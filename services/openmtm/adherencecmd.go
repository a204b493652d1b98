package main

import (
	"github.com/spf13/cobra"

	adhbatch "github.com/openmtm/openmtm/services/targeting/adherence/batch"
)

// newAdherenceCmd is formats.md's offline PQA PDC command: CSV files in,
// one JSON line per member and measure in the denominator out, no server.
func newAdherenceCmd() *cobra.Command {
	var (
		cfg   adhbatch.Config
		flags batchFlags
	)
	cmd := &cobra.Command{
		Use:   "adherence",
		Short: "Compute PQA PDC adherence (diabetes, rasa, statins) of every member in CSV files, offline (JSON Lines on stdout)",
		Long: `Reads members.csv, rx_claims.csv and optionally diagnoses.csv and
inpatient_stays.csv (the OpenMTM file formats, formats.md and services/README.md),
computes the three Part D PQA proportion-of-days-covered measures of
--measurement-year with the targeting service's own code, and writes one JSON
object per member and measure in the denominator to standard output, in
members.csv order, measures in the order diabetes, rasa, statins:

  {"member_id":"M001","measure":"statins","pdc":0.8356,"adherent":true,
   "days_covered":290,"treatment_days":347}

--as-of measures to date: rows after it are ignored and treatment periods end
on it at the latest (default: the end of the year). Inpatient stays, when
given, are removed from treatment periods and the supply that falls on them
moves to after discharge. Progress and a summary with each measure's rate go
to standard error. A bad row stops the run with the file, line, column and
problem, and nothing on standard output. Memory grows with members, not
rows; rx_claims.csv must be a regular file (reversals are collected in a
first, quick read).`,
		Example: `  openmtm adherence --measurement-year 2025 \
    --members members.csv --claims rx_claims.csv --diagnoses diagnoses.csv > adherence.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			asOf, ref, err := flags.resolve(cmd, "measurement-year", "members", "claims")
			if err != nil {
				return err
			}
			cfg.AsOf, cfg.Reference = asOf, ref
			return adhbatch.Run(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Year, "measurement-year", 0, "measurement year, e.g. 2025")
	flags.register(f, "last day of data, inclusive (YYYY-MM-DD; default: the end of the measurement year)")
	f.StringVar(&cfg.Members, "members", "", "members.csv")
	f.StringVar(&cfg.Claims, "claims", "", "rx_claims.csv (a regular file)")
	f.StringVar(&cfg.Diagnoses, "diagnoses", "", "diagnoses.csv (optional: ESRD exclusion)")
	f.StringVar(&cfg.Stays, "inpatient-stays", "", "inpatient_stays.csv (optional: inpatient-stay adjustment)")
	f.BoolVar(&cfg.ParseOnly, "parse-only", false, "read and parse the files, compute nothing (the benchmark floor)")
	_ = f.MarkHidden("parse-only")
	return cmd
}
