package losant_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	losant "github.com/losant-go/losant-go"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Test IDs and token. The token is distinctive so that a leak into any
// message is easy to find.
const (
	testToken = "tok-5ecret-never-print-me"
	appID     = "575ec8687ae143cd83dc4a97"
	jobID     = "575ec76c7ae143cd83dc4a96"
	basePath  = "/api/v1" // a non-root base path catches absolute-URL bugs
	jobPath   = basePath + "/applications/" + appID + "/jobLogs/" + jobID
)

// fastRetries keeps the default policy's shape with millisecond waits, so
// that tests retry for real without making the suite slow.
var fastRetries = losant.RetryPolicy{
	MaxAttempts: 4, InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
	MaxElapsed: 10 * time.Second, MaxRetryAfter: 5 * time.Second,
}

// fixture is a loopback API server for one test. It counts and records the
// requests it gets.
type fixture struct {
	srv      *httptest.Server
	client   *losant.Client
	requests atomic.Int64
	mu       sync.Mutex
	last     *http.Request
}

// newFixture serves h under basePath and returns a client pointed at it.
func newFixture(t *testing.T, h http.HandlerFunc, opts ...losant.Option) *fixture {
	t.Helper()
	f := &fixture{}
	mux := http.NewServeMux()
	mux.Handle(basePath+"/", http.StripPrefix(basePath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		f.mu.Lock()
		f.last = r.Clone(context.Background())
		f.mu.Unlock()
		h(w, r)
	})))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL)
		http.Error(w, "outside base path", http.StatusTeapot)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	all := append([]losant.Option{
		losant.WithToken(testToken), losant.WithBaseURL(f.srv.URL + basePath), losant.WithRetryPolicy(fastRetries),
	}, opts...)
	c, err := losant.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	f.client = c
	return f
}

func (f *fixture) lastRequest(t *testing.T) *http.Request {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		t.Fatal("the server got no request")
	}
	return f.last
}

// respond returns a handler that answers with the given status, headers and body.
func respond(status int, body string, headerKV ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headerKV); i += 2 {
			w.Header().Set(headerKV[i], headerKV[i+1])
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// noToken fails the test if err's message, or its %+v form, holds the token.
func noToken(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{err.Error(), fmtAll(err)} {
		if strings.Contains(s, testToken) {
			t.Errorf("error leaks the token: %s", s)
		}
	}
}

func fmtAll(v any) string {
	var b strings.Builder
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		b.WriteString(fmt.Sprintf(verb, v))
		b.WriteByte('\n')
	}
	return b.String()
}

// isAPIError returns err as an *APIError or fails the test.
func isAPIError(t *testing.T, err error) *losant.APIError {
	t.Helper()
	var apiErr *losant.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	return apiErr
}
