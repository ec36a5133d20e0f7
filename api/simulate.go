package api

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/internal/ops"
)

// SimulateOptions configures Store.Simulate. Zero fields take the defaults
// given with each.
type SimulateOptions struct {
	// ApplicationID and JobID name the job log (JobID is its id and jobId).
	// Default: new random IDs. When the Store already holds a job log with
	// these IDs, the simulation runs it again from queued, keeping its
	// other fields (name, input, and any fields openapi.yaml does not list).
	ApplicationID, JobID string

	// Name is a new job log's name. Default: "ArchiveData".
	Name string

	// Duration is the time from queued to the outcome. Default: 5s.
	Duration time.Duration

	// Steps is how many times the job's progress rises while it is
	// inProgress. Default: 10. The job is queued for one step's time
	// (Duration / (Steps+1)), then inProgress for Steps of them.
	Steps int

	// Total is progress.total, the units of work. Default: 100.
	Total float64

	// Outcome is the terminal status: completed (the default), errored or
	// failed.
	Outcome losant.ApplicationJobLogStatus

	// Error is set on a job that ends errored or failed. Default: name
	// "SimulatedError", message "the simulated job failed". Only for those
	// outcomes.
	Error *losant.ApplicationJobLogError

	// Output is set on a job that ends completed. Default: written = Total.
	// Only for that outcome.
	Output *losant.ApplicationJobLogOutput

	// finish, when set, does a started job's work as it reaches the outcome
	// completed (jobs.go): its output replaces Output, and its error turns
	// the outcome into errored with that error.
	finish func(ctx context.Context) (*losant.ApplicationJobLogOutput, error)
}

// SimulatedJob is a job Store.Simulate is advancing.
type SimulatedJob struct {
	// ApplicationID and JobID locate the job log: GET
	// /applications/{ApplicationID}/jobLogs/{JobID}.
	ApplicationID, JobID string

	done chan struct{}
	err  error
}

// Done is closed when the simulation ends: at its outcome, or when its
// context is done.
func (j *SimulatedJob) Done() <-chan struct{} { return j.done }

// Wait blocks until the simulation ends. It returns nil if the job reached
// its outcome, the context's error if the simulation was stopped first
// (the job log then stays as it last was), or the error that stopped it.
func (j *SimulatedJob) Wait() error {
	<-j.done
	return j.err
}

// Simulate stores a job log for a new (or given) job with status queued and
// runQueuedAt now, and returns at once; a goroutine then moves it to
// inProgress (setting runStartedAt), raises progress.completed toward
// progress.total step by step, and ends it with opts.Outcome (setting
// runCompletedAt, and output or error), over opts.Duration. Clients polling
// the handler see each step.
//
// The goroutine stops when the job reaches its outcome or ctx is done,
// whichever comes first; cancel ctx (or wait for Done) before a test ends.
// Simulating a job that is already being simulated is an error.
func (s *Store) Simulate(ctx context.Context, opts SimulateOptions) (*SimulatedJob, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k := logKey{o.ApplicationID, o.JobID}
	s.mu.Lock()
	if s.running[k] {
		s.mu.Unlock()
		return nil, fmt.Errorf("api: Simulate: job %s of application %s is already being simulated", k.id, k.app)
	}
	s.running[k] = true
	s.mu.Unlock()

	if err := s.modify(k, o.queue); err != nil {
		s.release(k)
		return nil, err
	}
	j := &SimulatedJob{ApplicationID: k.app, JobID: k.id, done: make(chan struct{})}
	go func() {
		defer close(j.done)
		defer s.release(k)
		j.err = s.run(ctx, k, o)
	}()
	return j, nil
}

func (s *Store) release(k logKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, k)
}

// run advances the job one step per interval until its outcome.
func (s *Store) run(ctx context.Context, k logKey, o SimulateOptions) error {
	interval := o.Duration / time.Duration(o.Steps+1)
	t := time.NewTimer(interval)
	defer t.Stop()
	for step := 1; step <= o.Steps+1; step++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		at := o
		if step == o.Steps+1 {
			at = o.finished(ctx)
		}
		if err := s.modify(k, func(log *losant.ApplicationJobLog, _ bool) { at.advance(log, step) }); err != nil {
			return err
		}
		t.Reset(interval)
	}
	return nil
}

