package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	limitsApp   = "575ec8687ae143cd83dc4a97" // the first example job log
	limitsJob   = "575ec76c7ae143cd83dc4a96"
	limitsToken = "limits-token"
	limitsPath  = "/applications/" + limitsApp + "/jobLogs/" + limitsJob
)

// limitsHandler returns NewHandler(opts) with the example store and
// limitsToken, and its limiter.
func limitsHandler(t *testing.T, opts Options) (http.Handler, *limiter) {
	t.Helper()
	opts.Tokens = map[string][]string{limitsToken: nil}
	h, err := NewHandler(opts)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	t.Cleanup(func() { _ = h.Close() })
	l, ok := h.next.(*limiter)
	if !ok {
		t.Fatalf("NewHandler's Handler serves through a %T, want the limits outermost (*limiter)", h.next)
	}
	return h, l
}

// limitsClient is an HTTP client of its own, whose idle connections are
// closed when the test ends (goleak checks that none are left).
func limitsClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// limitsAnswer is one response, read whole.
type limitsAnswer struct {
	status int
	header http.Header
	body   []byte
}

func limitsGet(t *testing.T, c *http.Client, url string, header http.Header) limitsAnswer {
	t.Helper()
	a, err := limitsDo(t, c, url, header)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// limitsDo is limitsGet for other goroutines than the test's: it returns
// its error.
func limitsDo(t *testing.T, c *http.Client, url string, header http.Header) (limitsAnswer, error) {
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		return limitsAnswer{}, err
	}
	for k, vv := range header {
		req.Header[k] = vv
	}
	req.Header.Set("Authorization", "Bearer "+limitsToken)
	resp, err := c.Do(req)
	if err != nil {
		return limitsAnswer{}, fmt.Errorf("GET %.80s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return limitsAnswer{}, fmt.Errorf("GET %.80s: reading the body: %w", url, err)
	}
	return limitsAnswer{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// losantError decodes a's body as Losant's error JSON, exactly a type and
// a message, and fails the test if it is anything else.
func (a limitsAnswer) losantError(t *testing.T) (typ, msg string) {
	t.Helper()
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var e map[string]string
	if err := json.Unmarshal(a.body, &e); err != nil || len(e) != 2 || e["type"] == "" || e["message"] == "" {
		t.Fatalf("body %q is not Losant's error JSON {\"type\":...,\"message\":...} (%v)", a.body, err)
	}
	return e["type"], e["message"]
}

func TestLimitsDefaults(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		opts                        Options
		wantURI, wantQuery, wantCap int
	}{
		{"zero values", Options{}, DefaultMaxURIBytes, DefaultMaxQueryBytes, DefaultMaxInFlight},
		{"set", Options{MaxURIBytes: 100, MaxQueryBytes: 10, MaxInFlight: 3}, 100, 10, 3},
		{"negative: none", Options{MaxURIBytes: -1, MaxQueryBytes: -1, MaxInFlight: -1}, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, l := limitsHandler(t, tc.opts)
			if l.maxURI != tc.wantURI || l.maxQuery != tc.wantQuery || cap(l.slots) != tc.wantCap {
				t.Errorf("limits: URI %d, query %d, in flight %d; want %d, %d, %d",
					l.maxURI, l.maxQuery, cap(l.slots), tc.wantURI, tc.wantQuery, tc.wantCap)
			}
			if tc.wantCap == 0 && l.slots != nil {
				t.Error("no bound on requests in flight was asked for, but there is one")
			}
		})
	}
	// The default query must fit in the default URI with room for a path,
	// and the default URI well inside the default header limit, so that
	// the handler, not net/http, answers an overlong one.
	if DefaultMaxQueryBytes+2<<10 > DefaultMaxURIBytes || DefaultMaxURIBytes*2 > DefaultMaxHeaderBytes {
		t.Errorf("defaults out of step: query %d, URI %d, headers %d", DefaultMaxQueryBytes, DefaultMaxURIBytes, DefaultMaxHeaderBytes)
	}
}

func TestLimitsURIAndQuery(t *testing.T) {
	longPath := "/applications/" + strings.Repeat("a", DefaultMaxURIBytes) + "/jobLogs/" + limitsJob
	for _, tc := range []struct {
		name       string
		opts       Options
		target     string
		wantStatus int
		wantMsg    string // in the error message
	}{
		{"query at the cap", Options{}, limitsPath + "?x=" + strings.Repeat("q", DefaultMaxQueryBytes-2), http.StatusOK, ""},
		{"query over the cap", Options{}, limitsPath + "?x=" + strings.Repeat("q", DefaultMaxQueryBytes-1), http.StatusRequestURITooLong, "Query string is 16385 bytes, over this server's limit of 16384"},
		{"URI over the cap by its path", Options{}, longPath, http.StatusRequestURITooLong, "Request URI is"},
		{"URI over the cap by its query", Options{MaxQueryBytes: -1}, limitsPath + "?x=" + strings.Repeat("q", DefaultMaxURIBytes), http.StatusRequestURITooLong, "Request URI is"},
		{"small caps, URI", Options{MaxURIBytes: 100, MaxQueryBytes: 10}, limitsPath + "?_actions=false&x=" + strings.Repeat("q", 30), http.StatusRequestURITooLong, "limit of 100"},
		{"small caps, query", Options{MaxURIBytes: 100, MaxQueryBytes: 10}, limitsPath + "?_actions=false", http.StatusRequestURITooLong, "limit of 10:"},
		{"small caps, within", Options{MaxURIBytes: 100, MaxQueryBytes: 10}, limitsPath + "?a=b", http.StatusOK, ""},
		{"no caps", Options{MaxURIBytes: -1, MaxQueryBytes: -1}, limitsPath + "?x=" + strings.Repeat("q", DefaultMaxURIBytes), http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := limitsHandler(t, tc.opts)
			srv := httptest.NewServer(h)
			defer srv.Close()
			a := limitsGet(t, limitsClient(t), srv.URL+tc.target, http.Header{"Origin": {"https://dashboard.example"}})
			if a.status != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", a.status, tc.wantStatus, a.body)
			}
			if got := a.header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("Access-Control-Allow-Origin %q, want * (every answer allows any origin)", got)
			}
			if tc.wantStatus == http.StatusOK {
				return
			}
			typ, msg := a.losantError(t)
			if typ != typeValidation || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("error %s: %q, want %s with %q", typ, msg, typeValidation, tc.wantMsg)
			}
		})
	}
}

