package app

import (
	"context"

	"github.com/openmtm/openmtm/services/eligibility/domain"
	"github.com/openmtm/openmtm/services/platform/civil"
)

// evaluatedBatch is one batch of a run's determinations, the last member
// id among them and how many are eligible; or the error that ended reading.
type evaluatedBatch struct {
	ds       []domain.Determination
	eligible int64
	last     string
	err      error
}

// readBatch is one batch of members' records as read, or the error that
// ended reading.
type readBatch struct {
	records []MemberRecords
	err     error
}

// evaluateAhead reads r's batches from r.LastMemberID on, evaluates them
// and sends them to out, which it closes after the last one, a failure, or
// when ctx ends. Reading and evaluating are two goroutines of their own,
// so that with the caller's recording three stages share the cores.
func (w *Worker) evaluateAhead(ctx context.Context, r domain.EvaluationRun, rules domain.Rules, out chan<- evaluatedBatch) {
	defer close(out)
	read := make(chan readBatch, 2)
	go w.readAhead(ctx, r, dataSince(rules, r.AsOf), read)
	defer func() {
		for range read { // let the reader finish
		}
	}()
	fb := domain.NewFactsBuilder(w.app.ref, rules, r.AsOf, true)
	for rb := range read {
		b := evaluatedBatch{err: rb.err}
		if rb.err == nil {
			b.ds = make([]domain.Determination, len(rb.records))
			b.last = rb.records[len(rb.records)-1].Member.MemberID
			for i, mr := range rb.records {
				b.ds[i] = evaluate(fb, mr, rules, r.AsOf)
				if b.ds[i].Eligible {
					b.eligible++
				}
			}
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
		if b.err != nil {
			return
		}
	}
}

// readAhead reads r's batches of members from r.LastMemberID on into out,
// and closes it after the last one, a failure, or when ctx ends.
func (w *Worker) readAhead(ctx context.Context, r domain.EvaluationRun, since civil.Date, out chan<- readBatch) {
	defer close(out)
	for {
		records, err := w.app.repo.RunMembers(ctx, r, since, w.cfg.BatchSize)
		if err == nil && len(records) == 0 {
			return
		}
		select {
		case out <- readBatch{records, err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
		r.LastMemberID = records[len(records)-1].Member.MemberID
	}
}
