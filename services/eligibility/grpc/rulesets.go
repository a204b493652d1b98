package grpc

import (
	"context"
	"strconv"

	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/pbconv"
	"github.com/openmtm/openmtm/services/platform/resource"
)

// CreateRuleSet adds the next immutable version of a program's rules. The
// rules come as a rules file (source_yaml) or as the typed fields; typed
// fields are written as a rules file first, so both are checked against the
// bounds by the same code.
func (s *Server) CreateRuleSet(ctx context.Context, req *eligibilityv1.CreateRuleSetRequest) (*eligibilityv1.RuleSet, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}/programs/{program}", req.GetParent(), writers...)
	if err != nil {
		return nil, err
	}
	in := req.GetRuleSet()
	if in == nil {
		return nil, errs.Invalid(errs.Field("rule_set", "is required"))
	}
	src, field, err := ruleSetSource(in)
	if err != nil {
		return nil, err
	}
	year := 0 // typed: the year is in src
	if in.GetSourceYaml() != "" {
		year = int(in.GetContractYear())
	}
	rs, err := s.app.CreateRuleSet(ctx, ids[0], ids[1], src, year)
	if err != nil {
		return nil, errs.MapFields(err, field)
	}
	return ruleSetProto(rs), nil
}

// GetRuleSet reads one rule set version.
func (s *Server) GetRuleSet(ctx context.Context, req *eligibilityv1.GetRuleSetRequest) (*eligibilityv1.RuleSet, error) {
	ids, err := resource.Parse("name", "plans/{plan}/programs/{program}/ruleSets/{version}", req.GetName())
	if err != nil {
		return nil, err
	}
	version, ok := parseVersion(ids[2])
	if !ok {
		return nil, errs.Invalid(errs.Field("name", "must end in a rule set version: a whole number from 1"))
	}
	if err := auth.Authorize(ctx, req.GetName(), readers...); err != nil {
		return nil, err
	}
	rs, err := s.app.GetRuleSet(ctx, ids[0], ids[1], version)
	if err != nil {
		return nil, err
	}
	return ruleSetProto(rs), nil
}

// ListRuleSets lists a program's rule set versions, newest first.
func (s *Server) ListRuleSets(ctx context.Context, req *eligibilityv1.ListRuleSetsRequest) (*eligibilityv1.ListRuleSetsResponse, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}/programs/{program}", req.GetParent(), readers...)
	if err != nil {
		return nil, err
	}
	if req.GetContractYear() < 0 {
		return nil, errs.Invalid(errs.Field("contract_year", "must not be negative (0 lists every year)"))
	}
	page, err := paging.Parse(req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	rss, last, err := s.app.ListRuleSets(ctx, ids[0], ids[1], int(req.GetContractYear()), page)
	if err != nil {
		return nil, err
	}
	resp := &eligibilityv1.ListRuleSetsResponse{NextPageToken: paging.Token(last, last != "")}
	for _, rs := range rss {
		resp.RuleSets = append(resp.RuleSets, ruleSetProto(rs))
	}
	return resp, nil
}

