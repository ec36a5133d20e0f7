package losant_test

// The fault-injection suite: one test per way the network or the server can
// misbehave, each against a loopback server that misbehaves for real (at the
// TCP level where that matters). No test asserts how long anything took:
// they assert how many attempts reached the server, which waits the client
// decided on (losant.ObserveWaits), which errors came back (errors.Is/As),
// and that the call returned at all (every call runs under a generous
// deadline, so a hang fails instead of blocking the suite).

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

// safetyNet bounds every call of this suite. It is far above anything a
// test needs, so it never decides an outcome: it only turns a hang into a
// failure.
const safetyNet = 20 * time.Second

func safeCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), safetyNet)
	t.Cleanup(cancel)
	return ctx
}

// waitLog records the retry waits a client decides on.
type waitLog chan time.Duration

func observeWaits(c *losant.Client) waitLog {
	w := make(waitLog, 64)
	losant.ObserveWaits(c, w)
	return w
}

// all returns the waits recorded so far. Waits are recorded before they
// start, inside the call, so once the call has returned all are there.
func (w waitLog) all() []time.Duration {
	var out []time.Duration
	for {
		select {
		case d := <-w:
			out = append(out, d)
		default:
			return out
		}
	}
}

// steps answers the n-th request with the n-th handler, repeating the last.
func steps(hs ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		hs[min(int(n.Add(1))-1, len(hs)-1)](w, r)
	}
}

// resetConn aborts the connection: SO_LINGER 0 makes Close send a TCP RST,
// so the client reads "connection reset by peer" instead of a response.
func resetConn(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.(*net.TCPConn).SetLinger(0)
	_ = conn.Close()
}

// rawThenClose writes raw bytes as the whole response, then closes the
// connection: the way to send a Content-Length the body never reaches.
func rawThenClose(raw string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		_, _ = buf.WriteString(raw)
		_ = buf.Flush()
	}
}

// cutJSON is a 200 whose headers promise 200 bytes of job log and whose
// connection closes after the first few.
var cutJSON = rawThenClose("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n" + `{"id":"575ec76c7ae143cd83dc4a96","status":"comp`)

// hang sends nothing until the client goes away.
func hang(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

// drip sends a 200 with its headers at once and then the body one byte
// every interval, until it is done or the client goes away.
func drip(body string, interval time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		t := time.NewTicker(interval)
		defer t.Stop()
		for i := range len(body) {
			select {
			case <-r.Context().Done():
				return
			case <-t.C:
			}
			if _, err := io.WriteString(w, body[i:i+1]); err != nil {
				return
			}
			_ = rc.Flush()
		}
	}
}

var (
	ok200   = respond(http.StatusOK, pageExample)
	unavail = respond(http.StatusServiceUnavailable, `{"type":"ServiceUnavailable","message":"try later"}`)
)

// wantAttempts fails the test unless the server got exactly n requests.
func wantAttempts(t *testing.T, f *fixture, n int64) {
	t.Helper()
	if got := f.requests.Load(); got != n {
		t.Errorf("the server got %d requests, want %d", got, n)
	}
}

// wantJobLog fails the test unless the call succeeded with the page example.
func wantJobLog(t *testing.T, log *losant.ApplicationJobLog, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Get failed: %v", err)
	}
	if log == nil || log.Name == nil || *log.Name != "ArchiveData" {
		t.Fatalf("Get returned %+v, want the page example", log)
	}
}

// wantWaitsWithinJitter checks that the client decided on n waits, each the
// exponential backoff of fastRetries jittered by at most ±50%.
func wantWaitsWithinJitter(t *testing.T, waits []time.Duration, n int) {
	t.Helper()
	if len(waits) != n {
		t.Fatalf("the client decided on waits %v, want %d of them", waits, n)
	}
	mean := fastRetries.InitialBackoff
	for i, w := range waits {
		if lo, hi := mean/2, mean*3/2; w < lo || w > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", i+1, w, lo, hi)
		}
		mean = min(2*mean, fastRetries.MaxBackoff)
	}
}

