package api

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/generated"
	"github.com/losant-go/losant-go/internal/spec"
)

// DefaultJobDuration is the default of Options.JobDuration: long enough to
// watch a job's progress, short enough for a demo.
const DefaultJobDuration = 3 * time.Second

// errClosed is the error of starting a job after Handler.Close.
var errClosed = errors.New("api: the handler is closed")

// jobRunner starts the jobs of the operations that answer 202: each is
// recorded as a job log named by the operation's x-losant-job-name and
// advanced by Store.Simulate until its outcome, or until close.
type jobRunner struct {
	store    *Store
	duration time.Duration
	outcome  losant.ApplicationJobLogStatus

	ctx    context.Context // done at close
	cancel context.CancelFunc
	mu     sync.Mutex // guards closed and wg.Add against close
	closed bool
	wg     sync.WaitGroup // one per job still running
}

func newJobRunner(store *Store, duration time.Duration, outcome losant.ApplicationJobLogStatus) (*jobRunner, error) {
	if duration < 0 {
		return nil, fmt.Errorf("api: JobDuration %v is negative", duration)
	}
	outcome = cmp.Or(outcome, losant.ApplicationJobLogStatusCompleted)
	switch outcome {
	case losant.ApplicationJobLogStatusCompleted, losant.ApplicationJobLogStatusErrored, losant.ApplicationJobLogStatusFailed:
	default:
		return nil, fmt.Errorf("api: JobOutcome %q: want completed, errored or failed", outcome)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &jobRunner{
		store: store, duration: cmp.Or(duration, DefaultJobDuration), outcome: outcome,
		ctx: ctx, cancel: cancel,
	}, nil
}

// job is what an operation asks of jobRunner.start.
type job struct {
	opID  string // the operation starting it, whose x-losant-job-name names it
	appID string
	input *losant.ApplicationJobLogInput
	// finish does the job's work when it completes, given the job log's
	// id, and returns its output; nil for none. Not called for an errored
	// or failed outcome.
	finish func(ctx context.Context, jobID string) (*losant.ApplicationJobLogOutput, error)
	// cleanup, if set, runs once the job has stopped, however it ended.
	cleanup func()
}

// start records a queued job log for j and starts advancing it in the
// background. It returns the job log's id, or errClosed after close.
func (r *jobRunner) start(j job) (string, error) {
	op, err := spec.Op(j.opID)
	if err != nil {
		return "", err
	}
	name, err := op.JobName()
	if err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", errClosed
	}
	id := newObjectID()
	if j.input != nil && *j.input == (losant.ApplicationJobLogInput{}) {
		j.input = nil // no "input": {} on a job asked for without options
	}
	log := losant.ApplicationJobLog{
		ID: &id, JobID: &id, ApplicationID: &j.appID, Name: &name,
		ResourceType: ptr(losant.ApplicationJobLogResourceTypeApplication), ResourceID: &j.appID,
		OwnerType: ptr(losant.ApplicationJobLogOwnerTypeApplication), OwnerID: &j.appID,
		RequestedByType: ptr(losant.ApplicationJobLogRequestedByTypeAPIToken),
		Input:           j.input,
	}
	if err := r.store.Put(log); err != nil {
		return "", err
	}
	finish := func(ctx context.Context) (*losant.ApplicationJobLogOutput, error) {
		if j.finish == nil {
			return nil, nil
		}
		return j.finish(ctx, id)
	}
	sim, err := r.store.Simulate(r.ctx, SimulateOptions{
		ApplicationID: j.appID, JobID: id, Duration: r.duration, Outcome: r.outcome, finish: finish,
	})
	if err != nil {
		return "", err
	}
	r.wg.Go(func() {
		<-sim.Done()
		if j.cleanup != nil {
			j.cleanup()
		}
	})
	return id, nil
}

// close stops every job and waits for them; jobs started later fail.
func (r *jobRunner) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.wg.Wait()
}

// enqueued is the body of a 202: the job log that records the job.
func enqueued(jobID string) generated.JobEnqueuedResult {
	return generated.JobEnqueuedResult{
		JobQueued: ptr(true),
		JobID:     &jobID,
		Success:   ptr(true),
	}
}

// requestKey is the context key under which withRequest puts the request.
type requestKey struct{}

// withRequest is a strict-server middleware that gives the operations the
// HTTP request, for the address download URLs are built on.
func withRequest(f generated.StrictHandlerFunc, _ string) generated.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
		return f(context.WithValue(ctx, requestKey{}, r), w, r, req)
	}
}

// origin returns the scheme and host the client addressed, plus basePath:
// where this handler's routes are, as the client sees them.
func origin(ctx context.Context, basePath string) string {
	r, _ := ctx.Value(requestKey{}).(*http.Request)
	if r == nil {
		return basePath
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + basePath
}
