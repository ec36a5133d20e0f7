package losant

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Defaults for ApplicationJobLogService.Wait.
const (
	// DefaultPollInterval is the first wait between two polls.
	DefaultPollInterval = time.Second
	// DefaultMaxPollInterval caps the wait between two polls as it grows.
	DefaultMaxPollInterval = 30 * time.Second
	// pollGrowth multiplies the wait after each poll that finds the job
	// still running.
	pollGrowth = 1.5
)

// ErrJobFailed matches the error Wait returns when the job ended errored
// or failed; errors.As with *JobFailedError gives the job's own error.
var ErrJobFailed = errors.New("losant: job did not complete")

// JobFailedError is a job that ended errored or failed. Wait returns it
// together with the final job log.
type JobFailedError struct {
	ApplicationID, JobID string
	// Status is the terminal status: ApplicationJobLogStatusErrored or
	// ApplicationJobLogStatusFailed.
	Status ApplicationJobLogStatus
	// Name and Message are the job's error, from the log's error field
	// (empty when Losant sent none).
	Name, Message string
}

// Error names the job, its terminal status and the job's own error.
func (e *JobFailedError) Error() string {
	msg := fmt.Sprintf("losant: job log %s ended %s", e.JobID, e.Status)
	switch {
	case e.Name != "" && e.Message != "":
		msg += ": " + e.Name + ": " + e.Message
	case e.Name != "" || e.Message != "":
		msg += ": " + e.Name + e.Message
	}
	return msg
}

// Is makes errors.Is(err, ErrJobFailed) true.
func (e *JobFailedError) Is(target error) bool { return target == ErrJobFailed }

// A WaitOption tunes ApplicationJobLogService.Wait. Every RequestOption is
// also a WaitOption: Wait applies it to each poll.
type WaitOption interface {
	applyWait(*waitConfig) error
}

// waitOption is a WaitOption for Wait only.
type waitOption func(*waitConfig) error

func (f waitOption) applyWait(c *waitConfig) error { return f(c) }

type waitConfig struct {
	interval, maxInterval time.Duration
	progress              func(*ApplicationJobLog)
	// request are the options of every poll.
	request []RequestOption
}

// WithPollInterval sets the first wait between polls (DefaultPollInterval
// unless told otherwise). Each poll that finds the job still running makes
// the next wait 1.5 times longer, up to the maximum.
func WithPollInterval(d time.Duration) WaitOption {
	return waitOption(func(c *waitConfig) error {
		if d <= 0 {
			return invalidArg("WithPollInterval", "the interval must be positive, got %v", d)
		}
		c.interval = d
		return nil
	})
}

// WithMaxPollInterval caps the wait between polls (DefaultMaxPollInterval
// unless told otherwise).
func WithMaxPollInterval(d time.Duration) WaitOption {
	return waitOption(func(c *waitConfig) error {
		if d <= 0 {
			return invalidArg("WithMaxPollInterval", "the interval must be positive, got %v", d)
		}
		c.maxInterval = d
		return nil
	})
}

// WithProgress calls fn with the job log after the first poll and after
// every poll whose log differs from the one before (its status, progress
// or any other field the API sent), the last one included, from the
// goroutine that called Wait. A poll that finds nothing new calls nothing.
// Each call's log is a new value, so fn may keep it.
func WithProgress(fn func(*ApplicationJobLog)) WaitOption {
	return waitOption(func(c *waitConfig) error {
		c.progress = fn
		return nil
	})
}

// Wait polls the job log until its status is terminal (completed, errored
// or failed) and returns the final log. The wait between polls starts at
// the poll interval and grows by half each poll up to the maximum
// interval. The context is the only deadline: when it ends, Wait returns
// the last log it read (nil if none) and an error matching ctx.Err().
//
// A job that ends errored or failed returns the final log together with a
// *JobFailedError (matching ErrJobFailed) that carries the job's error
// name and message. A failed poll (after the client's own retries) ends
// the wait with that poll's error and the last log read. A status this SDK
// does not know yet counts as still running. RequestOptions among opts
// apply to every poll.
func (s *ApplicationJobLogService) Wait(ctx context.Context, applicationID, jobID string, opts ...WaitOption) (*ApplicationJobLog, error) {
	cfg, err := waitOptions(opts)
	if err != nil {
		return nil, err
	}
	var last *ApplicationJobLog
	var lastJSON []byte // last as JSON, to tell a changed log from the same one
	delay := cfg.interval
	for {
		log, err := s.Get(ctx, applicationID, jobID, cfg.request...)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return last, waitCanceled(jobID, ctxErr)
			}
			return last, err
		}
		last = log
		if cfg.progress != nil {
			// Comparing the model's JSON compares every field, unknown
			// enum values included, without a hand-kept field list.
			cur, merr := json.Marshal(log)
			if merr != nil || lastJSON == nil || !bytes.Equal(cur, lastJSON) {
				cfg.progress(log)
			}
			lastJSON = cur
		}
		if log.Finished() {
			return log, jobOutcome(applicationID, jobID, log)
		}
		if err := s.c.sleep(ctx, delay); err != nil {
			return last, waitCanceled(jobID, err)
		}
		delay = min(time.Duration(float64(delay)*pollGrowth), cfg.maxInterval)
	}
}

// waitOptions returns the settings of one Wait: the defaults, then opts.
func waitOptions(opts []WaitOption) (waitConfig, error) {
	cfg := waitConfig{interval: DefaultPollInterval, maxInterval: DefaultMaxPollInterval}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt.applyWait(&cfg); err != nil {
			return cfg, err
		}
	}
	if cfg.maxInterval < cfg.interval {
		return cfg, invalidArg("WithMaxPollInterval", "the maximum interval %v is below the poll interval %v", cfg.maxInterval, cfg.interval)
	}
	return cfg, nil
}

func waitCanceled(jobID string, err error) error {
	return fmt.Errorf("losant: waiting for job log %s: %w", jobID, err)
}

// jobOutcome returns nil for a completed job and a *JobFailedError for an
// errored or failed one.
func jobOutcome(applicationID, jobID string, log *ApplicationJobLog) error {
	if !log.GetStatus().Failed() {
		return nil
	}
	return &JobFailedError{
		ApplicationID: applicationID, JobID: jobID, Status: log.GetStatus(),
		Name: log.GetError().GetName(), Message: log.GetError().GetMessage(),
	}
}