func TestFaultConnectionReset(t *testing.T) {
	t.Run("then success", func(t *testing.T) {
		f := newFixture(t, steps(resetConn, ok200))
		waits := observeWaits(f.client)
		log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
		wantJobLog(t, log, err)
		wantAttempts(t, f, 2)
		wantWaitsWithinJitter(t, waits.all(), 1)
	})
	t.Run("every attempt", func(t *testing.T) {
		f := newFixture(t, resetConn)
		waits := observeWaits(f.client)
		log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
		if log != nil || err == nil {
			t.Fatalf("Get = (%v, %v), want an error", log, err)
		}
		wantAttempts(t, f, int64(fastRetries.MaxAttempts))
		wantWaitsWithinJitter(t, waits.all(), fastRetries.MaxAttempts-1)
		var urlErr *url.Error
		var opErr *net.OpError
		if !errors.Is(err, syscall.ECONNRESET) || !errors.As(err, &urlErr) || !errors.As(err, &opErr) {
			t.Errorf("error %v (%T): want a *url.Error around a *net.OpError matching syscall.ECONNRESET", err, err)
		}
		if !strings.Contains(err.Error(), "after 4 attempts") {
			t.Errorf("error %q does not say how many attempts were made", err)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				t.Errorf("a connection reset matches %v", s)
			}
		}
		noToken(t, err)
	})
}

func TestFault503TwiceThen200(t *testing.T) {
	f := newFixture(t, steps(unavail, unavail, ok200))
	waits := observeWaits(f.client)
	log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	wantJobLog(t, log, err)
	wantAttempts(t, f, 3)
	wantWaitsWithinJitter(t, waits.all(), 2)
}

// The only test that waits for real: Retry-After: 1 must mean one second.
func TestFault429RetryAfterSeconds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, steps(
		respond(http.StatusTooManyRequests, `{"type":"RateLimitExceeded","message":"slow down"}`, "Retry-After", "1"),
		ok200))
	waits := observeWaits(f.client)
	log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	wantJobLog(t, log, err)
	wantAttempts(t, f, 2)
	if got := waits.all(); len(got) != 1 || got[0] != time.Second {
		t.Errorf("the client decided on waits %v, want exactly [1s]", got)
	}
}

// An HTTP-date Retry-After is a wait until that instant. The date has
// second resolution, so the server picks a whole second 1 to 2 s ahead; the
// client's decided wait must then lie between that instant minus the time
// the server sent it and that instant minus the time the wait was seen.
func TestFault429RetryAfterDate(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var sent, until time.Time
	f := newFixture(t, steps(
		func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			sent = time.Now()
			until = sent.Truncate(time.Second).Add(2 * time.Second)
			date := until.UTC().Format(http.TimeFormat)
			mu.Unlock()
			respond(http.StatusTooManyRequests, `{"type":"RateLimitExceeded","message":"slow down"}`, "Retry-After", date)(w, r)
		},
		ok200))
	type seen struct {
		wait time.Duration
		at   time.Time
	}
	waits := make(chan time.Duration) // unbuffered: received as soon as decided
	got := make(chan seen, 8)
	go func() {
		for d := range waits {
			got <- seen{d, time.Now()}
		}
		close(got)
	}()
	losant.ObserveWaits(f.client, waits)
	log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	close(waits)
	wantJobLog(t, log, err)
	wantAttempts(t, f, 2)
	var all []seen
	for s := range got {
		all = append(all, s)
	}
	if len(all) != 1 {
		t.Fatalf("the client decided on %d waits, want 1", len(all))
	}
	mu.Lock()
	defer mu.Unlock()
	hi, lo := until.Sub(sent), until.Sub(all[0].at)
	if d := all[0].wait; d > hi || d < lo {
		t.Errorf("decided wait %v, want within [%v, %v] (until %v)", d, lo, hi, until)
	}
}

