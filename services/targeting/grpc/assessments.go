package grpc

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	targetingv1 "github.com/openmtm/openmtm/gen/openmtm/targeting/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/pbconv"
	"github.com/openmtm/openmtm/services/targeting/domain"
)

// RunTargeting reassesses every enrolled member of a plan.
func (s *Server) RunTargeting(ctx context.Context, req *targetingv1.RunTargetingRequest) (*targetingv1.TargetingRun, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	asOf, err := pbconv.ParseOptionalDate("as_of", req.GetAsOf(), 0)
	if err != nil {
		return nil, err
	}
	c, err := s.app.RunTargeting(ctx, ids[0], asOf)
	if err != nil {
		return nil, err
	}
	return &targetingv1.TargetingRun{Members: c.Members, FindingsCreated: c.FindingsCreated,
		InterventionsCreated: c.InterventionsCreated}, nil
}

// ListFindings lists a member's open drug therapy problems, most severe
// first.
func (s *Server) ListFindings(ctx context.Context, req *targetingv1.ListFindingsRequest) (*targetingv1.ListFindingsResponse, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}/members/{member}", req.GetParent(), auth.RoleAnalyst, auth.RolePharmacist)
	if err != nil {
		return nil, err
	}
	page, err := paging.Parse(req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	fs, err := s.app.ListFindings(ctx, ids[0], ids[1])
	if err != nil {
		return nil, err
	}
	start := 0
	if page.After != "" {
		start = -1
		for i, f := range fs {
			if f.ID == page.After {
				start = i + 1
			}
		}
		if start < 0 {
			return nil, errs.Invalid(errs.Field("page_token", "is not a token from a previous page"))
		}
	}
	fs = fs[start:]
	more := len(fs) > page.Size
	fs = fs[:min(len(fs), page.Size)]
	resp := &targetingv1.ListFindingsResponse{}
	for _, f := range fs {
		resp.Findings = append(resp.Findings, findingProto(req.GetParent(), f))
	}
	if more {
		resp.NextPageToken = paging.Token(fs[len(fs)-1].ID, true)
	}
	return resp, nil
}

func findingProto(member string, f domain.Finding) *targetingv1.Finding {
	out := &targetingv1.Finding{
		Name:             member + "/findings/" + f.ID,
		Rule:             f.RuleID,
		RuleVersion:      f.RuleSetVersion,
		Category:         typev1.ProblemCategory(f.Category),
		ReasonForService: f.ReasonCode,
		Severity:         typev1.Severity(f.Severity),
		Description:      f.Description,
		CreateTime:       timestamppb.New(f.FoundAt),
	}
	ev := f.Evidence
	for _, c := range ev.Claims {
		out.Evidence = append(out.Evidence, &targetingv1.FindingEvidence{Kind: "claim", Id: c.ClaimID,
			Date: pbconv.Date(c.FillDate), Detail: c.GenericName})
	}
	for _, d := range ev.Diagnoses {
		out.Evidence = append(out.Evidence, &targetingv1.FindingEvidence{Kind: "diagnosis", Id: d.ICD10,
			Date: pbconv.Date(d.ServiceDate)})
	}
	return out
}

// ListMeasureResults lists a member's adherence measure results.
func (s *Server) ListMeasureResults(ctx context.Context, req *targetingv1.ListMeasureResultsRequest) (*targetingv1.ListMeasureResultsResponse, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}/members/{member}", req.GetParent(), auth.RoleAnalyst, auth.RolePharmacist)
	if err != nil {
		return nil, err
	}
	ms, err := s.app.ListMeasureResults(ctx, ids[0], ids[1], int(req.GetMeasurementYear()))
	if err != nil {
		return nil, err
	}
	resp := &targetingv1.ListMeasureResultsResponse{}
	for _, m := range ms {
		mp := &targetingv1.MeasureResult{
			Measure: m.Measure, MeasurementYear: int32(m.Year), Pdc: m.PDC, Adherent: m.Adherent,
			DaysCovered: int32(m.DaysCovered), TreatmentDays: int32(m.TreatmentDays), ProjectedPdc: m.ProjectedPDC,
		}
		if m.RefillBy != 0 {
			mp.RefillBy = pbconv.Date(m.RefillBy)
		}
		for _, f := range m.Fills {
			mp.Fills = append(mp.Fills, &targetingv1.FillUsed{ClaimId: f.ClaimID, GenericName: f.GenericName,
				FillDate: pbconv.Date(f.FillDate), CountedFrom: pbconv.Date(f.CountedFrom), DaysSupply: f.DaysSupply})
		}
		resp.Results = append(resp.Results, mp)
	}
	return resp, nil
}

