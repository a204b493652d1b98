package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/reference"
)

// batchFlags are the flags the offline batch commands (eligibility,
// adherence, screen) share: the as-of day and a plan's reference folder.
type batchFlags struct{ asOf, refDir string }

func (b *batchFlags) register(f *pflag.FlagSet, asOfHelp string) {
	f.StringVar(&b.asOf, "as-of", "", asOfHelp)
	f.StringVar(&b.refDir, "reference", "", "folder with a plan's replacement reference files (drugs.csv, ndc.csv, icd10_core_diseases.csv, cms_rules.yaml)")
}

// resolve checks that the required flags are given, then reads --as-of
// (zero when not given) and --reference (nil: the embedded data).
// Required flags are checked here rather than with MarkFlagRequired, which
// runs before OPENMTM_<FLAG> variables are bound.
func (b *batchFlags) resolve(cmd *cobra.Command, required ...string) (civil.Date, *reference.Reference, error) {
	var missing []string
	for _, f := range required {
		if v := cmd.Flags().Lookup(f).Value.String(); v == "" || v == "0" {
			missing = append(missing, "--"+f)
		}
	}
	if len(missing) > 0 {
		return 0, nil, fmt.Errorf("required: %s", strings.Join(missing, ", "))
	}
	var asOf civil.Date
	if b.asOf != "" {
		d, err := civil.Parse(b.asOf)
		if err != nil {
			return 0, nil, fmt.Errorf("--as-of: %w", err)
		}
		asOf = d
	}
	if b.refDir == "" {
		return asOf, nil, nil
	}
	ref, err := reference.Load(b.refDir)
	if err != nil {
		return 0, nil, fmt.Errorf("--reference: %w", err)
	}
	return asOf, ref, nil
}