func TestFault500HTMLBody(t *testing.T) {
	page := "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n<body><h1>Internal Server Error</h1>" +
		strings.Repeat("<p>stack frame</p>\n", 500) + "</body></html>"
	f := newFixture(t, respond(http.StatusInternalServerError, page, "Content-Type", "text/html; charset=utf-8"))
	waits := observeWaits(f.client)
	_, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	apiErr := isAPIError(t, err)
	wantAttempts(t, f, 1)
	if w := waits.all(); len(w) != 0 {
		t.Errorf("a 500 was retried after %v", w)
	}
	if !errors.Is(err, losant.ErrServerError) || apiErr.StatusCode != 500 || apiErr.Type != "" || apiErr.Message != "" {
		t.Errorf("got %+v, want a bare 500 matching ErrServerError", apiErr)
	}
	if !strings.HasPrefix(apiErr.Body, "<!DOCTYPE html> <html><head><title>500") || len(apiErr.Body) > 200 {
		t.Errorf("Body = %q, want a short single-line excerpt of the page", apiErr.Body)
	}
	if strings.ContainsAny(err.Error(), "\r\n") {
		t.Errorf("the error spans lines: %q", err)
	}
	noToken(t, err)
}

func TestFaultTruncatedJSON(t *testing.T) {
	t.Run("then success", func(t *testing.T) {
		f := newFixture(t, steps(cutJSON, ok200))
		waits := observeWaits(f.client)
		log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
		wantJobLog(t, log, err)
		wantAttempts(t, f, 2)
		wantWaitsWithinJitter(t, waits.all(), 1)
	})
	// Each case is a body cut short, by the connection or by the server;
	// each must be retried and, when it persists, end in ErrInvalidResponse
	// that also matches io.ErrUnexpectedEOF.
	tests := []struct {
		name string
		h    http.HandlerFunc
	}{
		{"cut mid-value", cutJSON},
		{"cut after the value", rawThenClose("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(pageExample)+100) + "\r\n\r\n" + pageExample)},
		{"cut before the body", rawThenClose("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n")},
		{"complete body with a truncated value", respond(http.StatusOK, `{"id":"575ec76c7ae143cd83dc4a96","progress":{"total":1`)},
	}
	for _, tt := range tests {
		t.Run("every attempt "+tt.name, func(t *testing.T) {
			f := newFixture(t, tt.h)
			waits := observeWaits(f.client)
			log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			if log != nil || !errors.Is(err, losant.ErrInvalidResponse) {
				t.Fatalf("Get = (%v, %v), want an error matching ErrInvalidResponse", log, err)
			}
			wantAttempts(t, f, int64(fastRetries.MaxAttempts))
			wantWaitsWithinJitter(t, waits.all(), fastRetries.MaxAttempts-1)
			var re *losant.ResponseError
			if !errors.As(err, &re) || re.StatusCode != http.StatusOK || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("error %v: want a *ResponseError for the 200 matching io.ErrUnexpectedEOF", err)
			}
			if !strings.Contains(err.Error(), "truncated") {
				t.Errorf("error %q does not say the body was truncated", err)
			}
			noToken(t, err)
		})
	}
}

// A body over the cap fails at once, is not retried, and is not read to
// its end: the server, which would send 64 MiB, sees the client go away.
func TestFaultBodyOverSizeCap(t *testing.T) {
	const limit, huge = 64 << 10, 64 << 20
	var written atomic.Int64
	done := make(chan struct{})
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		defer close(done)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(huge))
		chunk := append([]byte(`{"name":"`), bytes.Repeat([]byte("x"), 32<<10-9)...)
		for written.Load() < huge {
			n, err := w.Write(chunk[:min(len(chunk), huge-int(written.Load()))])
			written.Add(int64(n))
			if err != nil {
				return
			}
			chunk = bytes.Repeat([]byte("x"), 32<<10)
		}
	}, losant.WithMaxResponseBytes(limit))
	waits := observeWaits(f.client)
	log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	if log != nil || !errors.Is(err, losant.ErrResponseTooLarge) || !errors.Is(err, losant.ErrInvalidResponse) {
		t.Fatalf("Get = (%v, %v), want an error matching ErrResponseTooLarge and ErrInvalidResponse", log, err)
	}
	wantAttempts(t, f, 1)
	if w := waits.all(); len(w) != 0 {
		t.Errorf("an oversized body was retried after %v", w)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(limit)) {
		t.Errorf("error %q does not name the cap", err)
	}
	noToken(t, err)
	select {
	case <-done:
	case <-time.After(safetyNet):
		t.Fatal("the server is still sending: the client did not hang up")
	}
	if n := written.Load(); n >= huge {
		t.Errorf("the server wrote the whole %d-byte body: the client read past its cap", n)
	}
}

