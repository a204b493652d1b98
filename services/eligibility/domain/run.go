package domain

import (
	"time"

	"github.com/openmtm/openmtm/services/platform/civil"
)

// RunState is where an evaluation run is in its life.
type RunState string

// The states of a run: PENDING until a worker claims it, RUNNING while one
// holds it, then SUCCEEDED or FAILED.
const (
	RunPending   RunState = "PENDING"
	RunRunning   RunState = "RUNNING"
	RunSucceeded RunState = "SUCCEEDED"
	RunFailed    RunState = "FAILED"
)

// Done reports whether the run has ended.
func (s RunState) Done() bool { return s == RunSucceeded || s == RunFailed }

// EvaluationRun is a plan-wide evaluation: every member of the plan (or,
// when Incremental, those whose data changed since their last
// determination, and those not yet evaluated in the contract year) is
// evaluated in member id order and has a determination recorded. Progress
// is kept after each batch of members, with the last member id done, so a
// worker that dies is succeeded by another that goes on where it stopped.
type EvaluationRun struct {
	PlanID       string
	ID           string
	ContractYear int
	AsOf         civil.Date
	Incremental  bool
	// Scheduled is true for a run the plan's schedule started.
	Scheduled bool
	State     RunState

	MembersTotal    int64
	MembersDone     int64
	MembersEligible int64
	// LastMemberID is the last member evaluated: the run goes on after it.
	LastMemberID string
	// Error says why the run failed; it never holds PHI.
	Error string

	CreatedAt time.Time
	EndedAt   time.Time // zero until the run ends
	// Worker holds the run while LeaseUntil is in the future; a RUNNING run
	// whose lease has passed belongs to a worker that died or stopped.
	Worker     string
	LeaseUntil time.Time
}

// NewEvaluationRun is a pending run of a plan, created at now.
func NewEvaluationRun(planID, id string, contractYear int, asOf civil.Date, incremental bool, now time.Time) EvaluationRun {
	return EvaluationRun{
		PlanID:       planID,
		ID:           id,
		ContractYear: contractYear,
		AsOf:         asOf,
		Incremental:  incremental,
		State:        RunPending,
		CreatedAt:    now.UTC().Truncate(time.Microsecond),
	}
}

// Progress records a batch of members done, eligible of them, the last
// being lastMemberID. Members imported during a run may make the count done
// pass the total counted at the start; the total follows.
func (r *EvaluationRun) Progress(done, eligible int64, lastMemberID string) {
	r.MembersDone += done
	r.MembersEligible += eligible
	r.LastMemberID = lastMemberID
	r.MembersTotal = max(r.MembersTotal, r.MembersDone)
}

// Finish ends the run at now: SUCCEEDED when failure is "", else FAILED
// with failure as its error.
func (r *EvaluationRun) Finish(failure string, now time.Time) {
	r.State, r.Error = RunSucceeded, failure
	if failure != "" {
		r.State = RunFailed
	}
	r.EndedAt = now.UTC().Truncate(time.Microsecond)
	r.MembersTotal = max(r.MembersTotal, r.MembersDone)
	if r.State == RunSucceeded {
		// The total counted at the start is an estimate when imports change
		// the plan during the run; at the end it is what was evaluated.
		r.MembersTotal = r.MembersDone
	}
	r.LeaseUntil = time.Time{}
}
