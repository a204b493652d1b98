package grpc

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
	"github.com/openmtm/openmtm/services/platform/pbconv"
	"github.com/openmtm/openmtm/services/platform/resource"
)

// StartEvaluationRun starts a plan-wide evaluation and returns it PENDING.
func (s *Server) StartEvaluationRun(ctx context.Context, req *eligibilityv1.StartEvaluationRunRequest) (*eligibilityv1.EvaluationRun, error) {
	ids, err := auth.Resource(ctx, "parent", "plans/{plan}", req.GetParent(), writers...)
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
	r, err := s.app.StartEvaluationRun(ctx, ids[0], cy, asOf, req.GetIncremental())
	if err != nil {
		return nil, err
	}
	return runProto(r), nil
}

// GetEvaluationRun reads a run and its progress.
func (s *Server) GetEvaluationRun(ctx context.Context, req *eligibilityv1.GetEvaluationRunRequest) (*eligibilityv1.EvaluationRun, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/evaluationRuns/{run}", req.GetName(), readers...)
	if err != nil {
		return nil, err
	}
	r, err := s.app.GetEvaluationRun(ctx, ids[0], ids[1])
	if err != nil {
		return nil, err
	}
	return runProto(r), nil
}

// GetEvaluationSchedule reads a plan's schedule.
func (s *Server) GetEvaluationSchedule(ctx context.Context, req *eligibilityv1.GetEvaluationScheduleRequest) (*eligibilityv1.EvaluationSchedule, error) {
	ids, err := auth.Resource(ctx, "name", "plans/{plan}/evaluationSchedule", req.GetName(), readers...)
	if err != nil {
		return nil, err
	}
	sc, err := s.app.GetEvaluationSchedule(ctx, ids[0])
	if err != nil {
		return nil, err
	}
	return scheduleProto(sc), nil
}

// UpdateEvaluationSchedule sets a plan's schedule.
func (s *Server) UpdateEvaluationSchedule(ctx context.Context, req *eligibilityv1.UpdateEvaluationScheduleRequest) (*eligibilityv1.EvaluationSchedule, error) {
	in := req.GetEvaluationSchedule()
	if in == nil {
		return nil, errs.Invalid(errs.Field("evaluation_schedule", "is required"))
	}
	ids, err := resource.Parse("evaluation_schedule.name", "plans/{plan}/evaluationSchedule", in.GetName())
	if err != nil {
		return nil, err
	}
	if err := auth.Authorize(ctx, in.GetName(), writers...); err != nil {
		return nil, err
	}
	sc, err := s.app.UpdateEvaluationSchedule(ctx, ids[0], in.GetCron(), in.GetIncremental())
	if err != nil {
		return nil, errs.PrefixFields(err, "evaluation_schedule.")
	}
	return scheduleProto(sc), nil
}

var runStateProto = map[domain.RunState]eligibilityv1.RunState{
	domain.RunPending:   eligibilityv1.RunState_RUN_STATE_PENDING,
	domain.RunRunning:   eligibilityv1.RunState_RUN_STATE_RUNNING,
	domain.RunSucceeded: eligibilityv1.RunState_RUN_STATE_SUCCEEDED,
	domain.RunFailed:    eligibilityv1.RunState_RUN_STATE_FAILED,
}

func runProto(r domain.EvaluationRun) *eligibilityv1.EvaluationRun {
	return &eligibilityv1.EvaluationRun{
		Name:            runName(r.PlanID, r.ID),
		ContractYear:    int32(r.ContractYear),
		AsOf:            pbconv.Date(r.AsOf),
		State:           runStateProto[r.State],
		MembersTotal:    r.MembersTotal,
		MembersDone:     r.MembersDone,
		MembersEligible: r.MembersEligible,
		Error:           r.Error,
		CreateTime:      timestamp(r.CreatedAt),
		EndTime:         timestamp(r.EndedAt),
		Incremental:     r.Incremental,
	}
}

func scheduleProto(sc domain.EvaluationSchedule) *eligibilityv1.EvaluationSchedule {
	out := &eligibilityv1.EvaluationSchedule{
		Name:        "plans/" + sc.PlanID + "/evaluationSchedule",
		Cron:        sc.Cron.String(),
		Incremental: sc.Incremental,
		NextRunTime: timestamp(sc.NextRunAt()),
		LastRunTime: timestamp(sc.LastRunAt),
		UpdateTime:  timestamp(sc.UpdatedAt),
	}
	if sc.LastRunID != "" {
		out.LastRun = runName(sc.PlanID, sc.LastRunID)
	}
	return out
}

func runName(planID, id string) string { return "plans/" + planID + "/evaluationRuns/" + id }

// timestamp leaves a zero time unset.
func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}