// An attempt whose response is too slow (headers that never come, or a
// body that drips) is cut at the attempt timeout and retried; when every
// attempt is too slow the error matches ErrTimeout and
// context.DeadlineExceeded.
func TestFaultSlowResponses(t *testing.T) {
	t.Parallel()
	// attemptTimeout cuts every slow attempt. A recovering call gets a
	// longer one, so that a loaded machine cannot make its good attempt
	// time out too.
	const attemptTimeout, recoveringTimeout = 50 * time.Millisecond, 300 * time.Millisecond
	slow := map[string]http.HandlerFunc{
		"headers": hang,
		"body":    drip(pageExample, 10*time.Millisecond), // ~3 s for the whole body
	}
	for name, h := range slow {
		t.Run(name+" then success", func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, steps(h, ok200), losant.WithAttemptTimeout(recoveringTimeout))
			waits := observeWaits(f.client)
			log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			wantJobLog(t, log, err)
			wantAttempts(t, f, 2)
			wantWaitsWithinJitter(t, waits.all(), 1)
		})
		t.Run(name+" every attempt", func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, h, losant.WithAttemptTimeout(attemptTimeout))
			waits := observeWaits(f.client)
			log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			if log != nil || !errors.Is(err, losant.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, losant.ErrInvalidResponse) {
				t.Fatalf("Get = (%v, %v), want an error matching ErrTimeout and context.DeadlineExceeded, not ErrInvalidResponse", log, err)
			}
			wantAttempts(t, f, int64(fastRetries.MaxAttempts))
			wantWaitsWithinJitter(t, waits.all(), fastRetries.MaxAttempts-1)
			if !strings.Contains(err.Error(), attemptTimeout.String()+" attempt timeout") {
				t.Errorf("error %q does not name the attempt timeout", err)
			}
			noToken(t, err)
		})
	}
	// The caller's deadline, when it comes first, is the caller's: it is
	// not an attempt timeout and is not retried.
	t.Run("caller deadline first", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, hang, losant.WithAttemptTimeout(time.Minute))
		waits := observeWaits(f.client)
		ctx, cancel := context.WithTimeout(context.Background(), attemptTimeout)
		defer cancel()
		_, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID)
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, losant.ErrTimeout) {
			t.Fatalf("error %v: want context.DeadlineExceeded and not ErrTimeout", err)
		}
		wantAttempts(t, f, 1)
		if w := waits.all(); len(w) != 0 {
			t.Errorf("the client waited %v past the caller's deadline", w)
		}
		noToken(t, err)
	})
}

// Go's client keeps Authorization on a redirect to another port of the same
// host, or from https to http; the SDK's default client drops it whenever
// the scheme, host or port changes.
func TestRedirectToAnotherPortOrSchemeDropsAuthorization(t *testing.T) {
	var got atomic.Value
	other := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Header.Get("Authorization"))
		ok200(w, r)
	})
	target := other.srv.URL + jobPath // http://127.0.0.1:<another port>
	for name, newServer := range map[string]func(http.Handler) *httptest.Server{
		"http to http":  httptest.NewServer,
		"https to http": httptest.NewTLSServer,
	} {
		t.Run(name, func(t *testing.T) {
			got.Store("")
			from := newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target, http.StatusFound)
			}))
			defer from.Close()
			if from.Listener.Addr().String() == other.srv.Listener.Addr().String() {
				t.Fatal("both servers on one port")
			}
			c, err := losant.NewClient(losant.WithToken(testToken), losant.WithBaseURL(from.URL+basePath), losant.WithoutRetries())
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseIdleConnections()
			if from.TLS != nil {
				pool := x509.NewCertPool()
				pool.AddCert(from.Certificate())
				losant.TrustForTest(c, pool)
			}
			log, err := c.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			wantJobLog(t, log, err)
			if a, _ := got.Load().(string); a != "" {
				t.Errorf("the other port got Authorization %q", a)
			}
		})
	}
}