// TestLimitsInFlight holds MaxInFlight requests inside the handler, past
// the limits, and checks that one more is refused at once with a 503 and
// Retry-After, and that the held ones and later ones are then served.
func TestLimitsInFlight(t *testing.T) {
	const bound = 3
	h, l := limitsHandler(t, Options{MaxInFlight: bound})
	entered := make(chan struct{})
	release := make(chan struct{})
	var releaseOnce sync.Once
	inner := l.next
	var hold sync.Mutex // guards holding
	holding := true
	l.next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hold.Lock()
		block := holding
		hold.Unlock()
		if block {
			entered <- struct{}{}
			<-release
		}
		inner.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer releaseOnce.Do(func() { close(release) }) // before srv.Close, if the test fails early
	c := limitsClient(t)

	type result struct {
		a   limitsAnswer
		err error
	}
	held := make(chan result, bound)
	var wg sync.WaitGroup
	for range bound {
		wg.Go(func() {
			a, err := limitsDo(t, c, srv.URL+limitsPath, nil)
			held <- result{a, err}
		})
	}
	for range bound {
		<-entered // each of them holds a slot now
	}
	hold.Lock()
	holding = false
	hold.Unlock()
	if n := len(l.slots); n != bound {
		t.Fatalf("%d requests in flight, want %d", n, bound)
	}

	a := limitsGet(t, c, srv.URL+limitsPath, http.Header{"Origin": {"https://dashboard.example"}})
	if a.status != http.StatusServiceUnavailable {
		t.Fatalf("request %d of %d allowed in flight: status %d, want 503; body %s", bound+1, bound, a.status, a.body)
	}
	if got := a.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1", got)
	}
	if got := a.header.Get("Access-Control-Expose-Headers"); !strings.Contains(got, "Retry-After") {
		t.Errorf("Access-Control-Expose-Headers %q, want Retry-After visible to browsers", got)
	}
	if typ, msg := a.losantError(t); typ != typeServiceUnavailable || !strings.Contains(msg, "3 requests are in flight") {
		t.Errorf("error %s: %q, want %s saying 3 requests are in flight", typ, msg, typeServiceUnavailable)
	}

	releaseOnce.Do(func() { close(release) })
	wg.Wait()
	close(held)
	for r := range held {
		switch {
		case r.err != nil:
			t.Errorf("a held request: %v", r.err)
		case r.a.status != http.StatusOK:
			t.Errorf("a held request got %d, want 200: %s", r.a.status, r.a.body)
		}
	}
	if a := limitsGet(t, c, srv.URL+limitsPath, nil); a.status != http.StatusOK {
		t.Errorf("after the held requests ended: status %d, want 200: %s", a.status, a.body)
	}
	if n := len(l.slots); n != 0 {
		t.Errorf("%d slots still taken after every request ended", n)
	}
}

