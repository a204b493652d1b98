package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// ErrRunLost is what the repository answers a worker writing to a run that
// another worker has taken over (the first one's lease passed).
var ErrRunLost = errors.New("evaluation run is held by another worker")

// MemberRecords is one member's clinical record. Evaluating a member reads
// the member, and their paid claims and diagnoses dated in the rules'
// longest window; for an evaluation run the repository may fill in only
// the fields evaluation reads (no names or contact details; no NDC,
// quantity or NPIs, no stays). StreamMemberRecords gives everything.
type MemberRecords struct {
	Member    domain.Member
	Claims    []domain.Claim
	Diagnoses []domain.Diagnosis
	Stays     []domain.InpatientStay
}

// Runs is the part of the repository plan-wide evaluation runs need.
type Runs interface {
	CreateRun(ctx context.Context, r domain.EvaluationRun) error
	GetRun(ctx context.Context, planID, id string) (domain.EvaluationRun, error)
	// ClaimRun hands worker the oldest run that is PENDING, or RUNNING with
	// a lease passed at now, leased until leaseUntil; false when none is.
	// Claiming a PENDING run counts its members.
	ClaimRun(ctx context.Context, worker string, now, leaseUntil time.Time) (domain.EvaluationRun, bool, error)
	// RunMembers reads up to limit members r evaluates after r.LastMemberID,
	// in member id order, with their data dated from since to r.AsOf.
	RunMembers(ctx context.Context, r domain.EvaluationRun, since civil.Date, limit int) ([]MemberRecords, error)
	// RecordRunBatch records each determination as RecordDetermination
	// does, and r's progress, in one transaction; ErrRunLost when r.Worker
	// no longer holds r.
	RecordRunBatch(ctx context.Context, r domain.EvaluationRun, ds []domain.Determination, now time.Time,
		apply func(e *domain.Enrollment, d domain.Determination, id string)) error
	// SaveRun stores r's state and lease when r.Worker still holds r;
	// ErrRunLost otherwise.
	SaveRun(ctx context.Context, r domain.EvaluationRun) error
	Schedules
}

// StartEvaluationRun starts a plan-wide evaluation under the rules of
// contractYear (asOf's year when 0) as of asOf and returns it PENDING: a
// worker evaluates it in the background. Incremental runs evaluate only the
// members whose data changed since their last determination (and those not
// yet evaluated in the contract year).
func (a *App) StartEvaluationRun(ctx context.Context, planID string, contractYear int, asOf civil.Date, incremental bool) (domain.EvaluationRun, error) {
	if asOf > a.Today() {
		return domain.EvaluationRun{}, errs.Invalid(errs.Field("as_of", "must not be after today"))
	}
	if contractYear == 0 {
		contractYear = asOf.Year()
	}
	// Refuse now what the run would fail on (a year without a confirmed
	// cost threshold), rather than a moment later in the background.
	if _, err := a.rulesFor(ctx, planID, contractYear); err != nil {
		return domain.EvaluationRun{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return domain.EvaluationRun{}, fmt.Errorf("run id: %w", err)
	}
	r := domain.NewEvaluationRun(planID, id.String(), contractYear, asOf, incremental, a.now())
	if err := a.repo.CreateRun(ctx, r); err != nil {
		return domain.EvaluationRun{}, err
	}
	a.runs.notify()
	return r, nil
}

// GetEvaluationRun reads a run and its progress.
func (a *App) GetEvaluationRun(ctx context.Context, planID, id string) (domain.EvaluationRun, error) {
	return a.repo.GetRun(ctx, planID, id)
}

// runSignal wakes this process's worker when a run is started here; other
// replicas' workers find it at their next poll.
type runSignal struct {
	once sync.Once
	ch   chan struct{}
}

func (s *runSignal) wake() <-chan struct{} {
	s.once.Do(func() { s.ch = make(chan struct{}, 1) })
	return s.ch
}

func (s *runSignal) notify() {
	s.wake()
	select {
	case s.ch <- struct{}{}:
	default: // a wake-up is already pending
	}
}