func TestFaultWrongContentType(t *testing.T) {
	for _, ct := range []string{"text/html; charset=utf-8", "text/plain", "application/xml", "application/jsonp", "nonsense"} {
		t.Run(ct, func(t *testing.T) {
			f := newFixture(t, respond(http.StatusOK, pageExample, "Content-Type", ct))
			waits := observeWaits(f.client)
			log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			if log != nil || !errors.Is(err, losant.ErrInvalidResponse) {
				t.Fatalf("Get = (%v, %v), want an error matching ErrInvalidResponse", log, err)
			}
			wantAttempts(t, f, 1)
			if w := waits.all(); len(w) != 0 {
				t.Errorf("a wrong content type was retried after %v", w)
			}
			var re *losant.ResponseError
			if !errors.As(err, &re) || re.ContentType != ct || !strings.Contains(err.Error(), "not JSON") {
				t.Errorf("error %v: want a *ResponseError naming content type %q", err, ct)
			}
			noToken(t, err)
		})
	}
}

func TestFaultEmpty200Body(t *testing.T) {
	tests := map[string]http.HandlerFunc{
		"Content-Length 0":          respond(http.StatusOK, ""),
		"no length, closed at once": rawThenClose("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"),
		"whitespace only":           respond(http.StatusOK, " \r\n\t "),
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, h)
			waits := observeWaits(f.client)
			log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			if log != nil || !errors.Is(err, losant.ErrInvalidResponse) {
				t.Fatalf("Get = (%v, %v), want an error matching ErrInvalidResponse", log, err)
			}
			wantAttempts(t, f, 1)
			if w := waits.all(); len(w) != 0 {
				t.Errorf("an empty body was retried after %v", w)
			}
			noToken(t, err)
		})
	}
}

// Cancelling the context while the client waits to retry ends the call at
// once: the error matches context.Canceled and still reaches the last
// answer's *APIError.
func TestFaultContextCancelledDuringBackoff(t *testing.T) {
	f := newFixture(t, unavail, losant.WithRetryPolicy(losant.RetryPolicy{
		MaxAttempts: 4, InitialBackoff: 5 * time.Second, MaxBackoff: 5 * time.Second,
		MaxElapsed: time.Minute, MaxRetryAfter: time.Minute,
	}))
	waits := make(chan time.Duration, 1)
	losant.ObserveWaits(f.client, waits)
	ctx, cancel := context.WithCancel(safeCtx(t))
	go func() {
		<-waits // the wait has been decided and is about to start
		cancel()
	}()
	_, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID)
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not match context.Canceled", err)
	}
	apiErr := isAPIError(t, err)
	if apiErr.StatusCode != http.StatusServiceUnavailable || !errors.Is(err, losant.ErrServerError) {
		t.Errorf("the last answer is lost: %+v", apiErr)
	}
	wantAttempts(t, f, 1)
	noToken(t, err)
}

// A wait that would end past the context's deadline is not started: the
// call returns the last error at once.
func TestFaultDeadlineShorterThanNextWait(t *testing.T) {
	long := losant.RetryPolicy{
		MaxAttempts: 4, InitialBackoff: time.Minute, MaxBackoff: time.Minute,
		MaxElapsed: time.Hour, MaxRetryAfter: time.Hour,
	}
	tests := map[string]http.HandlerFunc{
		"backoff":     unavail,
		"Retry-After": respond(http.StatusTooManyRequests, `{"type":"RateLimitExceeded"}`, "Retry-After", "60"),
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, h, losant.WithRetryPolicy(long))
			waits := observeWaits(f.client)
			ctx := safeCtx(t) // 20 s: shorter than any wait of 30 s or more
			_, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID)
			wantAttempts(t, f, 1)
			if w := waits.all(); len(w) != 0 {
				t.Errorf("the client started waits %v that end past its deadline", w)
			}
			if ctx.Err() != nil {
				t.Fatal("the safety net fired: the call waited")
			}
			isAPIError(t, err)
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				t.Errorf("error %v matches a context error, but the context has not ended", err)
			}
			if !strings.Contains(err.Error(), "context deadline") {
				t.Errorf("error %q does not say why it gave up", err)
			}
			noToken(t, err)
		})
	}
}

