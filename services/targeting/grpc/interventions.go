package grpc

import (
	"context"
	"regexp"
	"slices"
	"strings"

	targetingv1 "github.com/openmtm/openmtm/gen/openmtm/targeting/v1"
	typev1 "github.com/openmtm/openmtm/gen/openmtm/type/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/pbconv"
	"github.com/openmtm/openmtm/services/targeting/adherence"
	"github.com/openmtm/openmtm/services/targeting/domain"
	"github.com/openmtm/openmtm/services/targeting/publish"
	"github.com/openmtm/openmtm/services/targeting/screening"
)

var languageCode = regexp.MustCompile(`^[a-z]{2}$`)

var kindProto = map[domain.InterventionKind]targetingv1.InterventionKind{
	domain.CMR: targetingv1.InterventionKind_INTERVENTION_KIND_CMR,
	domain.TMR: targetingv1.InterventionKind_INTERVENTION_KIND_TMR,

	domain.FindingFollowUp: targetingv1.InterventionKind_INTERVENTION_KIND_FINDING,
}

var stateProto = map[domain.InterventionState]targetingv1.InterventionState{
	domain.Open:      targetingv1.InterventionState_INTERVENTION_STATE_OPEN,
	domain.Completed: targetingv1.InterventionState_INTERVENTION_STATE_COMPLETED,
	domain.Cancelled: targetingv1.InterventionState_INTERVENTION_STATE_CANCELLED,
}

// ListInterventions lists a plan's worklist, highest priority first.
func (s *Server) ListInterventions(ctx context.Context, req *targetingv1.ListInterventionsRequest) (*targetingv1.ListInterventionsResponse, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), auth.RoleAnalyst, auth.RolePharmacist)
	if err != nil {
		return nil, err
	}
	w := domain.Worklist{PlanID: ids[0], State: domain.Open, Finding: req.GetFinding(), Measure: req.GetMeasure(), Language: req.GetLanguage()}
	var v errs.Violations
	if w.Finding != "" && !slices.Contains(screening.RuleIDs(), w.Finding) {
		v.Add("finding", "must be a screening rule id: "+strings.Join(screening.RuleIDs(), ", "))
	}
	if _, ok := adherence.ParseMeasure(w.Measure); w.Measure != "" && (!ok || w.Measure != strings.ToLower(w.Measure)) {
		v.Add("measure", "must be diabetes, rasa or statins")
	}
	if w.Language != "" && !languageCode.MatchString(w.Language) {
		v.Add("language", "must be an ISO 639-1 code: two lower-case letters")
	}
	if req.GetState() != targetingv1.InterventionState_INTERVENTION_STATE_UNSPECIFIED {
		w.State = ""
		for st, p := range stateProto {
			if p == req.GetState() {
				w.State = st
			}
		}
		if w.State == "" {
			v.Add("state", "must be OPEN, COMPLETED or CANCELLED")
		}
	}
	page, err := paging.Parse(req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	is, last, err := s.app.ListInterventions(ctx, w, page)
	if err != nil {
		return nil, err
	}
	today := s.app.Today()
	resp := &targetingv1.ListInterventionsResponse{NextPageToken: paging.Token(last, last != "")}
	for _, i := range is {
		resp.Interventions = append(resp.Interventions, interventionProto(i, today))
	}
	return resp, nil
}

// GetIntervention reads one intervention.
func (s *Server) GetIntervention(ctx context.Context, req *targetingv1.GetInterventionRequest) (*targetingv1.Intervention, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/interventions/{intervention}", req.GetName(), auth.RoleAnalyst, auth.RolePharmacist)
	if err != nil {
		return nil, err
	}
	i, err := s.app.GetIntervention(ctx, ids[0], ids[1])
	if err != nil {
		return nil, err
	}
	return interventionProto(i, s.app.Today()), nil
}

// RecordReview records a completed CMR or TMR.
func (s *Server) RecordReview(ctx context.Context, req *targetingv1.RecordReviewRequest) (*targetingv1.Intervention, error) {
	ids, err := auth.Resource(ctx, "member", "plans/{plan}/members/{member}", req.GetMember(), auth.RolePharmacist)
	if err != nil {
		return nil, err
	}
	var kind domain.InterventionKind
	switch req.GetKind() {
	case targetingv1.InterventionKind_INTERVENTION_KIND_CMR:
		kind = domain.CMR
	case targetingv1.InterventionKind_INTERVENTION_KIND_TMR:
		kind = domain.TMR
	default:
		return nil, errs.Invalid(errs.Field("kind", "must be CMR or TMR"))
	}
	on, err := civil.Parse(pbconv.DateText(req.GetServiceDate()))
	if err != nil || on > s.app.Today() {
		return nil, errs.Invalid(errs.Field("service_date", "is required, a calendar date not after today"))
	}
	i, err := s.app.RecordReview(ctx, ids[0], ids[1], kind, on)
	if err != nil {
		return nil, err
	}
	return interventionProto(i, s.app.Today()), nil
}

func interventionProto(i domain.Intervention, today civil.Date) *targetingv1.Intervention {
	return &targetingv1.Intervention{
		Name:        publish.InterventionName(i),
		Member:      &typev1.MemberRef{Name: "plans/" + i.PlanID + "/members/" + i.MemberID},
		Kind:        kindProto[i.Kind],
		State:       stateProto[i.State],
		DueOn:       pbconv.Date(i.DueOn),
		Overdue:     i.Overdue(today),
		CompletedOn: pbconv.OptionalDate(i.CompletedOn),
		Priority:    i.Priority,
		Findings:    i.Findings,
	}
}
