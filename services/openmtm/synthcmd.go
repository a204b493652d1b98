package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/openmtm/openmtm/services/eligibility/synth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
)

// newSynthCmd writes a synthetic population for benchmarks and demos.
func newSynthCmd() *cobra.Command {
	var (
		cfg       synth.Config
		out, asOf string
	)
	cmd := &cobra.Command{
		Use:   "synth",
		Short: "Write a synthetic Medicare Part D population as formats.md CSV files",
		Long: `Writes members.csv, rx_claims.csv and diagnoses.csv into --out: the ages,
chronic diseases and drug use of a Medicare population, refills with gaps and
early refills, reversals, and some DMP at-risk, hospice and ESRD members. The
same --members, --seed and --as-of give the same bytes on every run. The data
is fake: nobody in it is a real person.`,
		Example: `  openmtm synth --members 100000 --seed 1 --out ./synth`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("required: --out")
			}
			if asOf != "" {
				d, err := civil.Parse(asOf)
				if err != nil {
					return fmt.Errorf("--as-of: %w", err)
				}
				cfg.AsOf = d
			}
			ref, err := reference.Default()
			if err != nil {
				return err
			}
			stderr, start := cmd.ErrOrStderr(), time.Now()
			last := start
			progress := func(done int) { // called from one goroutine
				if now := time.Now(); now.Sub(last) >= 2*time.Second {
					last = now
					fmt.Fprintf(stderr, "synth: %d of %d members\n", done, cfg.Members)
				}
			}
			st, err := synth.Generate(cmd.Context(), cfg, ref, out, progress)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "synth: wrote %d members, %d claim rows (%d reversals), %d diagnoses to %s in %.1f s\n",
				st.Members, st.Claims, st.Reversals, st.Diagnoses, out, time.Since(start).Seconds())
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Members, "members", 1000, "how many members to write")
	f.Int64Var(&cfg.Seed, "seed", 1, "selects the population: the same seed gives the same files")
	f.StringVar(&out, "out", "", "folder to write the files into (created if missing)")
	f.StringVar(&asOf, "as-of", "", "last day of the claims, which span the year before it (default "+synth.DefaultAsOf.String()+")")
	return cmd
}