// The answers that may pass if sent again (429 and the gateway's 502, 503
// and 504) are retried; every other status is final (see
// TestFaultClientErrorsAreNotRetried).
func TestFaultRetriedStatuses(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			f := newFixture(t, steps(respond(status, `{"type":"X","message":"later"}`), ok200))
			waits := observeWaits(f.client)
			log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			wantJobLog(t, log, err)
			wantAttempts(t, f, 2)
			wantWaitsWithinJitter(t, waits.all(), 1)

			f = newFixture(t, respond(status, `{"type":"X","message":"later"}`), losant.WithoutRetries())
			_, err = f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			if apiErr := isAPIError(t, err); !apiErr.Temporary() {
				t.Errorf("APIError{%d}.Temporary() = false, want true", status)
			}
		})
	}
}

// A Retry-After over MaxRetryAfter but within MaxElapsed is refused for
// MaxRetryAfter's sake: the budget alone would have allowed the wait.
func TestFaultRetryAfterBetweenMaxRetryAfterAndMaxElapsed(t *testing.T) {
	// fastRetries: MaxRetryAfter 5 s, MaxElapsed 10 s.
	f := newFixture(t, steps(respond(http.StatusServiceUnavailable, `{"type":"ServiceUnavailable"}`, "Retry-After", "7"), ok200))
	var waits []time.Duration
	losant.FakeSleep(f.client, func(d time.Duration) { waits = append(waits, d) })
	_, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	apiErr := isAPIError(t, err)
	wantAttempts(t, f, 1)
	if len(waits) != 0 {
		t.Errorf("the client waited %v for a Retry-After over MaxRetryAfter", waits)
	}
	if apiErr.RetryAfter != 7*time.Second || !strings.Contains(err.Error(), "MaxRetryAfter") {
		t.Errorf("error %v (RetryAfter %v), want the 503 with RetryAfter 7s, refused for MaxRetryAfter", err, apiErr.RetryAfter)
	}
}

// A Retry-After over the policy's MaxRetryAfter is handed to the caller at
// once, with APIError.RetryAfter set.
func TestFaultRetryAfterOverLimit(t *testing.T) {
	f := newFixture(t, respond(http.StatusTooManyRequests, `{"type":"RateLimitExceeded"}`, "Retry-After", "3600"))
	waits := observeWaits(f.client)
	_, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	apiErr := isAPIError(t, err)
	wantAttempts(t, f, 1)
	if w := waits.all(); len(w) != 0 {
		t.Errorf("the client started waits %v", w)
	}
	if apiErr.RetryAfter != time.Hour || !errors.Is(err, losant.ErrRateLimited) {
		t.Errorf("got %+v, want a 429 with RetryAfter 1h", apiErr)
	}
	noToken(t, err)
}

// The retry budget (MaxElapsed) counts from the start of the first
// attempt: a first attempt that used the budget up leaves no room for a
// retry, however short its wait.
func TestFaultRetryBudgetCountsTheFirstAttempt(t *testing.T) {
	const attemptTimeout = 200 * time.Millisecond
	f := newFixture(t, steps(hang, ok200), losant.WithAttemptTimeout(attemptTimeout), losant.WithRetryPolicy(losant.RetryPolicy{
		// Every wait is 50-150 ms; the first attempt takes at least
		// 200 ms, so any retry would start past the 240 ms budget.
		MaxAttempts: 4, InitialBackoff: 100 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		MaxElapsed: 240 * time.Millisecond, MaxRetryAfter: time.Second,
	}))
	waits := observeWaits(f.client)
	_, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	if !errors.Is(err, losant.ErrTimeout) {
		t.Fatalf("error %v, want the first attempt's ErrTimeout", err)
	}
	wantAttempts(t, f, 1)
	if w := waits.all(); len(w) != 0 {
		t.Errorf("the client started waits %v past its retry budget", w)
	}
	if !strings.Contains(err.Error(), "retry budget") {
		t.Errorf("error %q does not say why it gave up", err)
	}
	noToken(t, err)
}

