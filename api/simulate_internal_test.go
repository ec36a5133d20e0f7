package api

import (
	"context"
	"errors"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

// TestSimulateFinish: a completed job's work gives its output, and work
// that fails ends the job errored with the failure as its error; an
// errored outcome does no work at all.
func TestSimulateFinish(t *testing.T) {
	t.Parallel()
	written := 7.0
	tests := []struct {
		name       string
		outcome    losant.ApplicationJobLogStatus
		finish     func(context.Context) (*losant.ApplicationJobLogOutput, error)
		wantStatus losant.ApplicationJobLogStatus
		wantOutput *float64
		wantError  string
	}{
		{"work done", "", func(context.Context) (*losant.ApplicationJobLogOutput, error) {
			return &losant.ApplicationJobLogOutput{Written: &written}, nil
		}, losant.ApplicationJobLogStatusCompleted, &written, ""},
		{"work failed", "", func(context.Context) (*losant.ApplicationJobLogOutput, error) {
			return nil, errors.New("disk full")
		}, losant.ApplicationJobLogStatusErrored, nil, "disk full"},
		{"no work for an errored outcome", losant.ApplicationJobLogStatusErrored, func(context.Context) (*losant.ApplicationJobLogOutput, error) {
			panic("finish ran for an errored job")
		}, losant.ApplicationJobLogStatusErrored, nil, "the simulated job failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := NewStore()
			job, err := store.Simulate(t.Context(), SimulateOptions{Duration: 10 * time.Millisecond, Steps: 2, Outcome: tc.outcome, finish: tc.finish})
			if err != nil {
				t.Fatal(err)
			}
			if err := job.Wait(); err != nil {
				t.Fatal(err)
			}
			log, _ := store.Get(job.ApplicationID, job.JobID)
			var gotWritten *float64
			if log.Output != nil {
				gotWritten = log.Output.Written
			}
			var gotError string
			if log.Error != nil && log.Error.Message != nil {
				gotError = *log.Error.Message
			}
			if *log.Status != tc.wantStatus || (gotWritten == nil) != (tc.wantOutput == nil) || gotError != tc.wantError {
				t.Errorf("status %s, output.written %v, error %q; want %s, %v, %q", *log.Status, gotWritten, gotError, tc.wantStatus, tc.wantOutput, tc.wantError)
			}
		})
	}
}