// finished runs o.finish, if the job completes and has one, and returns
// the options with its output, or with the outcome errored and its error
// when it fails.
func (o SimulateOptions) finished(ctx context.Context) SimulateOptions {
	if o.Outcome != losant.ApplicationJobLogStatusCompleted || o.finish == nil {
		return o
	}
	out, err := o.finish(ctx)
	if err != nil {
		o.Outcome, o.Output = losant.ApplicationJobLogStatusErrored, nil
		o.Error = &losant.ApplicationJobLogError{Name: ptr("JobError"), Message: ptr(err.Error())}
		return o
	}
	o.Output = out
	return o
}

// queue sets the job log's start: queued, nothing done yet.
func (o SimulateOptions) queue(log *losant.ApplicationJobLog, exists bool) {
	if !exists {
		log.ApplicationID, log.ID = ptr(o.ApplicationID), ptr(o.JobID)
		log.JobID, log.Name = ptr(o.JobID), ptr(o.Name)
	}
	log.Status = ptr(losant.ApplicationJobLogStatusQueued)
	log.RunQueuedAt = ptr(now())
	log.RunStartedAt, log.RunCompletedAt, log.Error, log.Output = nil, nil, nil, nil
	log.Progress = &losant.ApplicationJobLogProgress{Completed: ptr(0.0), Total: ptr(o.Total), Status: ptr("queued")}
}

// advance applies step 1..Steps (inProgress) or Steps+1 (the outcome).
func (o SimulateOptions) advance(log *losant.ApplicationJobLog, step int) {
	p := log.Progress
	if p == nil {
		p = &losant.ApplicationJobLogProgress{Completed: ptr(0.0), Total: ptr(o.Total)}
		log.Progress = p
	}
	if step <= o.Steps {
		if step == 1 {
			log.RunStartedAt = ptr(now())
		}
		log.Status = ptr(losant.ApplicationJobLogStatusInProgress)
		p.Completed = ptr(math.Floor(o.Total * float64(step) / float64(o.Steps+1)))
		p.Status = ptr(fmt.Sprintf("step %d of %d", step, o.Steps))
		return
	}
	log.Status = ptr(o.Outcome)
	log.RunCompletedAt = ptr(now())
	if o.Outcome == losant.ApplicationJobLogStatusCompleted {
		p.Completed, p.Status = ptr(o.Total), ptr("done")
		log.Output = o.Output
		return
	}
	p.Status = ptr(string(o.Outcome))
	log.Error = o.Error
}

func (o SimulateOptions) withDefaults() (SimulateOptions, error) {
	bad := func(format string, args ...any) (SimulateOptions, error) {
		return o, fmt.Errorf("api: Simulate: "+format, args...)
	}
	switch {
	case o.Duration < 0:
		return bad("Duration %v is negative", o.Duration)
	case o.Steps < 0:
		return bad("Steps %d is negative", o.Steps)
	case o.Total < 0 || math.IsNaN(o.Total) || math.IsInf(o.Total, 0):
		return bad("Total %v: want a finite number, 0 or more", o.Total)
	}
	if o.ApplicationID == "" {
		o.ApplicationID = newObjectID()
	}
	if o.JobID == "" {
		o.JobID = newObjectID()
	}
	// The IDs must be ones the job log's URL accepts (openapi.yaml's rules).
	if err := ops.GetApplicationJobLog.CheckPath([]string{o.ApplicationID, o.JobID}); err != nil {
		return bad("%v", err)
	}
	o.Name = cmp.Or(o.Name, "ArchiveData")
	o.Duration = cmp.Or(o.Duration, 5*time.Second)
	o.Steps = cmp.Or(o.Steps, 10)
	o.Total = cmp.Or(o.Total, 100)
	o.Outcome = cmp.Or(o.Outcome, losant.ApplicationJobLogStatusCompleted)
	switch o.Outcome {
	case losant.ApplicationJobLogStatusCompleted:
		if o.Error != nil {
			return bad("Error is only for the outcomes errored and failed")
		}
		if o.Output == nil {
			o.Output = &losant.ApplicationJobLogOutput{Written: ptr(o.Total)}
		}
	case losant.ApplicationJobLogStatusErrored, losant.ApplicationJobLogStatusFailed:
		if o.Output != nil {
			return bad("Output is only for the outcome completed")
		}
		if o.Error == nil {
			o.Error = &losant.ApplicationJobLogError{Name: ptr("SimulatedError"), Message: ptr("the simulated job failed")}
		}
	default:
		return bad("Outcome %q: want completed, errored or failed", o.Outcome)
	}
	return o, nil
}

// newObjectID returns a random Losant-style ID: 24 hexadecimal digits.
func newObjectID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// now is the time as Losant's JavaScript servers keep it: UTC, to the
// millisecond.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func ptr[T any](v T) *T { return &v }
