package app

import (
	"context"
	"fmt"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// RuleSetRef names the rules an evaluation runs under: nothing (the zero
// value: the plan's Part D program), one program (its latest rule set of the
// contract year), or one version of a program.
type RuleSetRef struct {
	// ProgramID is the program; "" for the plan's Part D program.
	ProgramID string
	// Version is one rule set version; 0 for the latest of the contract year.
	Version int
}

// rulesFor returns the rules a plan evaluates contractYear under when a
// request names none: the latest rule set of the year of the plan's Part D
// program, else the CMS maxima of the year.
func (a *App) rulesFor(ctx context.Context, planID string, contractYear int) (domain.Rules, error) {
	return a.rulesOf(ctx, planID, RuleSetRef{}, contractYear)
}

// rulesOf returns the rules ref names for contractYear:
//
//   - a version: exactly that version, which must be of contractYear;
//   - a program: its latest rule set of contractYear; without one, a Part D
//     program runs under the CMS maxima and any other kind cannot run (its
//     criterion lives only in its rule sets);
//   - nothing: the same for the plan's Part D program, or the CMS maxima
//     when the plan has none.
//
// The CMS maxima of a year without a confirmed cost threshold (CY2026) are
// a FailedPrecondition saying where to upload a rule set.
func (a *App) rulesOf(ctx context.Context, planID string, ref RuleSetRef, contractYear int) (domain.Rules, error) {
	switch {
	case ref.ProgramID == "":
		p, found, err := a.repo.PartDProgram(ctx, planID)
		if err != nil {
			return domain.Rules{}, fmt.Errorf("find the plan's part d program: %w", err)
		}
		if !found {
			return a.cmsMaxima(planID, nil, contractYear)
		}
		return a.latestRules(ctx, p, contractYear)
	case ref.Version == 0:
		p, err := a.repo.GetProgram(ctx, planID, ref.ProgramID)
		if err != nil {
			return domain.Rules{}, err
		}
		return a.latestRules(ctx, p, contractYear)
	}
	rs, err := a.repo.GetRuleSet(ctx, planID, ref.ProgramID, ref.Version)
	if err != nil {
		return domain.Rules{}, err
	}
	if rs.Rules.ContractYear != contractYear {
		return domain.Rules{}, errs.Invalid(errs.Field("rule_set", fmt.Sprintf(
			"is a rule set for contract year %d, not %d (the request's contract_year, or the as-of date's year when unset)",
			rs.Rules.ContractYear, contractYear)))
	}
	return rs.Rules, nil
}

// latestRules returns the newest rule set of program p for contractYear.
func (a *App) latestRules(ctx context.Context, p domain.PlanProgram, contractYear int) (domain.Rules, error) {
	rss, err := a.repo.ListRuleSets(ctx, p.PlanID, p.ID, contractYear, 0, 1)
	if err != nil {
		return domain.Rules{}, fmt.Errorf("latest rule set of %s for %d: %w", p.Name(), contractYear, err)
	}
	if len(rss) == 1 {
		return rss[0].Rules, nil
	}
	if p.Kind != domain.PartD {
		return domain.Rules{}, errs.FailedPrecondition(
			"%s has no rule set for contract year %d: create one with its cel criterion", p.Name(), contractYear)
	}
	return a.cmsMaxima(p.PlanID, &p, contractYear)
}

// cmsMaxima returns the CMS maxima of contractYear. When the year is known
// but has no confirmed cost threshold, the error says where the plan must
// upload one: into partD, or into a Part D program it has yet to create.
func (a *App) cmsMaxima(planID string, partD *domain.PlanProgram, contractYear int) (domain.Rules, error) {
	rules, err := domain.CMSMaxima(a.ref, contractYear)
	if err == nil {
		return rules, nil
	}
	if _, known := a.ref.CMSRulesFor(contractYear); !known || errs.KindOf(err) != errs.KindFailedPrecondition {
		return domain.Rules{}, err
	}
	where := fmt.Sprintf("create a program of kind PART_D in plans/%s, then a rule set in it", planID)
	if partD != nil {
		where = "create a rule set in " + partD.Name()
	}
	return domain.Rules{}, errs.FailedPrecondition(
		"contract year %d has no confirmed CMS cost threshold and the plan has no rule set for it: %s with contract_year %d and cost_threshold",
		contractYear, where, contractYear)
}
