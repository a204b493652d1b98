package batch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// maxRulesBytes bounds a rules file read; domain.ParseRuleSet refuses
// anything over 64 KiB, and one byte more is enough to let it say so.
const maxRulesBytes = 64<<10 + 1

// rules returns the rules of the run: the plan's Part D rules file when
// cfg names one, else the CMS maxima of the contract year. A year without a
// confirmed CMS cost threshold (CY2026 today) is refused until a rules file
// supplies one.
func (cfg Config) rules() (domain.Rules, error) {
	if cfg.Rules == "" {
		r, err := domain.CMSMaxima(cfg.Reference, cfg.ContractYear)
		if err != nil {
			return domain.Rules{}, fmt.Errorf("%w; offline, give a Part D rules file (--rules)", err)
		}
		return r, nil
	}
	f, err := os.Open(cfg.Rules)
	if err != nil {
		return domain.Rules{}, fmt.Errorf("rules: %w", err)
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxRulesBytes))
	if err != nil {
		return domain.Rules{}, fmt.Errorf("rules: read %s: %w", cfg.Rules, err)
	}
	r, err := domain.ParseRuleSet(src, domain.PartD, cfg.Reference)
	if err != nil {
		return domain.Rules{}, fmt.Errorf("%s: %w", cfg.Rules, Describe("invalid rules", err))
	}
	if r.ContractYear != cfg.ContractYear {
		return domain.Rules{}, fmt.Errorf("%s: contract_year is %d, but the run is for contract year %d",
			cfg.Rules, r.ContractYear, cfg.ContractYear)
	}
	return r, nil
}

// Describe spells out every violation of an invalid argument, where the
// error's message names only the fields when there are several.
func Describe(what string, err error) error {
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Violations) < 2 {
		return err
	}
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Field + ": " + v.Problem
	}
	return fmt.Errorf("%s: %s", what, strings.Join(parts, "; "))
}
