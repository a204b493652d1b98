package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
)

// Programs is the part of the repository that keeps a plan's programs and
// their rule set versions.
type Programs interface {
	// CreateProgram stores a new program: AlreadyExists when the id is
	// taken, FailedPrecondition for a second Part D program of a plan.
	CreateProgram(ctx context.Context, p domain.PlanProgram, now time.Time) (domain.PlanProgram, error)
	GetProgram(ctx context.Context, planID, programID string) (domain.PlanProgram, error)
	// ListPrograms returns up to limit programs with ids after after, in id order.
	ListPrograms(ctx context.Context, planID, after string, limit int) ([]domain.PlanProgram, error)
	// PartDProgram returns the plan's Part D program; found is false when
	// the plan has none.
	PartDProgram(ctx context.Context, planID string) (p domain.PlanProgram, found bool, err error)
	// CreateRuleSet stores rs as its program's next version and returns it
	// with its version, name and creation time.
	CreateRuleSet(ctx context.Context, rs domain.RuleSet, now time.Time) (domain.RuleSet, error)
	GetRuleSet(ctx context.Context, planID, programID string, version int) (domain.RuleSet, error)
	// ListRuleSets returns up to limit versions of a program, newest first:
	// those below before (0: from the newest) of contractYear (0: any).
	// A program that does not exist is NotFound.
	ListRuleSets(ctx context.Context, planID, programID string, contractYear, before, limit int) ([]domain.RuleSet, error)
}

// CreateProgram validates and stores a new program of the plan.
func (a *App) CreateProgram(ctx context.Context, planID, programID, displayName string, kind domain.ProgramKind) (domain.PlanProgram, error) {
	p, err := domain.NewPlanProgram(planID, programID, displayName, kind)
	if err != nil {
		return domain.PlanProgram{}, err
	}
	return a.repo.CreateProgram(ctx, p, a.now().UTC())
}

// GetProgram reads one program.
func (a *App) GetProgram(ctx context.Context, planID, programID string) (domain.PlanProgram, error) {
	return a.repo.GetProgram(ctx, planID, programID)
}

// ListPrograms returns one page of a plan's programs in id order and the
// key to continue after ("" on the last page).
func (a *App) ListPrograms(ctx context.Context, planID string, page paging.Page) ([]domain.PlanProgram, string, error) {
	page.Size = pageSize(page.Size)
	ps, err := a.repo.ListPrograms(ctx, planID, page.After, page.Size+1)
	if err != nil || len(ps) <= page.Size {
		return ps, "", err
	}
	ps = ps[:page.Size]
	return ps, ps[len(ps)-1].ID, nil
}

// CreateRuleSet checks the rules file src against the bounds of the
// program's kind (domain.ParseRuleSet: the CMS bounds of the contract year
// for Part D, a CEL criterion otherwise) and stores it as the program's
// next version. contractYear, when not 0, must be the file's: it is the
// API's contract_year given beside a rules file.
func (a *App) CreateRuleSet(ctx context.Context, planID, programID string, src []byte, contractYear int) (domain.RuleSet, error) {
	p, err := a.repo.GetProgram(ctx, planID, programID)
	if err != nil {
		return domain.RuleSet{}, err
	}
	rules, err := domain.ParseRuleSet(src, p.Kind, a.ref)
	if err != nil {
		return domain.RuleSet{}, err
	}
	if contractYear != 0 && contractYear != rules.ContractYear {
		return domain.RuleSet{}, errs.Invalid(errs.Field("contract_year",
			fmt.Sprintf("must be left out or match the rules file's contract_year (%d)", rules.ContractYear)))
	}
	rs := domain.RuleSet{PlanID: planID, ProgramID: programID, Source: string(src), Rules: rules}
	return a.repo.CreateRuleSet(ctx, rs, a.now().UTC())
}

// GetRuleSet reads one rule set version.
func (a *App) GetRuleSet(ctx context.Context, planID, programID string, version int) (domain.RuleSet, error) {
	return a.repo.GetRuleSet(ctx, planID, programID, version)
}

// ListRuleSets returns one page of a program's rule set versions, newest
// first, only those of contractYear unless it is 0, and the key to
// continue after ("" on the last page).
func (a *App) ListRuleSets(ctx context.Context, planID, programID string, contractYear int, page paging.Page) ([]domain.RuleSet, string, error) {
	page.Size = pageSize(page.Size)
	before := 0
	if page.After != "" {
		n, err := strconv.Atoi(page.After)
		if err != nil || n <= 0 {
			return nil, "", errs.Invalid(errs.Field("page_token", "is not a token from a previous page"))
		}
		before = n
	}
	rss, err := a.repo.ListRuleSets(ctx, planID, programID, contractYear, before, page.Size+1)
	if err != nil || len(rss) <= page.Size {
		return rss, "", err
	}
	rss = rss[:page.Size]
	return rss, strconv.Itoa(rss[len(rss)-1].Version), nil
}

// pageSize is paging.Parse's default for a size of zero or less.
func pageSize(n int) int {
	if n <= 0 {
		return paging.DefaultSize
	}
	return n
}
