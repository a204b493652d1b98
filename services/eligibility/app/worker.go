package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/errs"
)

// WorkerConfig tunes a Worker; zero fields take the defaults.
type WorkerConfig struct {
	// BatchSize is how many members one transaction evaluates (500).
	BatchSize int
	// Lease is how long a run stays with a worker that stopped renewing it
	// before another may take it over (1 minute). Each batch renews it.
	Lease time.Duration
	// Poll is how often the worker looks for due schedules and for runs
	// other replicas started or abandoned (30 seconds).
	Poll time.Duration
	// Logger gets the runs' failures; never PHI.
	Logger *slog.Logger
	// AfterBatch, when set, is called after each batch is committed (tests).
	AfterBatch func(domain.EvaluationRun)
}

// Worker carries out evaluation runs and starts the runs plans' schedules
// call for. Several workers (one per replica) may share a database: a run
// belongs to the worker that claimed it for as long as it renews its lease,
// and each schedule fire time starts one run whichever worker sees it first.
type Worker struct {
	app *App
	cfg WorkerConfig
	id  string
}

// NewWorker returns a worker over the app's repository.
func (a *App) NewWorker(cfg WorkerConfig) (*Worker, error) {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	if cfg.Lease <= 0 {
		cfg.Lease = time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return nil, fmt.Errorf("worker id: %w", err)
	}
	cfg.Logger = cfg.Logger.With("component", "evaluation-worker")
	return &Worker{app: a, cfg: cfg, id: id.String()}, nil
}

// Run works until ctx ends: at start, whenever a run is started in this
// process, and at every poll. A run in progress when ctx ends stops after
// the batch it is recording commits, and is released for the next worker
// (another replica's, or this service's after a restart) to go on with.
func (w *Worker) Run(ctx context.Context) error {
	tick := time.NewTicker(w.cfg.Poll)
	defer tick.Stop()
	for {
		if err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Logger.Warn("evaluation worker failed; retrying at the next poll", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.app.runs.wake():
		case <-tick.C:
		}
	}
}

// Drain starts the runs due schedules call for, then carries out runs until
// none is waiting or ctx ends.
func (w *Worker) Drain(ctx context.Context) error {
	err := w.fireSchedules(ctx)
	for ctx.Err() == nil {
		now := w.app.now()
		r, ok, cerr := w.app.repo.ClaimRun(ctx, w.id, now, now.Add(w.cfg.Lease))
		if cerr != nil || !ok {
			return errors.Join(err, cerr)
		}
		if rerr := w.execute(ctx, r); rerr != nil {
			err = errors.Join(err, fmt.Errorf("run %s: %w", r.ID, rerr))
		}
	}
	return errors.Join(err, ctx.Err())
}

// fireSchedules starts one run for each schedule that is due.
func (w *Worker) fireSchedules(ctx context.Context) error {
	ss, err := w.app.repo.ListSchedules(ctx)
	if err != nil {
		return err
	}
	var failed []error
	for _, s := range ss {
		fire, due := s.Due(w.app.now())
		if !due {
			continue
		}
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("run id: %w", err)
		}
		// Another replica may win: then it started the run, not us.
		if _, err := w.app.repo.StartScheduledRun(ctx, s, fire, s.Run(id.String(), fire, w.app.now())); err != nil {
			failed = append(failed, fmt.Errorf("schedule of plan %s: %w", s.PlanID, err))
		}
	}
	return errors.Join(failed...)
}

// execute evaluates r's members batch by batch from where it stands.
// Reading, evaluating and recording are a pipeline: while one batch is
// recorded the next is evaluated and the one after read (each takes about
// a third of the time, and a machine has at least two cores). Progress
// moves only when a batch commits.
func (w *Worker) execute(ctx context.Context, r domain.EvaluationRun) error {
	rules, err := w.app.rulesFor(ctx, r.PlanID, r.ContractYear)
	if err != nil {
		return w.stop(ctx, r, err)
	}
	readCtx, cancelRead := context.WithCancel(ctx)
	batches := make(chan evaluatedBatch, 2)
	go w.evaluateAhead(readCtx, r, rules, batches)
	defer func() {
		cancelRead()
		for range batches { // let the reader finish
		}
	}()
	for b := range batches {
		if b.err == nil {
			b.err = ctx.Err()
		}
		if b.err != nil {
			return w.stop(ctx, r, b.err)
		}
		next := r
		next.Progress(int64(len(b.ds)), b.eligible, b.last)
		now := w.app.now()
		next.LeaseUntil = now.Add(w.cfg.Lease)
		// A batch under way commits even when ctx ends (it takes a moment):
		// shutting down loses no work.
		if err := w.app.repo.RecordRunBatch(context.WithoutCancel(ctx), next, b.ds, now, enroll); err != nil {
			return w.stop(ctx, r, err)
		}
		r = next
		if w.cfg.AfterBatch != nil {
			w.cfg.AfterBatch(r)
		}
	}
	if ctx.Err() != nil { // the reader stopped early
		return w.stop(ctx, r, ctx.Err())
	}
	r.Finish("", w.app.now())
	return w.app.repo.SaveRun(ctx, r)
}

// stop ends work on r after err: a run another worker took over is theirs;
// one interrupted by ctx is released for the next worker to go on with;
// otherwise it failed.
func (w *Worker) stop(ctx context.Context, r domain.EvaluationRun, err error) error {
	switch {
	case errors.Is(err, ErrRunLost):
		return nil
	case ctx.Err() != nil:
		r.LeaseUntil = time.Time{}
		if serr := w.app.repo.SaveRun(context.WithoutCancel(ctx), r); serr != nil && !errors.Is(serr, ErrRunLost) {
			return errors.Join(err, serr)
		}
		return err
	}
	msg := "internal error: see the service log; start a new run"
	var e *errs.Error
	if errors.As(err, &e) && e.Kind != errs.KindInternal {
		msg = e.Message // client-safe by contract: no PHI
	}
	w.cfg.Logger.Error("evaluation run failed", "plan", r.PlanID, "run", r.ID, "error", err)
	r.Finish(msg, w.app.now())
	if serr := w.app.repo.SaveRun(ctx, r); serr != nil && !errors.Is(serr, ErrRunLost) {
		return errors.Join(err, serr)
	}
	return nil // recorded on the run and logged
}
