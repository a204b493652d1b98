package grpc_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	eligibilityv1 "github.com/openmtm/openmtm/gen/openmtm/eligibility/v1"
	"github.com/openmtm/openmtm/services/platform/auth"
	"github.com/openmtm/openmtm/services/platform/errs"
)

var otherAdmin = as("plans/other", auth.RoleAdmin)

func TestStartEvaluationRun(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct {
		name string
		ctx  context.Context
		req  *eligibilityv1.StartEvaluationRunRequest
		want *failure
	}{
		{"admin starts a run", admin, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/acme", Incremental: true}, nil},
		{"analyst may not", analyst, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/acme"}, &failure{Kind: errs.KindPermissionDenied}},
		{"another tenant's plan", otherAdmin, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/acme"}, &failure{Kind: errs.KindNotFound}},
		{"bad parent", admin, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/acme/x"}, &failure{errs.KindInvalid, []string{"parent"}}},
		{"bad as_of", admin, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/acme", AsOf: date(2025, 2, 30)}, &failure{errs.KindInvalid, []string{"as_of"}}},
		{"as_of in the future", admin, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/acme", AsOf: date(2025, 6, 16)}, &failure{errs.KindInvalid, []string{"as_of"}}},
		{"bad year", admin, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/acme", ContractYear: 99}, &failure{errs.KindInvalid, []string{"contract_year"}}},
		{"no confirmed threshold", admin, &eligibilityv1.StartEvaluationRunRequest{Parent: "plans/acme", ContractYear: 2026}, &failure{Kind: errs.KindFailedPrecondition}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := s.StartEvaluationRun(tt.ctx, tt.req)
			if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if !strings.HasPrefix(got.GetName(), "plans/acme/evaluationRuns/") {
				t.Errorf("name %q", got.GetName())
			}
			want := &eligibilityv1.EvaluationRun{
				Name: got.GetName(), ContractYear: 2025, AsOf: date(2025, 6, 15),
				State: eligibilityv1.RunState_RUN_STATE_PENDING, CreateTime: timestamppb.New(now), Incremental: true,
			}
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("run (-want +got):\n%s", diff)
			}
			// Readers see it; other tenants do not.
			if _, err := s.GetEvaluationRun(analyst, &eligibilityv1.GetEvaluationRunRequest{Name: got.GetName()}); err != nil {
				t.Errorf("analyst GetEvaluationRun: %v", err)
			}
			other := strings.Replace(got.GetName(), "plans/acme/", "plans/other/", 1)
			if _, err := s.GetEvaluationRun(otherAdmin, &eligibilityv1.GetEvaluationRunRequest{Name: got.GetName()}); errs.KindOf(err) != errs.KindNotFound {
				t.Errorf("another tenant reads the run: %v", err)
			}
			if _, err := s.GetEvaluationRun(otherAdmin, &eligibilityv1.GetEvaluationRunRequest{Name: other}); errs.KindOf(err) != errs.KindNotFound {
				t.Errorf("the run's id under another plan: %v", err)
			}
		})
	}
	if _, err := s.GetEvaluationRun(analyst, &eligibilityv1.GetEvaluationRunRequest{Name: "plans/acme/runs/x"}); errs.KindOf(err) != errs.KindInvalid {
		t.Errorf("GetEvaluationRun with a bad name: %v", err)
	}
}

func TestEvaluationSchedule(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	schedule := func(name, cron string) *eligibilityv1.UpdateEvaluationScheduleRequest {
		return &eligibilityv1.UpdateEvaluationScheduleRequest{EvaluationSchedule: &eligibilityv1.EvaluationSchedule{Name: name, Cron: cron}}
	}
	const name = "plans/acme/evaluationSchedule"
	tests := []struct {
		name string
		ctx  context.Context
		req  *eligibilityv1.UpdateEvaluationScheduleRequest
		want *failure
	}{
		{"bad cron", admin, schedule(name, "0 2 1 */3"), &failure{errs.KindInvalid, []string{"evaluation_schedule.cron"}}},
		{"less than quarterly", admin, schedule(name, "0 2 1 1 *"), &failure{errs.KindInvalid, []string{"evaluation_schedule.cron"}}},
		{"no schedule", admin, &eligibilityv1.UpdateEvaluationScheduleRequest{}, &failure{errs.KindInvalid, []string{"evaluation_schedule"}}},
		{"bad name", admin, schedule("plans/acme/schedule", "0 2 1 */3 *"), &failure{errs.KindInvalid, []string{"evaluation_schedule.name"}}},
		{"analyst may not", analyst, schedule(name, "0 2 1 */3 *"), &failure{Kind: errs.KindPermissionDenied}},
		{"another tenant's plan", otherAdmin, schedule(name, "0 2 1 */3 *"), &failure{Kind: errs.KindNotFound}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := s.UpdateEvaluationSchedule(tt.ctx, tt.req)
			if diff := cmp.Diff(tt.want, failureOf(t, err)); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}

	got, err := s.UpdateEvaluationSchedule(admin, &eligibilityv1.UpdateEvaluationScheduleRequest{EvaluationSchedule: &eligibilityv1.EvaluationSchedule{
		Name: name, Cron: "0 2 1 */3 *", Incremental: true, LastRun: "ignored: output only"}})
	if err != nil {
		t.Fatal(err)
	}
	want := &eligibilityv1.EvaluationSchedule{
		Name: name, Cron: "0 2 1 */3 *", Incremental: true,
		NextRunTime: timestamppb.New(time.Date(2025, 7, 1, 2, 0, 0, 0, time.UTC)),
		UpdateTime:  timestamppb.New(now),
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("updated schedule (-want +got):\n%s", diff)
	}
	read, err := s.GetEvaluationSchedule(analyst, &eligibilityv1.GetEvaluationScheduleRequest{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, read, protocmp.Transform()); diff != "" {
		t.Errorf("read schedule (-want +got):\n%s", diff)
	}
	if _, err := s.GetEvaluationSchedule(otherAdmin, &eligibilityv1.GetEvaluationScheduleRequest{Name: name}); errs.KindOf(err) != errs.KindNotFound {
		t.Errorf("another tenant reads the schedule: %v", err)
	}
	// A plan that never set one has an empty schedule.
	empty, err := s.GetEvaluationSchedule(otherAdmin, &eligibilityv1.GetEvaluationScheduleRequest{Name: "plans/other/evaluationSchedule"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&eligibilityv1.EvaluationSchedule{Name: "plans/other/evaluationSchedule"}, empty, protocmp.Transform()); diff != "" {
		t.Errorf("empty schedule (-want +got):\n%s", diff)
	}
}
