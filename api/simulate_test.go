package api_test

import (
	"context"
	"errors"
	losant "github.com/losant-go/losant-go"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/losant-go/losant-go/api"
)

// watch polls the job log over HTTP until the simulation ends, and returns
// every distinct state seen, the last one read after the end.
func watch(t *testing.T, srv *httptest.Server, job *api.SimulatedJob) []losant.ApplicationJobLog {
	t.Helper()
	var seen []losant.ApplicationJobLog
	get := func() {
		resp := do(t, srv, "GET", jobLogPath(job.ApplicationID, job.JobID), "x")
		if resp.status != 200 {
			t.Fatalf("status %d: %s", resp.status, resp.body)
		}
		log := resp.jobLog(t)
		if len(seen) == 0 || !cmp.Equal(seen[len(seen)-1], log) {
			seen = append(seen, log)
		}
	}
	for {
		select {
		case <-job.Done():
			get()
			return seen
		default:
			get()
			time.Sleep(2 * time.Millisecond)
		}
	}
}

func TestSimulate(t *testing.T) {
	t.Parallel()
	boom := &losant.ApplicationJobLogError{Name: ptr("QuotaExceeded"), Message: ptr("too much data")}
	tests := []struct {
		name      string
		opts      api.SimulateOptions
		wantError *losant.ApplicationJobLogError
	}{
		{"completed", api.SimulateOptions{Steps: 4, Total: 40}, nil},
		{"errored, default error", api.SimulateOptions{Steps: 3, Outcome: losant.ApplicationJobLogStatusErrored},
			&losant.ApplicationJobLogError{Name: ptr("SimulatedError"), Message: ptr("the simulated job failed")}},
		{"failed, given error", api.SimulateOptions{Steps: 2, Outcome: losant.ApplicationJobLogStatusFailed, Error: boom}, boom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := api.NewStore()
			srv := newServer(t, api.Options{Store: store})
			opts := tc.opts
			opts.Duration = time.Duration(opts.Steps+1) * 60 * time.Millisecond
			start := time.Now().Add(-time.Millisecond)
			job, err := store.Simulate(t.Context(), opts)
			if err != nil {
				t.Fatal(err)
			}
			seen := watch(t, srv, job)
			if err := job.Wait(); err != nil {
				t.Fatalf("Wait: %v", err)
			}
			if elapsed := time.Since(start); elapsed < opts.Duration {
				t.Errorf("the simulation took %v, want at least Duration %v", elapsed, opts.Duration)
			}

			first, last := seen[0], seen[len(seen)-1]
			if got := deref(first.Status); got != losant.ApplicationJobLogStatusQueued {
				t.Errorf("first status %q, want queued", got)
			}
			if first.RunQueuedAt == nil || first.RunQueuedAt.Before(start) || first.RunStartedAt != nil {
				t.Errorf("queued job: runQueuedAt %v, runStartedAt %v; want now and unset", first.RunQueuedAt, first.RunStartedAt)
			}
			wantOutcome := tc.opts.Outcome
			if wantOutcome == "" {
				wantOutcome = losant.ApplicationJobLogStatusCompleted
			}
			if got := deref(last.Status); got != wantOutcome {
				t.Errorf("last status %q, want %q", got, wantOutcome)
			}
			var prev float64
			var inProgress int
			for _, l := range seen {
				c := deref(l.Progress.Completed)
				if c < prev || c > deref(l.Progress.Total) {
					t.Errorf("progress went from %v to %v of %v", prev, c, deref(l.Progress.Total))
				}
				prev = c
				if deref(l.Status) == losant.ApplicationJobLogStatusInProgress {
					inProgress++
					if l.RunStartedAt == nil || l.RunCompletedAt != nil {
						t.Errorf("inProgress job: runStartedAt %v, runCompletedAt %v", l.RunStartedAt, l.RunCompletedAt)
					}
				}
			}
			if inProgress < 2 {
				t.Errorf("saw %d inProgress states, want several (all: %d states)", inProgress, len(seen))
			}
			if last.RunStartedAt == nil || last.RunCompletedAt == nil || last.RunCompletedAt.Before(*last.RunStartedAt) {
				t.Errorf("finished job: runStartedAt %v, runCompletedAt %v", last.RunStartedAt, last.RunCompletedAt)
			}
			if diff := cmp.Diff(tc.wantError, last.Error); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if tc.wantError == nil {
				if last.Output == nil || deref(last.Progress.Completed) != deref(last.Progress.Total) {
					t.Errorf("completed job: output %v, progress %v of %v", last.Output, deref(last.Progress.Completed), deref(last.Progress.Total))
				}
			} else if last.Output != nil || deref(last.Progress.Completed) >= deref(last.Progress.Total) {
				t.Errorf("%s job: output %v, progress %v of %v", wantOutcome, last.Output, deref(last.Progress.Completed), deref(last.Progress.Total))
			}
		})
	}
}