// ruleSetSource returns the rules file of in, and how to name the fields of
// its violations in the request: rule_set.<key> (a rules file's whole-file
// problems on rule_set.source_yaml, a typed CEL problem on
// rule_set.cel_expression).
func ruleSetSource(in *eligibilityv1.RuleSet) (src []byte, field func(string) string, err error) {
	if text := in.GetSourceYaml(); text != "" {
		var v errs.Violations
		for _, f := range []struct {
			name  string
			given bool
		}{
			{"min_chronic_diseases", in.GetMinChronicDiseases() != 0},
			{"min_maintenance_drugs", in.GetMinMaintenanceDrugs() != 0},
			{"cost_threshold", in.GetCostThreshold() != nil},
			{"windows", in.GetWindows() != nil},
			{"cel_expression", in.GetCelExpression() != ""},
		} {
			if f.given {
				v.Add("rule_set."+f.name, "must be left out when source_yaml is given: the rules file holds every setting")
			}
		}
		if err := v.Err(); err != nil {
			return nil, nil, err
		}
		return []byte(text), func(f string) string {
			if f == "rules" {
				return "rule_set.source_yaml"
			}
			return "rule_set." + f
		}, nil
	}
	fields := domain.RuleSetFields{
		ContractYear:        int(in.GetContractYear()),
		MinChronicDiseases:  int(in.GetMinChronicDiseases()),
		MinMaintenanceDrugs: int(in.GetMinMaintenanceDrugs()),
		ChronicDiseaseDays:  int(in.GetWindows().GetChronicDiseaseDays()),
		MaintenanceDrugDays: int(in.GetWindows().GetMaintenanceDrugDays()),
		CostDays:            int(in.GetWindows().GetCostDays()),
		CEL:                 in.GetCelExpression(),
	}
	if c := in.GetCostThreshold(); c != nil {
		if cc := c.GetCurrencyCode(); cc != "" && cc != "USD" {
			return nil, nil, errs.Invalid(errs.Field("rule_set.cost_threshold.currency_code", "must be USD (or empty): CMS thresholds are in US dollars"))
		}
		cents := c.GetCents()
		fields.CostThresholdCents = &cents
	}
	src, err = fields.YAML()
	if err != nil {
		return nil, nil, err
	}
	return src, func(f string) string {
		switch f {
		case "rules":
			return "rule_set"
		case "cel":
			return "rule_set.cel_expression"
		}
		return "rule_set." + f
	}, nil
}

// ruleSetRef reads EvaluateMemberRequest.rule_set: empty (the plan's Part
// D program), a program name (its latest rule set of the contract year) or
// a rule set version's name. A name under another plan than the member's is
// NotFound, as another tenant's resource is.
func ruleSetRef(planID, name string) (app.RuleSetRef, error) {
	if name == "" {
		return app.RuleSetRef{}, nil
	}
	if ids, err := resource.Parse("rule_set", "plans/{plan}/programs/{program}/ruleSets/{version}", name); err == nil {
		version, ok := parseVersion(ids[2])
		if !ok {
			return app.RuleSetRef{}, errs.Invalid(errs.Field("rule_set", "must end in a rule set version: a whole number from 1"))
		}
		if ids[0] != planID {
			return app.RuleSetRef{}, errs.NotFound("%s not found", name)
		}
		return app.RuleSetRef{ProgramID: ids[1], Version: version}, nil
	}
	ids, err := resource.Parse("rule_set", "plans/{plan}/programs/{program}", name)
	if err != nil {
		return app.RuleSetRef{}, errs.Invalid(errs.Field("rule_set",
			"must name a rule set (plans/{plan}/programs/{program}/ruleSets/{version}) or a program (plans/{plan}/programs/{program}) of the member's plan"))
	}
	if ids[0] != planID {
		return app.RuleSetRef{}, errs.NotFound("%s not found", name)
	}
	return app.RuleSetRef{ProgramID: ids[1]}, nil
}

// parseVersion reads a rule set version: a whole number from 1, written
// without leading zeros so one version has one name.
func parseVersion(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

func ruleSetProto(rs domain.RuleSet) *eligibilityv1.RuleSet {
	r := rs.Rules
	out := &eligibilityv1.RuleSet{
		Name:                rs.Name(),
		ContractYear:        int32(r.ContractYear),
		MinChronicDiseases:  int32(r.MinDiseases),
		MinMaintenanceDrugs: int32(r.MinDrugs),
		Windows: &eligibilityv1.CountingWindows{
			ChronicDiseaseDays:  int32(r.DiseaseWindowDays),
			MaintenanceDrugDays: int32(r.DrugWindowDays),
			CostDays:            int32(r.CostWindowDays),
		},
		CreateTime: timestamppb.New(rs.CreatedAt),
	}
	if r.Kind == domain.PartD {
		out.CostThreshold = pbconv.Cents(r.CostThresholdCents)
	}
	if r.Program != nil {
		out.CelExpression = r.Program.Source()
	}
	return out
}
