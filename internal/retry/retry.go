// Package retry runs an operation until it succeeds, fails for good, or
// runs out of attempts, time or context.
//
// The jittered exponential intervals come from github.com/cenkalti/backoff;
// the loop itself is ours because none of the libraries considered does
// all of: honour a server's Retry-After as the next wait, refuse to start a
// wait that would end past the context's deadline or the total budget, and
// hand back the last real error (not a wrapper) for errors.Is/As.
// go-retryablehttp's RoundTripper discards the last response unless told
// otherwise, and backoff.Retry drops the error behind a RetryAfterError.
package retry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Policy bounds the retries of one operation.
type Policy struct {
	// MaxAttempts counts every attempt, the first included; 1 disables
	// retries.
	MaxAttempts int
	// InitialBackoff is the mean wait before the first retry; each further
	// retry doubles it, up to MaxBackoff. Waits are jittered by ±50%.
	InitialBackoff, MaxBackoff time.Duration
	// MaxElapsed caps the time from the first attempt to the start of the
	// last one: a retry whose wait would cross it is not made.
	MaxElapsed time.Duration
	// MaxRetryAfter is the longest Retry-After the loop will honour; a
	// server asking for more gets its error returned at once.
	MaxRetryAfter time.Duration
}

// Verdict is a classifier's answer about one failed attempt.
type Verdict struct {
	Retry bool
	// After is the wait the server asked for (Retry-After), or 0.
	After time.Duration
	// Reason names the failure in log lines ("503", "connection reset").
	Reason string
}

// Notify is told about each retry before its wait starts.
type Notify func(attempt int, err error, v Verdict, wait time.Duration)

// Sleep waits for d or until ctx ends. Tests replace it to observe waits.
type Sleep func(ctx context.Context, d time.Duration) error

// StopError is returned when the loop gives up before the attempts run out
// (the wait would pass a deadline or budget, or the context ended while
// waiting). It unwraps to the last attempt's error and, when the context
// ended, to the context's error too.
type StopError struct {
	Attempts int
	Why      string
	Last     error
	Ctx      error
}

// Error is the last error, the attempts made and why the loop stopped.
func (e *StopError) Error() string {
	if e.Ctx != nil {
		return fmt.Sprintf("%v (after %d attempts; %s: %v)", e.Last, e.Attempts, e.Why, e.Ctx)
	}
	return fmt.Sprintf("%v (after %d attempts; %s)", e.Last, e.Attempts, e.Why)
}

// Unwrap gives errors.Is/As both the last error and the context's error.
func (e *StopError) Unwrap() []error {
	if e.Ctx != nil {
		return []error{e.Ctx, e.Last}
	}
	return []error{e.Last}
}

// ExhaustedError is the last attempt's error once MaxAttempts were made.
type ExhaustedError struct {
	Attempts int
	Last     error
}

// Error is the last error and the number of attempts made.
func (e *ExhaustedError) Error() string {
	return fmt.Sprintf("%v (after %d attempts)", e.Last, e.Attempts)
}

// Unwrap returns the last attempt's error.
func (e *ExhaustedError) Unwrap() error { return e.Last }

// SleepContext waits for d, or returns ctx's error if ctx ends first.
func SleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Do runs op until it succeeds or classify says its error is final. It
// returns op's error unchanged when no retry was made, and otherwise wraps
// the last error in *ExhaustedError or *StopError.
func Do(ctx context.Context, p Policy, classify func(error) Verdict, op func() error, notify Notify, sleep Sleep) error {
	start := time.Now() // MaxElapsed counts the first attempt too
	err := op()
	if err == nil || p.MaxAttempts <= 1 {
		return err
	}
	var b *backoff.ExponentialBackOff // made on the first retry: most calls never need it
	for attempt := 1; ; attempt++ {
		v := classify(err)
		if !v.Retry {
			if attempt == 1 {
				return err
			}
			return &ExhaustedError{Attempts: attempt, Last: err}
		}
		if attempt >= p.MaxAttempts {
			return &ExhaustedError{Attempts: attempt, Last: err}
		}
		if b == nil {
			b = &backoff.ExponentialBackOff{
				InitialInterval: p.InitialBackoff, RandomizationFactor: 0.5,
				Multiplier: 2, MaxInterval: p.MaxBackoff,
			}
			b.Reset()
		}
		wait := b.NextBackOff()
		if v.After > 0 {
			if v.After > p.MaxRetryAfter {
				return &StopError{Attempts: attempt, Last: err, Why: fmt.Sprintf("the server asked to wait %v, over the %v limit", v.After, p.MaxRetryAfter)}
			}
			wait = v.After
		}
		if time.Since(start)+wait > p.MaxElapsed {
			return &StopError{Attempts: attempt, Last: err, Why: fmt.Sprintf("a %v wait would pass the %v retry budget", wait.Round(time.Millisecond), p.MaxElapsed)}
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
			return &StopError{Attempts: attempt, Last: err, Why: fmt.Sprintf("a %v wait would pass the context deadline", wait.Round(time.Millisecond))}
		}
		if notify != nil {
			notify(attempt, err, v, wait)
		}
		if serr := sleep(ctx, wait); serr != nil {
			return &StopError{Attempts: attempt, Last: err, Why: "the context ended while waiting to retry", Ctx: serr}
		}
		if err = op(); err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
			return &StopError{Attempts: attempt + 1, Last: err, Why: "the context ended", Ctx: cerr}
		}
	}
}
