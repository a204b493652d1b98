package grpc

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/eligibility/events"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/pbconv"
)

// EvaluateMember evaluates one member now and records the determination.
func (s *Server) EvaluateMember(ctx context.Context, req *eligibilityv1.EvaluateMemberRequest) (*eligibilityv1.Determination, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/members/{member}", req.GetName(), writers...)
	if err != nil {
		return nil, err
	}
	asOf, err := pbconv.ParseOptionalDate("as_of", req.GetAsOf(), s.app.Today())
	if err != nil {
		return nil, err
	}
	cy, err := year("contract_year", req.GetContractYear(), asOf)
	if err != nil {
		return nil, err
	}
	ref, err := ruleSetRef(ids[0], req.GetRuleSet())
	if err != nil {
		return nil, err
	}
	d, err := s.app.EvaluateMemberUnder(ctx, ids[0], ids[1], ref, cy, asOf)
	if err != nil {
		return nil, err
	}
	return determinationProto(d), nil
}

// GetDetermination reads one determination.
func (s *Server) GetDetermination(ctx context.Context, req *eligibilityv1.GetDeterminationRequest) (*eligibilityv1.Determination, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/members/{member}/determinations/{determination}", req.GetName(), readers...)
	if err != nil {
		return nil, err
	}
	d, err := s.app.GetDetermination(ctx, ids[0], ids[1], ids[2])
	if err != nil {
		return nil, err
	}
	return determinationProto(d), nil
}

// ListDeterminations lists a member's determinations, newest first.
func (s *Server) ListDeterminations(ctx context.Context, req *eligibilityv1.ListDeterminationsRequest) (*eligibilityv1.ListDeterminationsResponse, error) {
	ids, page, err := memberPage(ctx, req.GetParent(), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	ds, last, err := s.app.ListDeterminations(ctx, ids[0], ids[1], page)
	if err != nil {
		return nil, err
	}
	resp := &eligibilityv1.ListDeterminationsResponse{NextPageToken: paging.Token(last, last != "")}
	for _, d := range ds {
		resp.Determinations = append(resp.Determinations, determinationProto(d))
	}
	return resp, nil
}

var reasonProto = map[string]eligibilityv1.TargetingReason{
	domain.ReasonCriteria: eligibilityv1.TargetingReason_TARGETING_REASON_CRITERIA,
	domain.ReasonDMP:      eligibilityv1.TargetingReason_TARGETING_REASON_DMP_AT_RISK,
	domain.ReasonBoth:     eligibilityv1.TargetingReason_TARGETING_REASON_BOTH,
	"":                    eligibilityv1.TargetingReason_TARGETING_REASON_NONE,
}

var criterionProto = map[string]eligibilityv1.CriterionKind{
	domain.CriterionCoverage:         eligibilityv1.CriterionKind_CRITERION_KIND_COVERAGE,
	domain.CriterionChronicDiseases:  eligibilityv1.CriterionKind_CRITERION_KIND_CHRONIC_DISEASES,
	domain.CriterionMaintenanceDrugs: eligibilityv1.CriterionKind_CRITERION_KIND_MAINTENANCE_DRUGS,
	domain.CriterionAnnualCost:       eligibilityv1.CriterionKind_CRITERION_KIND_ANNUAL_COST,
	domain.CriterionDMPAtRisk:        eligibilityv1.CriterionKind_CRITERION_KIND_DMP_AT_RISK,
	domain.CriterionProgram:          eligibilityv1.CriterionKind_CRITERION_KIND_CEL,
}

var sourceProto = map[string]eligibilityv1.ConditionSource{
	domain.SourceDiagnosis: eligibilityv1.ConditionSource_CONDITION_SOURCE_DIAGNOSIS,
	domain.SourceDrug:      eligibilityv1.ConditionSource_CONDITION_SOURCE_DRUG,
	domain.SourceBoth:      eligibilityv1.ConditionSource_CONDITION_SOURCE_BOTH,
}

// diseaseProto maps formats.md disease keys to the enum.
var diseaseProto = map[string]eligibilityv1.ChronicDisease{
	"alzheimers":             eligibilityv1.ChronicDisease_CHRONIC_DISEASE_ALZHEIMERS,
	"bone_disease_arthritis": eligibilityv1.ChronicDisease_CHRONIC_DISEASE_BONE_DISEASE_ARTHRITIS,
	"chf":                    eligibilityv1.ChronicDisease_CHRONIC_DISEASE_CHF,
	"diabetes":               eligibilityv1.ChronicDisease_CHRONIC_DISEASE_DIABETES,
	"dyslipidemia":           eligibilityv1.ChronicDisease_CHRONIC_DISEASE_DYSLIPIDEMIA,
	"esrd":                   eligibilityv1.ChronicDisease_CHRONIC_DISEASE_ESRD,
	"hiv_aids":               eligibilityv1.ChronicDisease_CHRONIC_DISEASE_HIV_AIDS,
	"hypertension":           eligibilityv1.ChronicDisease_CHRONIC_DISEASE_HYPERTENSION,
	"mental_health":          eligibilityv1.ChronicDisease_CHRONIC_DISEASE_MENTAL_HEALTH,
	"respiratory":            eligibilityv1.ChronicDisease_CHRONIC_DISEASE_RESPIRATORY,
}

func determinationProto(d domain.RecordedDetermination) *eligibilityv1.Determination {
	out := &eligibilityv1.Determination{
		Name:                 events.DeterminationName(d.PlanID, d.MemberID, d.ID),
		ContractYear:         int32(d.ContractYear),
		AsOf:                 pbconv.Date(d.AsOf),
		RuleSet:              d.RuleSet,
		Eligible:             d.Eligible,
		TargetingReason:      reasonProto[d.Reason],
		MaintenanceDrugCount: int32(d.MaintenanceDrugCount),
		ProjectedAnnualCost:  pbconv.Cents(d.ProjectedAnnualCostCents),
		CreateTime:           timestamppb.New(d.CreatedAt),
	}
	for _, c := range d.Criteria {
		pc := &eligibilityv1.Criterion{Kind: criterionProto[c.Kind], Met: c.Met, Value: c.Value, Threshold: c.Threshold}
		for _, e := range c.Evidence {
			pc.Evidence = append(pc.Evidence, &eligibilityv1.Evidence{Kind: e.Kind, Id: e.ID, Date: pbconv.Date(e.Date), Detail: e.Detail})
		}
		out.Criteria = append(out.Criteria, pc)
	}
	for _, c := range d.Diseases {
		out.ChronicDiseases = append(out.ChronicDiseases, &eligibilityv1.ConditionFound{
			Disease: diseaseProto[c.Disease], Source: sourceProto[c.Source]})
	}
	return out
}