// GetPriority reads an enrolled member's priority with each term.
func (s *Server) GetPriority(ctx context.Context, req *targetingv1.GetPriorityRequest) (*targetingv1.Priority, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/members/{member}/priority", req.GetName(), auth.RoleAnalyst, auth.RolePharmacist)
	if err != nil {
		return nil, err
	}
	p, err := s.app.GetPriority(ctx, ids[0], ids[1])
	if err != nil {
		return nil, err
	}
	out := &targetingv1.Priority{Name: req.GetName(), Score: p.Score}
	for _, t := range p.Terms {
		out.Terms = append(out.Terms, &targetingv1.PriorityTerm{Term: t.Name, Value: t.Value, Weight: t.Weight,
			Contribution: t.Contribution})
	}
	return out, nil
}

// GetAdherenceReport reports a plan's measure rates.
func (s *Server) GetAdherenceReport(ctx context.Context, req *targetingv1.GetAdherenceReportRequest) (*targetingv1.AdherenceReport, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), auth.RoleAnalyst)
	if err != nil {
		return nil, err
	}
	asOf, err := pbconv.ParseOptionalDate("as_of", req.GetAsOf(), 0)
	if err != nil {
		return nil, err
	}
	rates, asOf, err := s.app.AdherenceReport(ctx, ids[0], int(req.GetMeasurementYear()), asOf)
	if err != nil {
		return nil, err
	}
	out := &targetingv1.AdherenceReport{MeasurementYear: int32(asOf.Year()), AsOf: pbconv.Date(asOf)}
	for _, r := range rates {
		out.Rates = append(out.Rates, &targetingv1.MeasureRate{Measure: r.Measure.String(), Numerator: r.Numerator,
			Denominator: r.Denominator, Rate: r.Value()})
	}
	return out, nil
}

// GetTargetingSettings reads a plan's settings.
func (s *Server) GetTargetingSettings(ctx context.Context, req *targetingv1.GetTargetingSettingsRequest) (*targetingv1.TargetingSettings, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/targetingSettings", req.GetName(), auth.RoleAnalyst)
	if err != nil {
		return nil, err
	}
	st, err := s.app.GetSettings(ctx, ids[0])
	if err != nil {
		return nil, err
	}
	return settingsProto(st), nil
}

// UpdateTargetingSettings replaces a plan's settings.
func (s *Server) UpdateTargetingSettings(ctx context.Context, req *targetingv1.UpdateTargetingSettingsRequest) (*targetingv1.TargetingSettings, error) {
	in := req.GetSettings()
	ids, err := auth.Resource(ctx, "settings.name", "plans/{plan}/targetingSettings", in.GetName(), auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	st, err := s.app.UpdateSettings(ctx, domain.Settings{
		PlanID: ids[0], CMROfferDays: int(in.GetCmrOfferDays()), FindingDueDays: int(in.GetFindingDueDays()),
		Weights: in.GetPriorityWeights(), ScreeningConfig: in.GetScreeningConfig(),
	})
	if err != nil {
		return nil, err
	}
	return settingsProto(st), nil
}

// settingsProto shows the settings in force: the defaults where the plan
// set nothing, so that a caller sees every weight.
func settingsProto(st domain.Settings) *targetingv1.TargetingSettings {
	ws := domain.DefaultWeights()
	for k, w := range st.Weights {
		ws[k] = w
	}
	out := &targetingv1.TargetingSettings{
		Name: "plans/" + st.PlanID + "/targetingSettings", CmrOfferDays: int32(st.CMRDays()),
		FindingDueDays: int32(st.FindingDays()), PriorityWeights: ws, ScreeningConfig: st.ScreeningConfig,
		Version: st.Version,
	}
	if st.Version > 0 {
		out.UpdateTime = timestamppb.New(st.UpdatedAt)
	}
	return out
}