// TestSimulateStops: cancelling the context stops the simulation, leaves
// the job log as it was, and (by TestMain's goleak) leaks no goroutine.
func TestSimulateStops(t *testing.T) {
	t.Parallel()
	store := api.NewStore()
	ctx, cancel := context.WithCancel(t.Context())
	job, err := store.Simulate(ctx, api.SimulateOptions{Duration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Simulate(t.Context(), api.SimulateOptions{ApplicationID: job.ApplicationID, JobID: job.JobID}); err == nil {
		t.Error("a second simulation of the same job: no error")
	}
	cancel()
	if err := job.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	log, ok := store.Get(job.ApplicationID, job.JobID)
	if !ok || deref(log.Status) != losant.ApplicationJobLogStatusQueued {
		t.Errorf("after the stop: %v %v, want the job log still queued", ok, deref(log.Status))
	}
	// Once stopped, the job can be simulated again.
	ctx2, cancel2 := context.WithCancel(t.Context())
	defer cancel2()
	again, err := store.Simulate(ctx2, api.SimulateOptions{ApplicationID: job.ApplicationID, JobID: job.JobID, Duration: time.Hour})
	if err != nil {
		t.Fatalf("simulating a stopped job again: %v", err)
	}
	cancel2()
	_ = again.Wait()
}

// TestSimulateExistingJob: simulating a stored job runs it again from
// queued and keeps its other fields, including ones the spec does not list.
func TestSimulateExistingJob(t *testing.T) {
	t.Parallel()
	store := api.NewStore()
	raw := strings.Replace(entry(seedA, `"name":"ApplicationImport","runQueuedAt":"2025-06-10T04:00:00.000Z","customField":{"keep":[1,2.50]}`), `"inProgress"`, `"completed"`, 1)
	if err := store.PutJSON([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	job, err := store.Simulate(t.Context(), api.SimulateOptions{ApplicationID: seedApp, JobID: seedA, Steps: 1, Duration: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := job.Wait(); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, api.Options{Store: store})
	body := string(do(t, srv, "GET", jobLogPath(seedApp, seedA), "x").body)
	for _, want := range []string{`"customField":{"keep":[1,2.50]}`, `"name":"ApplicationImport"`, `"status":"completed"`, `"runStartedAt"`} {
		if !strings.Contains(body, want) {
			t.Errorf("job log %s lacks %s", body, want)
		}
	}
	if strings.Contains(body, "2025-06-10T04:00:00.000Z") {
		t.Errorf("runQueuedAt was not reset: %s", body)
	}
}

func TestSimulateRefusesBadOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts api.SimulateOptions
		want string
	}{
		{"negative duration", api.SimulateOptions{Duration: -time.Second}, "Duration"},
		{"negative steps", api.SimulateOptions{Steps: -1}, "Steps"},
		{"negative total", api.SimulateOptions{Total: -1}, "Total"},
		{"transient outcome", api.SimulateOptions{Outcome: losant.ApplicationJobLogStatusInProgress}, "Outcome"},
		{"malformed application ID", api.SimulateOptions{ApplicationID: "app"}, "applicationId"},
		{"malformed job ID", api.SimulateOptions{JobID: "job"}, "jobId"},
		{"error with completed", api.SimulateOptions{Error: &losant.ApplicationJobLogError{}}, "Error"},
		{"output with errored", api.SimulateOptions{Outcome: losant.ApplicationJobLogStatusErrored, Output: &losant.ApplicationJobLogOutput{}}, "Output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := api.NewStore()
			if _, err := store.Simulate(t.Context(), tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Simulate: %v, want an error mentioning %s", err, tc.want)
			}
			if n := len(store.List()); n != 0 {
				t.Errorf("%d job logs stored", n)
			}
		})
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := api.NewStore().Simulate(ctx, api.SimulateOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Simulate with a cancelled context: %v", err)
	}
}
