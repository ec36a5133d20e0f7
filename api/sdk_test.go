package api_test

import (
	"errors"
	"testing"
	"time"

	"github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// TestSDK drives the handler with the SDK end to end, over loopback.
func TestSDK(t *testing.T) {
	t.Parallel()
	store, log := exampleLog(t)
	srv := newServer(t, api.Options{Store: store, Tokens: testTokens()})
	app, job := *log.ApplicationID, *log.ID

	tests := []struct {
		name, token, app, job string
		wantErr               error // nil for success
		wantType              string
	}{
		{name: "success", token: fullToken, app: app, job: job},
		{name: "scoped token", token: scopedToken, app: app, job: job},
		{name: "unknown token", token: "nope", app: app, job: job, wantErr: losant.ErrUnauthorized, wantType: "Unauthorized"},
		{name: "token without an accepted scope", token: otherToken, app: app, job: job, wantErr: losant.ErrForbidden, wantType: "Forbidden"},
		{name: "unknown job log", token: fullToken, app: app, job: unknownID, wantErr: losant.ErrNotFound, wantType: "NotFound"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			client, err := losant.NewClient(losant.WithToken(tc.token), losant.WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			got, err := client.ApplicationJobLog.Get(t.Context(), tc.app, tc.job)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if deref(got.Status) != deref(log.Status) || !got.RunCompletedAt.Equal(*log.RunCompletedAt) {
					t.Errorf("got status %q completed %v, want %q %v", deref(got.Status), got.RunCompletedAt, deref(log.Status), log.RunCompletedAt)
				}
				return
			}
			var apiErr *losant.APIError
			if !errors.Is(err, tc.wantErr) || !errors.As(err, &apiErr) || apiErr.Type != tc.wantType || apiErr.Message == "" {
				t.Fatalf("err = %v, want an *APIError of type %s matching %v", err, tc.wantType, tc.wantErr)
			}
		})
	}

	// The SDK refuses a malformed ID before sending anything; the server's
	// own 400 is reached with a raw request.
	client, err := losant.NewClient(losant.WithToken(fullToken), losant.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.ApplicationJobLog.Get(t.Context(), "nope", job); !errors.Is(err, losant.ErrInvalidArgument) {
		t.Errorf("Get with a malformed ID: %v, want ErrInvalidArgument", err)
	}
	resp := do(t, srv, "GET", jobLogPath("nope", job), fullToken)
	if typ, _ := resp.errorBody(t); resp.status != 400 || typ != "Validation" {
		t.Errorf("raw request with a malformed ID: %d %s, want 400 Validation", resp.status, typ)
	}
}

// TestSDKUnderBasePath: the SDK with a base URL that has a path prefix.
func TestSDKUnderBasePath(t *testing.T) {
	t.Parallel()
	store, log := exampleLog(t)
	srv := newServer(t, api.Options{Store: store, BasePath: "/proxy/losant"})
	client, err := losant.NewClient(losant.WithToken("x"), losant.WithBaseURL(srv.URL+"/proxy/losant"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.ApplicationJobLog.Get(t.Context(), *log.ApplicationID, *log.ID); err != nil {
		t.Fatal(err)
	}
}

// TestSDKFollowsSimulatedJob polls a simulated job with the SDK until it
// ends, to completed and to errored.
func TestSDKFollowsSimulatedJob(t *testing.T) {
	t.Parallel()
	for _, outcome := range []losant.ApplicationJobLogStatus{losant.ApplicationJobLogStatusCompleted, losant.ApplicationJobLogStatusErrored} {
		t.Run(string(outcome), func(t *testing.T) {
			t.Parallel()
			store := api.NewStore()
			srv := newServer(t, api.Options{Store: store, Tokens: testTokens()})
			job, err := store.Simulate(t.Context(), api.SimulateOptions{Duration: 150 * time.Millisecond, Steps: 4, Outcome: outcome})
			if err != nil {
				t.Fatal(err)
			}
			client, err := losant.NewClient(losant.WithToken(scopedToken), losant.WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(10 * time.Second)
			for {
				log, err := client.ApplicationJobLog.Get(t.Context(), job.ApplicationID, job.JobID)
				if err != nil {
					t.Fatal(err)
				}
				if log.Finished() {
					if deref(log.Status) != outcome || (outcome == losant.ApplicationJobLogStatusErrored) != (log.Error != nil) {
						t.Errorf("ended %q with error %v, want %q", deref(log.Status), log.Error, outcome)
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("still %q after 10s", deref(log.Status))
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := job.Wait(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