// 400, 401, 403, 404 (and 500, 501) are final, even with a Retry-After.
func TestFaultClientErrorsAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 500, 501} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			f := newFixture(t, respond(status, `{"type":"X","message":"no"}`, "Retry-After", "1"))
			waits := observeWaits(f.client)
			_, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			if apiErr := isAPIError(t, err); apiErr.StatusCode != status {
				t.Errorf("status %d, want %d", apiErr.StatusCode, status)
			}
			wantAttempts(t, f, 1)
			if w := waits.all(); len(w) != 0 {
				t.Errorf("a %d was retried after %v", status, w)
			}
			noToken(t, err)
		})
	}
}

func TestFaultWithoutRetries(t *testing.T) {
	tests := map[string]struct {
		h       http.HandlerFunc
		want    error
		timeout time.Duration
	}{
		"503":             {unavail, losant.ErrServerError, losant.DefaultAttemptTimeout},
		"reset":           {resetConn, syscall.ECONNRESET, losant.DefaultAttemptTimeout},
		"truncated":       {cutJSON, losant.ErrInvalidResponse, losant.DefaultAttemptTimeout},
		"attempt timeout": {hang, losant.ErrTimeout, 50 * time.Millisecond},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, steps(tt.h, ok200), losant.WithoutRetries(), losant.WithAttemptTimeout(tt.timeout))
			waits := observeWaits(f.client)
			_, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			wantAttempts(t, f, 1)
			if w := waits.all(); len(w) != 0 {
				t.Errorf("WithoutRetries waited %v", w)
			}
			if strings.Contains(err.Error(), "attempts") {
				t.Errorf("a single attempt reports retries: %q", err)
			}
			noToken(t, err)
		})
	}
}

// One limiter is shared by every goroutine using a client, and by the
// retries. With a rate of one token a million seconds, only the burst can
// pass; a call that would have to wait past its deadline fails at once.
func TestFaultRateLimitSharedByGoroutines(t *testing.T) {
	const burst = 3
	t.Run("burst across goroutines", func(t *testing.T) {
		f := newFixture(t, ok200, losant.WithRateLimit(1e-6, burst))
		ctx := safeCtx(t)
		errs := make(chan error, burst+1)
		var wg sync.WaitGroup
		for range burst + 1 {
			wg.Go(func() {
				_, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		var ok, limited int
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case strings.Contains(err.Error(), "rate limiter") && errors.Is(err, context.DeadlineExceeded):
				limited++
				noToken(t, err)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != burst || limited != 1 {
			t.Errorf("%d calls succeeded and %d were refused by the limiter, want %d and 1", ok, limited, burst)
		}
		wantAttempts(t, f, burst)
		if ctx.Err() != nil {
			t.Error("the safety net fired: a call waited for the limiter")
		}
	})
	t.Run("retries take tokens", func(t *testing.T) {
		f := newFixture(t, steps(unavail, ok200), losant.WithRateLimit(1e-6, 2))
		log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
		wantJobLog(t, log, err) // two attempts: both tokens
		_, err = f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
		if err == nil || !strings.Contains(err.Error(), "rate limiter") {
			t.Errorf("third request: error %v, want the limiter's", err)
		}
		wantAttempts(t, f, 2)
		noToken(t, err)
	})
}

// Each retry is logged at Warn with the method, path, attempt and reason,
// and no line carries the token.
func TestFaultRetriesAreLogged(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	// The reset comes first, on a fresh connection: on a reused one Go's
	// transport would retry by itself, and the SDK would not see it.
	f := newFixture(t, steps(resetConn, unavail, ok200), losant.WithLogger(logger))
	log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	wantJobLog(t, log, err)
	out := buf.String()
	if strings.Contains(out, testToken) {
		t.Fatalf("the log leaks the token:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2 (one per retry):\n%s", len(lines), out)
	}
	for i, reason := range []string{`reason="connection error"`, "reason=503"} {
		for _, part := range []string{"level=WARN", "method=GET", "path=" + jobPath, "attempt=" + strconv.Itoa(i+1), reason, "wait="} {
			if !strings.Contains(lines[i], part) {
				t.Errorf("log line %d lacks %s: %s", i+1, part, lines[i])
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
