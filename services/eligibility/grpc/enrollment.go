package grpc

import (
	"context"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/app"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/paging"
	"github.com/openmtm/openmtm/services/platform/pbconv"
)

// GetEnrollment reads a member's MTM enrollment record for a program year.
func (s *Server) GetEnrollment(ctx context.Context, req *eligibilityv1.GetEnrollmentRequest) (*eligibilityv1.Enrollment, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/members/{member}/enrollment", req.GetName(), readers...)
	if err != nil {
		return nil, err
	}
	py, err := year("program_year", req.GetProgramYear(), s.app.Today())
	if err != nil {
		return nil, err
	}
	e, err := s.app.GetEnrollment(ctx, ids[0], ids[1], py)
	if err != nil {
		return nil, err
	}
	return enrollmentProto(e), nil
}

// OptOutMember records a member's opt-out with a CMS reason.
func (s *Server) OptOutMember(ctx context.Context, req *eligibilityv1.OptOutMemberRequest) (*eligibilityv1.Enrollment, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/members/{member}", req.GetName(), writers...)
	if err != nil {
		return nil, err
	}
	on, err := pbconv.ParseOptionalDate("opted_out_on", req.GetOptedOutOn(), s.app.Today())
	if err != nil {
		return nil, err
	}
	reason, ok := optOutReason[req.GetReason()]
	if !ok {
		return nil, errs.Invalid(errs.Field("reason", "is required: DEATH, DISENROLLMENT, MEMBER_REQUEST or OTHER"))
	}
	py, err := year("program_year", req.GetProgramYear(), on)
	if err != nil {
		return nil, err
	}
	e, err := s.app.OptOut(ctx, ids[0], ids[1], py, on, reason)
	if err != nil {
		return nil, err
	}
	return enrollmentProto(e), nil
}

// ListEnrollments lists a plan's enrollment records of a program year.
func (s *Server) ListEnrollments(ctx context.Context, req *eligibilityv1.ListEnrollmentsRequest) (*eligibilityv1.ListEnrollmentsResponse, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), readers...)
	if err != nil {
		return nil, err
	}
	py, err := year("program_year", req.GetProgramYear(), s.app.Today())
	if err != nil {
		return nil, err
	}
	page, err := paging.Parse(req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	f := app.EnrollmentFilter{Eligible: req.Eligible}
	for st, p := range statusProto {
		if p == req.GetStatus() {
			f.Status = st
		}
	}
	for r, p := range reasonProto {
		if r != "" && p == req.GetTargetingReason() {
			f.Reason = r
		}
	}
	for d, p := range diseaseProto {
		if p == req.GetDisease() {
			f.Disease = d
		}
	}
	es, last, err := s.app.ListEnrollments(ctx, ids[0], py, f, page)
	if err != nil {
		return nil, err
	}
	resp := &eligibilityv1.ListEnrollmentsResponse{NextPageToken: paging.Token(last, last != "")}
	for _, e := range es {
		resp.Enrollments = append(resp.Enrollments, enrollmentProto(e))
	}
	return resp, nil
}

// year validates an optional year field; def's year when unset.
func year(field string, y int32, def civil.Date) (int, error) {
	switch {
	case y == 0:
		return def.Year(), nil
	case y < 2010 || y > 2100:
		return 0, errs.Invalid(errs.Field(field, "must be a year from 2010 to 2100"))
	}
	return int(y), nil
}

var optOutReason = map[eligibilityv1.OptOutReason]domain.OptOutReason{
	eligibilityv1.OptOutReason_OPT_OUT_REASON_DEATH:          domain.OptOutDeath,
	eligibilityv1.OptOutReason_OPT_OUT_REASON_DISENROLLMENT:  domain.OptOutDisenrollment,
	eligibilityv1.OptOutReason_OPT_OUT_REASON_MEMBER_REQUEST: domain.OptOutMemberRequest,
	eligibilityv1.OptOutReason_OPT_OUT_REASON_OTHER:          domain.OptOutOther,
}

var statusProto = map[domain.EnrollmentStatus]eligibilityv1.EnrollmentStatus{
	domain.NotEnrolled: eligibilityv1.EnrollmentStatus_ENROLLMENT_STATUS_NOT_ENROLLED,
	domain.Enrolled:    eligibilityv1.EnrollmentStatus_ENROLLMENT_STATUS_ENROLLED,
	domain.OptedOut:    eligibilityv1.EnrollmentStatus_ENROLLMENT_STATUS_OPTED_OUT,
}

func enrollmentProto(e domain.Enrollment) *eligibilityv1.Enrollment {
	out := &eligibilityv1.Enrollment{
		Name:          "plans/" + e.PlanID + "/members/" + e.MemberID + "/enrollment",
		ProgramYear:   int32(e.ProgramYear),
		Status:        statusProto[e.Status],
		MetCriteriaOn: pbconv.OptionalDate(e.MetCriteriaOn),
		EnrolledOn:    pbconv.OptionalDate(e.EnrolledOn),
		OptedOutOn:    pbconv.OptionalDate(e.OptedOutOn),
		CmrOfferedOn:  pbconv.OptionalDate(e.CMROfferedOn),
		TmrCount:      int32(e.TMRCount),
	}
	if e.Status != domain.NotEnrolled || e.Reason != "" {
		out.TargetingReason = reasonProto[e.Reason]
	}
	for r, d := range optOutReason {
		if d == e.OptOutReason {
			out.OptOutReason = r
		}
	}
	for _, d := range e.CMRDates {
		out.CmrDates = append(out.CmrDates, pbconv.Date(d))
	}
	return out
}
