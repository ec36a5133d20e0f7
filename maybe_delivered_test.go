package losant_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// TestMaybeDelivered: a POST that fails after its request may have reached
// the API says so (ErrMaybeDelivered), still matching what went wrong; one
// the API refused, or that never left, does not; and none of them is
// retried, not even a 429.
func TestMaybeDelivered(t *testing.T) {
	cut := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // the request arrived; the answer never does
		}
	}
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		maybe   bool
		match   error
	}{
		{"503", respond(http.StatusServiceUnavailable, `{"type":"ServiceUnavailable","message":"busy"}`), true, losant.ErrServerError},
		{"500", respond(http.StatusInternalServerError, `{"type":"ServerError","message":"boom"}`), true, losant.ErrServerError},
		{"connection cut after the request", cut, true, nil},
		{"429", respond(http.StatusTooManyRequests, `{"type":"RateLimitExceeded","message":"slow down"}`), false, losant.ErrRateLimited},
		{"404", respond(http.StatusNotFound, `{"type":"NotFound","message":"Application was not found"}`), false, losant.ErrNotFound},
		{"400", respond(http.StatusBadRequest, `{"type":"Validation","message":"bad"}`), false, losant.ErrBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.handler)
			_, err := losant.PostForTest(context.Background(), f.client, appID)
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, losant.ErrMaybeDelivered); got != tt.maybe {
				t.Errorf("errors.Is(%v, ErrMaybeDelivered) = %v, want %v", err, got, tt.maybe)
			}
			if tt.match != nil && !errors.Is(err, tt.match) {
				t.Errorf("error %v does not match %v", err, tt.match)
			}
			if n := f.requests.Load(); n != 1 {
				t.Errorf("%d requests: a POST is sent once", n)
			}
			noToken(t, err)
		})
	}

	// A connection that was never made: the request cannot have arrived.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := losant.NewClient(losant.WithToken(testToken), losant.WithBaseURL("http://"+addr), losant.WithRetryPolicy(fastRetries))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := losant.PostForTest(context.Background(), c, appID); err == nil || errors.Is(err, losant.ErrMaybeDelivered) {
		t.Errorf("refused connection: %v, want an error that is not ErrMaybeDelivered", err)
	}
	// A GET is idempotent: retried, never ErrMaybeDelivered.
	f := newFixture(t, respond(http.StatusServiceUnavailable, `{}`))
	if _, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID); errors.Is(err, losant.ErrMaybeDelivered) || f.requests.Load() < 2 {
		t.Errorf("GET: %v after %d requests", err, f.requests.Load())
	}
}
