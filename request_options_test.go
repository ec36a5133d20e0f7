package losant_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

const okBody = `{"id":"` + jobID + `","status":"completed"}`

// TestWithHeader: a header given to NewClient goes with every call, one
// given to a call goes with that call only and wins over the client's.
func TestWithHeader(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, okBody), losant.WithHeader("X-Team", "ops"), losant.WithHeader("x-trace", "client"))
	ctx := context.Background()
	if _, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID); err != nil {
		t.Fatal(err)
	}
	if r := f.lastRequest(t); r.Header.Get("X-Team") != "ops" || r.Header.Get("X-Trace") != "client" {
		t.Errorf("client headers not sent: %v", r.Header)
	}
	if _, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID, losant.WithHeader("X-Trace", "call"), losant.WithHeader("Accept-Version", "^1.31.0")); err != nil {
		t.Fatal(err)
	}
	r := f.lastRequest(t)
	if r.Header.Get("X-Trace") != "call" || r.Header.Get("X-Team") != "ops" || r.Header.Get("Accept-Version") != "^1.31.0" {
		t.Errorf("call headers: %v", r.Header)
	}
	if got := r.Header.Values("X-Trace"); len(got) != 1 {
		t.Errorf("X-Trace sent %d times: %v", len(got), got)
	}
	if _, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID); err != nil {
		t.Fatal(err)
	}
	if r := f.lastRequest(t); r.Header.Get("X-Trace") != "client" {
		t.Errorf("a call's header leaked into the next call: %v", r.Header)
	}
}

func TestWithHeaderRefusesBadHeaders(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, okBody))
	for name, opt := range map[string]losant.RequestOption{
		"authorization":   losant.WithHeader("Authorization", "Bearer other"),
		"host":            losant.WithHeader("host", "evil.example.com"),
		"empty name":      losant.WithHeader(" ", "x"),
		"bad name":        losant.WithHeader("X Bad", "x"),
		"CRLF in value":   losant.WithHeader("X-Ok", "a\r\nX-Injected: 1"),
		"nil response":    losant.WithResponseInto(nil),
		"negative":        losant.WithAttemptTimeout(-time.Second),
		"zero attempts":   losant.WithRetryPolicy(losant.RetryPolicy{}),
		"bad backoff":     losant.WithRetryPolicy(losant.RetryPolicy{MaxAttempts: 3}),
		"no retry budget": losant.WithRetryPolicy(losant.RetryPolicy{MaxAttempts: 3, InitialBackoff: 1, MaxBackoff: 1}),
	} {
		_, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID, opt)
		var ia *losant.InvalidArgumentError
		if !errors.Is(err, losant.ErrInvalidArgument) || !errors.As(err, &ia) || ia.Name == "" {
			t.Errorf("%s: error = %v, want an *InvalidArgumentError", name, err)
		}
		if err != nil && strings.Contains(err.Error(), "Bearer other") {
			t.Errorf("%s: the error repeats a credential: %v", name, err)
		}
	}
	if _, err := losant.NewClient(losant.WithToken(testToken), losant.WithHeader("Authorization", "Bearer x")); !errors.Is(err, losant.ErrInvalidArgument) {
		t.Errorf("NewClient(WithHeader(Authorization)) = %v, want ErrInvalidArgument", err)
	}
	if n := f.requests.Load(); n != 0 {
		t.Errorf("bad options sent %d requests", n)
	}
}

// TestWithResponseInto: the call reports the status, the headers and how
// many attempts it made, on success and on failure.
func TestWithResponseInto(t *testing.T) {
	var n atomic.Int64
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-42")
		if n.Add(1) <= 2 {
			respond(http.StatusServiceUnavailable, `{"type":"ServiceUnavailable","message":"busy"}`)(w, r)
			return
		}
		respond(http.StatusOK, okBody)(w, r)
	}, losant.WithRetryPolicy(fastRetries))
	var resp losant.Response
	if _, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID, losant.WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Attempts != 3 || resp.Header.Get("X-Request-Id") != "req-42" {
		t.Errorf("response = %+v, want 200 after 3 attempts with X-Request-Id", resp)
	}

	g := newFixture(t, respond(http.StatusNotFound, `{"type":"NotFound","message":"Application job log was not found"}`))
	var failed losant.Response
	_, err := g.client.ApplicationJobLog.Get(context.Background(), appID, jobID, losant.WithResponseInto(&failed))
	if !errors.Is(err, losant.ErrNotFound) || failed.StatusCode != http.StatusNotFound || failed.Attempts != 1 {
		t.Errorf("error %v, response %+v: want ErrNotFound, 404 after 1 attempt", err, failed)
	}
}

