package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	losant "github.com/losant-go/losant-go"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// IDs and the token the tests use. The token is long and distinctive so
// that finding it in any output is meaningful.
const (
	testApp   = "575ec8687ae143cd83dc4a97"
	testJob   = "575ec76c7ae143cd83dc4a96"
	testToken = "tok-3f9a1c0e7b2d4e6f8a9b0c1d2e3f4a5b"
)

// result is what one in-process run of the command produced.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the command in-process with env as its whole environment,
// and fails the test if the token shows up in any output.
func runCLI(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	return runApp(t, &app{isTerminal: func(io.Writer) bool { return false }}, env, args...)
}

// quickRetries keeps the SDK's retries (3 attempts) but makes their waits
// short, so tests of failures that are retried stay fast.
var quickRetries = losant.WithRetryPolicy(losant.RetryPolicy{
	MaxAttempts: 3, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	MaxElapsed: 5 * time.Second, MaxRetryAfter: time.Second,
})

func runApp(t *testing.T, a *app, env map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	a.stdout, a.stderr = &stdout, &stderr
	a.env = func(k string) string { return env[k] }
	a.clientOptions = append(a.clientOptions, quickRetries)
	code := a.run(ctx, args)
	r := result{code: code, stdout: stdout.String(), stderr: stderr.String()}
	assertNoToken(t, r.stdout, r.stderr)
	return r
}

// assertNoToken fails the test if any of outs holds the test token.
func assertNoToken(t *testing.T, outs ...string) {
	t.Helper()
	for _, o := range outs {
		if strings.Contains(o, testToken) {
			t.Errorf("the token leaked into the output:\n%s", o)
		}
	}
}

// tokenEnv is the environment of a run against base with the test token.
func tokenEnv(base string) map[string]string {
	return map[string]string{EnvToken: testToken, EnvURL: base}
}

// assertOneLine checks that a failure printed exactly one line on stderr,
// starting "losant", and that it holds each of wants.
func assertOneLine(t *testing.T, stderr string, wants ...string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") || !strings.HasPrefix(stderr, "losant") {
		t.Errorf("stderr is not one line starting \"losant\": %q", stderr)
	}
	for _, w := range wants {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr %q does not mention %q", stderr, w)
		}
	}
}

// decodeOneObject checks that out is exactly one JSON object (and nothing
// else) and returns it.
func decodeOneObject(t *testing.T, out string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		t.Fatalf("stdout is not a JSON object: %v\n%s", err, out)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("stdout holds more than one JSON value:\n%s", out)
	}
	return obj
}

// fakeAPI is an httptest server for answers the local API never gives
// (a 503 with a proxy's body) and for scripted job progress. It checks the
// bearer token like Losant does.
type fakeAPI struct {
	*httptest.Server
	mu    sync.Mutex
	calls int
}

// newFakeAPI serves answer(call) for every authorised request; call counts
// from 0.
func newFakeAPI(t *testing.T, answer func(call int, w http.ResponseWriter, r *http.Request)) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testToken {
			writeJSONBody(w, http.StatusUnauthorized, `{"type":"Unauthorized","message":"Unauthorized"}`)
			return
		}
		f.mu.Lock()
		call := f.calls
		f.calls++
		f.mu.Unlock()
		answer(call, w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// count returns how many authorised requests the server has answered.
func (f *fakeAPI) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func writeJSONBody(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

// jobLogJSON is a job log with the given status and progress, as Losant
// sends it.
func jobLogJSON(status string, completed, total int, extra string) string {
	b, _ := json.Marshal(map[string]any{
		"id": testJob, "jobId": testJob, "applicationId": testApp, "name": "ArchiveData",
		"status":      status,
		"runQueuedAt": "2025-06-10T04:00:00.000Z", "runStartedAt": "2025-06-10T04:00:01.000Z",
		"progress": map[string]any{"completed": completed, "total": total},
	})
	if extra != "" {
		b = append(b[:len(b)-1], ","+extra+"}"...)
	}
	return string(b)
}

// sequence answers with bodies[call], repeating the last one.
func sequence(bodies ...string) func(int, http.ResponseWriter, *http.Request) {
	return func(call int, w http.ResponseWriter, _ *http.Request) {
		writeJSONBody(w, http.StatusOK, bodies[min(call, len(bodies)-1)])
	}
}

// cutRetryLines checks that stderr starts with one line per retry, each
// naming what is retried (what), why (the reasons, in order), the wait and
// the attempt, and returns the rest of stderr.
func cutRetryLines(t *testing.T, stderr, what string, reasons ...string) string {
	t.Helper()
	for i, why := range reasons {
		line, rest, _ := strings.Cut(stderr, "\n")
		want := fmt.Sprintf("losant: %s: %s; retrying in ", what, why)
		if !strings.HasPrefix(line, want) || !strings.HasSuffix(line, fmt.Sprintf("(attempt %d of 3)", i+2)) {
			t.Errorf("stderr line %d = %q, want %q...(attempt %d of 3)", i+1, line, want, i+2)
		}
		stderr = rest
	}
	if strings.Contains(stderr, "retrying") {
		t.Errorf("more retry lines than %d: %q", len(reasons), stderr)
	}
	return stderr
}
