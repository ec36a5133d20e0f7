package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/losant-go/losant-go/internal/retry"
)

var (
	errTransient = errors.New("transient")
	errFinal     = errors.New("final")
	errSlowDown  = errors.New("slow down")
)

func classify(err error) retry.Verdict {
	switch {
	case errors.Is(err, errTransient):
		return retry.Verdict{Retry: true, Reason: "transient"}
	case errors.Is(err, errSlowDown):
		return retry.Verdict{Retry: true, After: 3 * time.Second, Reason: "429"}
	}
	return retry.Verdict{Reason: "final"}
}

var policy = retry.Policy{
	MaxAttempts: 4, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond,
	MaxElapsed: time.Minute, MaxRetryAfter: 10 * time.Second,
}

// run drives retry.Do with op answering errs in turn (nil = success) and a
// sleep that records waits instead of sleeping.
func run(ctx context.Context, p retry.Policy, errs ...error) (calls int, waits []time.Duration, err error) {
	op := func() error {
		calls++
		if calls > len(errs) {
			return nil
		}
		return errs[calls-1]
	}
	sleep := func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	err = retry.Do(ctx, p, classify, op, nil, sleep)
	return calls, waits, err
}

func TestDo(t *testing.T) {
	deadline, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	one := policy
	one.MaxAttempts = 1
	tight := policy
	tight.MaxElapsed = 50 * time.Millisecond
	lowCap := policy
	lowCap.MaxRetryAfter = time.Second

	tests := []struct {
		name      string
		ctx       context.Context
		p         retry.Policy
		errs      []error
		wantCalls int
		wantWaits int
		wantErr   error // matched with errors.Is; nil means success
		wantType  any   // *retry.ExhaustedError, *retry.StopError or nil (error returned as is)
	}{
		{"success at once", context.Background(), policy, nil, 1, 0, nil, nil},
		{"final error is not retried", context.Background(), policy, []error{errFinal}, 1, 0, errFinal, nil},
		{"transient then success", context.Background(), policy, []error{errTransient, errTransient}, 3, 2, nil, nil},
		{"attempts run out", context.Background(), policy, []error{errTransient, errTransient, errTransient, errTransient}, 4, 3, errTransient, &retry.ExhaustedError{}},
		{"final error after a retry", context.Background(), policy, []error{errTransient, errFinal}, 2, 1, errFinal, &retry.ExhaustedError{}},
		{"retries disabled", context.Background(), one, []error{errTransient}, 1, 0, errTransient, nil},
		{"retry-after honoured", context.Background(), policy, []error{errSlowDown}, 2, 1, nil, nil},
		{"retry-after over the cap", context.Background(), lowCap, []error{errSlowDown}, 1, 0, errSlowDown, &retry.StopError{}},
		{"wait past the budget", context.Background(), tight, []error{errSlowDown}, 1, 0, errSlowDown, &retry.StopError{}},
		{"wait past the context deadline", deadline, policy, []error{errSlowDown}, 1, 0, errSlowDown, &retry.StopError{}},
		{"context ends while waiting", canceled, policy, []error{errTransient}, 1, 1, context.Canceled, &retry.StopError{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, waits, err := run(tt.ctx, tt.p, tt.errs...)
			if calls != tt.wantCalls || len(waits) != tt.wantWaits {
				t.Errorf("calls %d waits %v, want %d calls and %d waits", calls, waits, tt.wantCalls, tt.wantWaits)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("error = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want one matching %v", err, tt.wantErr)
			}
			switch tt.wantType.(type) {
			case *retry.ExhaustedError:
				var e *retry.ExhaustedError
				if !errors.As(err, &e) || e.Attempts != tt.wantCalls {
					t.Errorf("error %v: want *ExhaustedError after %d attempts", err, tt.wantCalls)
				}
			case *retry.StopError:
				var e *retry.StopError
				if !errors.As(err, &e) || e.Why == "" {
					t.Errorf("error %v: want *StopError with a reason", err)
				}
			default:
				if err != tt.errs[len(tt.errs)-1] {
					t.Errorf("error %v: want the operation's error unchanged", err)
				}
			}
		})
	}
}

// Waits grow from InitialBackoff toward MaxBackoff, jittered by ±50%, and
// a server's Retry-After replaces the computed wait.
func TestDoWaits(t *testing.T) {
	p := policy
	p.MaxAttempts = 6
	_, waits, err := run(context.Background(), p, errTransient, errTransient, errTransient, errTransient, errSlowDown)
	if err != nil {
		t.Fatal(err)
	}
	means := []time.Duration{100, 200, 400, 400}
	for i, mean := range means {
		mean *= time.Millisecond
		if waits[i] < mean/2 || waits[i] > mean*3/2 {
			t.Errorf("wait %d = %v, want %v ± 50%%", i, waits[i], mean)
		}
	}
	if waits[4] != 3*time.Second {
		t.Errorf("wait after Retry-After = %v, want 3s", waits[4])
	}
}