// TestPerCallRetryPolicy: a call's own policy, timeout or WithoutRetries
// replaces the client's for that call only.
func TestPerCallRetryPolicy(t *testing.T) {
	f := newFixture(t, respond(http.StatusServiceUnavailable, `{"type":"ServiceUnavailable","message":"busy"}`), losant.WithRetryPolicy(fastRetries))
	ctx := context.Background()
	count := func(opts ...losant.RequestOption) int64 {
		before := f.requests.Load()
		_, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID, opts...)
		if !errors.Is(err, losant.ErrServerError) {
			t.Fatalf("error = %v, want ErrServerError", err)
		}
		return f.requests.Load() - before
	}
	if n := count(); n != 4 {
		t.Errorf("client policy: %d attempts, want 4", n)
	}
	if n := count(losant.WithoutRetries()); n != 1 {
		t.Errorf("WithoutRetries on the call: %d attempts, want 1", n)
	}
	two := fastRetries
	two.MaxAttempts = 2
	if n := count(losant.WithRetryPolicy(two)); n != 2 {
		t.Errorf("a 2-attempt policy on the call: %d attempts, want 2", n)
	}
	if n := count(); n != 4 {
		t.Errorf("after per-call policies, the client policy gave %d attempts, want 4", n)
	}
}

// TestPerCallAttemptTimeout: a call's attempt timeout ends a slow answer
// with ErrTimeout, while the client's default would have waited.
func TestPerCallAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	_, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID,
		losant.WithoutRetries(), losant.WithAttemptTimeout(20*time.Millisecond))
	if !errors.Is(err, losant.ErrTimeout) {
		t.Errorf("error = %v, want ErrTimeout", err)
	}
}

// TestRetryErrorIsExported: when retries run out, the error is a
// *RetryError with the attempt count that still matches the last failure.
func TestRetryErrorIsExported(t *testing.T) {
	f := newFixture(t, respond(http.StatusBadGateway, `{"type":"BadGateway","message":"upstream"}`), losant.WithRetryPolicy(fastRetries))
	_, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	var re *losant.RetryError
	var apiErr *losant.APIError
	if !errors.As(err, &re) || re.Attempts != 4 || re.Reason == "" {
		t.Fatalf("error %v: want a *RetryError after 4 attempts with a reason", err)
	}
	if !errors.Is(err, losant.ErrServerError) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway || !apiErr.Temporary() {
		t.Errorf("error %v: want it to match the last 502", err)
	}
	if !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("message %q does not say how many attempts were made", err)
	}
}

// TestNonIdempotentNotRetried: a POST through the shared request path is
// sent once, even on a retryable answer, unless the call opts in.
func TestNonIdempotentNotRetried(t *testing.T) {
	f := newFixture(t, respond(http.StatusServiceUnavailable, `{"type":"ServiceUnavailable","message":"busy"}`), losant.WithRetryPolicy(fastRetries))
	_, err := losant.PostForTest(context.Background(), f.client, appID)
	if !errors.Is(err, losant.ErrServerError) || f.requests.Load() != 1 {
		t.Errorf("POST: error %v after %d requests, want ErrServerError after 1", err, f.requests.Load())
	}
	if r := f.lastRequest(t); r.Method != http.MethodPost {
		t.Errorf("method %s, want POST", r.Method)
	}
	_, err = losant.PostForTest(context.Background(), f.client, appID, losant.WithRetryNonIdempotent())
	var re *losant.RetryError
	if !errors.As(err, &re) || re.Attempts != 4 || f.requests.Load() != 5 {
		t.Errorf("POST with WithRetryNonIdempotent: error %v after %d requests, want 4 more attempts", err, f.requests.Load())
	}
}

// TestForbiddenNamesAcceptedScopes: a 403 says which scopes the call needs,
// from openapi.yaml.
func TestForbiddenNamesAcceptedScopes(t *testing.T) {
	f := newFixture(t, respond(http.StatusForbidden, `{"type":"Forbidden","message":"Access token does not have an accepted scope"}`))
	_, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	var apiErr *losant.APIError
	if !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "applicationJobLog.get") {
		t.Fatalf("error %v: want an *APIError naming applicationJobLog.get", err)
	}
	if len(apiErr.AcceptedScopes) < 2 {
		t.Errorf("AcceptedScopes = %v", apiErr.AcceptedScopes)
	}
}

// The zero SharedOption, which users can write, changes nothing.
func TestZeroSharedOption(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, okBody), losant.SharedOption{})
	if _, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID, losant.SharedOption{}); err != nil {
		t.Fatal(err)
	}
}