func TestNewServerSettings(t *testing.T) {
	h := http.NotFoundHandler()
	srv := NewServer(h, ServerOptions{})
	if srv.Handler == nil || srv.ReadHeaderTimeout != DefaultReadHeaderTimeout || srv.ReadTimeout != DefaultReadTimeout ||
		srv.WriteTimeout != DefaultWriteTimeout || srv.IdleTimeout != DefaultIdleTimeout || srv.MaxHeaderBytes != DefaultMaxHeaderBytes {
		t.Errorf("zero options: handler set %v, timeouts %v %v %v %v, header bytes %d; want the defaults",
			srv.Handler != nil, srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	set := ServerOptions{ReadHeaderTimeout: 1, ReadTimeout: 2, WriteTimeout: 3, IdleTimeout: 4, MaxHeaderBytes: 5}
	srv = NewServer(h, set)
	if srv.ReadHeaderTimeout != 1 || srv.ReadTimeout != 2 || srv.WriteTimeout != 3 || srv.IdleTimeout != 4 || srv.MaxHeaderBytes != 5 {
		t.Errorf("set options not kept: %v %v %v %v %d", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
	srv = NewServer(h, ServerOptions{ReadHeaderTimeout: -1, ReadTimeout: -1, WriteTimeout: -1, IdleTimeout: -1, MaxHeaderBytes: -1})
	if srv.ReadHeaderTimeout >= 0 || srv.ReadTimeout >= 0 || srv.WriteTimeout >= 0 || srv.IdleTimeout >= 0 || srv.MaxHeaderBytes != http.DefaultMaxHeaderBytes {
		t.Errorf("negative options: %v %v %v %v %d; want no timeouts (negative) and net/http's header limit",
			srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	}
}

// serveLoopback serves srv on a free loopback port until the test ends,
// and returns its address.
func serveLoopback(t *testing.T, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		_ = srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// TestNewServerDropsSlowHeaders opens a connection that never finishes its
// headers, as a slowloris client does, and checks that the server closes
// it once ReadHeaderTimeout passes: silently, or after net/http's own
// plain-text 400 when the timeout cut a header line.
func TestNewServerDropsSlowHeaders(t *testing.T) {
	h, _ := limitsHandler(t, Options{})
	addr := serveLoopback(t, NewServer(h, ServerOptions{ReadHeaderTimeout: 50 * time.Millisecond}))
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET "+limitsPath+" HTTP/1.1\r\nHost: localhost\r\nAuthori"); err != nil {
		t.Fatal(err)
	}
	// Only a bound on a hang, far beyond ReadHeaderTimeout: the check is
	// that the server closes the connection, not when.
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	var got strings.Builder
	_, err = io.Copy(&got, conn)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatal("the server kept a connection whose headers never ended")
	case got.Len() > 0 && !strings.HasPrefix(got.String(), "HTTP/1.1 400 "):
		t.Errorf("the server answered unfinished headers with %q, want nothing or net/http's 400", got.String())
	}
}

// TestNewServerHeaderLimits checks the two bounds on a request's head: a
// URL over MaxURIBytes but within MaxHeaderBytes gets the handler's JSON
// 414; headers over MaxHeaderBytes get net/http's 431.
func TestNewServerHeaderLimits(t *testing.T) {
	h, _ := limitsHandler(t, Options{})
	addr := serveLoopback(t, NewServer(h, ServerOptions{}))
	c := limitsClient(t)

	a := limitsGet(t, c, "http://"+addr+limitsPath+"?x="+strings.Repeat("q", 2*DefaultMaxURIBytes), nil)
	if a.status != http.StatusRequestURITooLong {
		t.Fatalf("a %d-byte URL: status %d, want 414; body %.200s", 2*DefaultMaxURIBytes, a.status, a.body)
	}
	if typ, _ := a.losantError(t); typ != typeValidation {
		t.Errorf("a URL over the cap: type %s, want %s", typ, typeValidation)
	}

	a = limitsGet(t, c, "http://"+addr+limitsPath, http.Header{"X-Padding": {strings.Repeat("p", DefaultMaxHeaderBytes+8<<10)}})
	if a.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("headers over MaxHeaderBytes: status %d, want 431; body %.200s", a.status, a.body)
	}
}

// TestMalformedQueryIsRefused: a query string Go's parser cannot read whole
// (it would drop the bad pair silently) is a 400 Validation, not a 200.
func TestMalformedQueryIsRefused(t *testing.T) {
	h, err := NewHandler(Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, q := range []string{"_actions=maybe;x", "_actions=%zz", "a=%"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96?"+q, nil)
		req.Header.Set("Authorization", "Bearer t")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"type":"Validation"`) {
			t.Errorf("?%s: %d %s, want 400 Validation", q, resp.StatusCode, body)
		}
	}
}
