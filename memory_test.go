package losant_test

// Client memory (issue 11): a body over the cap is refused before a byte of
// it is read when its Content-Length says so, and at the cap when it is
// chunked; an error body is read only as far as its excerpt needs. Every
// test counts the body bytes the client read through a wrapping transport,
// over loopback. What these bodies cost a process (peak RSS) is measured
// outside the tests, by scripts/memory.sh, and per body byte by
// BenchmarkDecodeMemory.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

// bodyCountingTransport counts the response body bytes the client reads.
type bodyCountingTransport struct {
	base *http.Transport
	read atomic.Int64
}

func newBodyCountingClient(t *testing.T) (*http.Client, *bodyCountingTransport) {
	t.Helper()
	ct := &bodyCountingTransport{base: http.DefaultTransport.(*http.Transport).Clone()}
	t.Cleanup(ct.base.CloseIdleConnections)
	return &http.Client{Transport: ct}, ct
}

func (c *bodyCountingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

func (c *bodyCountingTransport) CloseIdleConnections() { c.base.CloseIdleConnections() }

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// getters are the two ways to get a job log: into the model, and raw.
var getters = []struct {
	name string
	get  func(ctx context.Context, c *losant.Client) error
}{
	{"Get", func(ctx context.Context, c *losant.Client) error {
		_, err := c.ApplicationJobLog.Get(ctx, appID, jobID)
		return err
	}},
	{"GetRaw", func(ctx context.Context, c *losant.Client) error {
		_, err := c.ApplicationJobLog.GetRaw(ctx, appID, jobID)
		return err
	}},
}

// wantTooLarge fails the test unless err is the 200's *ResponseError
// matching ErrResponseTooLarge.
func wantTooLarge(t *testing.T, err error) {
	t.Helper()
	var re *losant.ResponseError
	if !errors.Is(err, losant.ErrResponseTooLarge) || !errors.Is(err, losant.ErrInvalidResponse) ||
		!errors.As(err, &re) || re.StatusCode != http.StatusOK {
		t.Fatalf("error %v (%T): want a *ResponseError for the 200 matching ErrResponseTooLarge", err, err)
	}
	noToken(t, err)
}

// A body whose Content-Length is over the cap fails before a byte of it is
// read: the server sends the headers and then blocks before the body, and
// Get returns while it is still blocked, without retrying. (A client that
// tried to read the body would wait for it until its attempt timeout, and
// fail with ErrTimeout instead.)
func TestContentLengthOverCapReadsNoBody(t *testing.T) {
	const limit = 1 << 20
	for _, g := range getters {
		for _, length := range []int64{limit + 1, 256 << 20, 1 << 40} {
			t.Run(g.name+"/"+strconv.FormatInt(length, 10), func(t *testing.T) {
				hc, ct := newBodyCountingClient(t)
				var blocked atomic.Bool
				release := make(chan struct{})
				f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					w.Header().Set("Content-Length", strconv.FormatInt(length, 10))
					w.WriteHeader(http.StatusOK)
					blocked.Store(true) // before Flush: the client may return as soon as the headers arrive
					w.(http.Flusher).Flush()
					select { // blocks until the test ends: no body byte is ever written
					case <-release:
					case <-r.Context().Done():
					}
				}, losant.WithMaxResponseBytes(limit), losant.WithHTTPClient(hc), losant.WithAttemptTimeout(5*time.Second))
				t.Cleanup(func() { close(release) }) // before the server closes: it waits for handlers
				err := g.get(safeCtx(t), f.client)
				wantTooLarge(t, err)
				if !blocked.Load() {
					t.Error("the handler never reached the body")
				}
				if n := ct.read.Load(); n != 0 {
					t.Errorf("the client read %d body bytes, want 0", n)
				}
				if n := f.requests.Load(); n != 1 {
					t.Errorf("%d requests, want 1 (a body over the cap is not retried)", n)
				}
				for _, want := range []string{strconv.FormatInt(length, 10), "exceeds " + strconv.Itoa(limit), "WithMaxResponseBytes"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
			})
		}
	}
}

// A body over the cap without a Content-Length (chunked) fails at the cap:
// the client reads the cap's worth and one byte more, no further, and the
// server, which would send 64 MiB, sees it go away.
func TestChunkedOverCapFailsAtCap(t *testing.T) {
	const limit, huge = 256 << 10, 64 << 20
	for _, g := range getters {
		t.Run(g.name, func(t *testing.T) {
			hc, ct := newBodyCountingClient(t)
			var written atomic.Int64
			done := make(chan struct{})
			f := newFixture(t, func(w http.ResponseWriter, _ *http.Request) {
				defer close(done)
				w.Header().Set("Content-Type", "application/json")
				// A job log whose validation errors never end.
				chunk := []byte(`{"status":"completed","output":{"validationErrors":[`)
				item := []byte(`{"type":"device","name":"Thermostat","message":"attribute \"temp\" is missing"},`)
				for written.Load() < huge {
					n, err := w.Write(chunk)
					written.Add(int64(n))
					if err != nil {
						return
					}
					w.(http.Flusher).Flush() // chunked: no Content-Length
					chunk = bytes.Repeat(item, 32<<10/len(item))
				}
			}, losant.WithMaxResponseBytes(limit), losant.WithHTTPClient(hc))
			err := g.get(safeCtx(t), f.client)
			wantTooLarge(t, err)
			if n := ct.read.Load(); n != limit+1 {
				t.Errorf("the client read %d body bytes, want the cap and one more (%d)", n, limit+1)
			}
			if n := f.requests.Load(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
			select {
			case <-done:
			case <-time.After(safetyNet):
				t.Fatal("the server is still sending: the client did not hang up")
			}
			if n := written.Load(); n >= huge {
				t.Errorf("the server wrote the whole %d-byte body", n)
			}
		})
	}
}

// A body of exactly the cap is accepted, with a Content-Length or chunked.
func TestBodyAtCapAccepted(t *testing.T) {
	const limit = 4096
	body := `{"status":"completed","name":"` + strings.Repeat("x", limit-len(`{"status":"completed","name":""}`)) + `"}`
	for _, chunked := range []bool{false, true} {
		f := newFixture(t, bodyHandler(body, chunked), losant.WithMaxResponseBytes(limit))
		log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
		if err != nil || len(log.GetName()) != limit-len(`{"status":"completed","name":""}`) {
			t.Errorf("chunked=%v: Get of a body of exactly the cap: %v", chunked, err)
		}
		raw, err := f.client.ApplicationJobLog.GetRaw(safeCtx(t), appID, jobID)
		if err != nil || string(raw) != body {
			t.Errorf("chunked=%v: GetRaw of a body of exactly the cap: %v", chunked, err)
		}
	}
}

// bodyHandler answers 200 with body, chunked (written in two pieces with a
// flush between) or with a Content-Length.
func bodyHandler(body string, chunked bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !chunked {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = io.WriteString(w, body)
			return
		}
		_, _ = io.WriteString(w, body[:len(body)/2])
		w.(http.Flusher).Flush()
		_, _ = io.WriteString(w, body[len(body)/2:])
	}
}

// A non-2xx body is read only as far as the error's excerpt needs (64 KiB)
// and then drained up to 256 KiB so the connection can be reused: never
// the whole body, with a Content-Length or chunked.
func TestErrorBodyReadIsCapped(t *testing.T) {
	const huge = 64 << 20
	for _, chunked := range []bool{false, true} {
		hc, ct := newBodyCountingClient(t)
		f := newFixture(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			if !chunked {
				w.Header().Set("Content-Length", strconv.Itoa(huge))
			}
			w.WriteHeader(http.StatusBadGateway)
			chunk := bytes.Repeat([]byte("<p>bad gateway</p>"), 2048)
			for sent := 0; sent < huge; sent += len(chunk) {
				if _, err := w.Write(chunk[:min(len(chunk), huge-sent)]); err != nil {
					return
				}
			}
		}, losant.WithoutRetries(), losant.WithHTTPClient(hc))
		_, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
		if !errors.Is(err, losant.ErrServerError) {
			t.Fatalf("chunked=%v: Get = %v, want an error matching ErrServerError", chunked, err)
		}
		if n := ct.read.Load(); n > (64+256)<<10 {
			t.Errorf("chunked=%v: the client read %d bytes of a 502's body, want at most 320 KiB", chunked, n)
		}
	}
}

// GetRaw reads a body whole and keeps it without decoding it (see
// decodeRaw); it must still give the verdicts Get gives, and keep a valid
// object exactly as it arrived.
func TestGetRawVerdictsMatchGet(t *testing.T) {
	const limit = 1024
	bodies := []string{
		`{}`, " \n\t{\"status\":\"completed\"}\r\n ", `{"output":{"validationErrors":[{"name":"a\u00e9\"b"}]},"brandNew":[1,2.5e3,null,true]}`,
		"{\"name\":\"\xff\xfe\"}", "", " \n ", "null", "[]", `"x"`, "0", `[1,2`, `{"status":"completed"} {"x":1}`, `{} x`,
		`{} [1,2,3]`, `{"status":`, `{"status":"completed"`, `{"status":"compl` + "\x01" + `eted"}`, "\ufeff{}",
		`{"name":"` + strings.Repeat("x", limit) + `"}`, `{}` + strings.Repeat(" ", limit), `[` + strings.Repeat("1,", limit) + `1]`,
	}
	kind := func(err error) string {
		if err == nil {
			return "ok"
		}
		var re *losant.ResponseError
		if !errors.As(err, &re) {
			return "not a *ResponseError: " + err.Error()
		}
		k, _, _ := strings.Cut(re.Err.Error(), ":")
		return k
	}
	for _, chunked := range []bool{false, true} {
		for _, body := range bodies {
			if body == "" && chunked {
				continue
			}
			f := newFixture(t, bodyHandler(body, chunked), losant.WithMaxResponseBytes(limit), losant.WithoutRetries())
			_, gerr := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
			raw, rerr := f.client.ApplicationJobLog.GetRaw(safeCtx(t), appID, jobID)
			want := kind(gerr)
			if body == "null" {
				want = "malformed JSON" // the model takes null; a raw object does not
			}
			if got := kind(rerr); got != want {
				t.Errorf("chunked=%v, body %.60q: GetRaw says %q (%v), Get says %q (%v)", chunked, body, got, rerr, kind(gerr), gerr)
			}
			if rerr == nil && string(raw) != strings.Trim(body, " \t\r\n") {
				t.Errorf("chunked=%v: GetRaw = %q, want %q as it arrived", chunked, raw, body)
			}
			if rerr != nil && !errors.Is(rerr, losant.ErrInvalidResponse) {
				t.Errorf("chunked=%v, body %.60q: GetRaw error %v does not match ErrInvalidResponse", chunked, body, rerr)
			}
		}
	}
}

// TestTooManyValuesIsRefused: a body under the byte cap whose shape would
// decode to far more memory (empty objects, three bytes each) is refused
// as it is read, matching ErrResponseTooLarge; GetRaw, which keeps bytes,
// takes it.
func TestTooManyValuesIsRefused(t *testing.T) {
	const limit = 64 << 10 // a value budget of 4,096
	body := `{"id":"` + jobID + `","output":{"validationErrors":[` + strings.Repeat("{},", 10_000) + `{}]}}`
	f := newFixture(t, respond(http.StatusOK, body), losant.WithMaxResponseBytes(limit))
	_, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	var re *losant.ResponseError
	if !errors.Is(err, losant.ErrResponseTooLarge) || !errors.As(err, &re) || !strings.Contains(err.Error(), "JSON values") {
		t.Fatalf("error = %v, want ErrResponseTooLarge for too many values", err)
	}
	if f.requests.Load() != 1 {
		t.Errorf("%d requests: a body too large is not retried", f.requests.Load())
	}
	raw, err := f.client.ApplicationJobLog.GetRaw(context.Background(), appID, jobID)
	if err != nil || len(raw) != len(body) {
		t.Errorf("GetRaw = %d bytes, %v; want the body as sent", len(raw), err)
	}
	// A dense but real-looking log of the same size decodes.
	dense := `{"id":"` + jobID + `","output":{"validationErrors":[` +
		strings.Repeat(`{"type":"error","name":"ValidationError","id":"row","message":"no timestamp"},`, 600) + `{}]}}`
	g := newFixture(t, respond(http.StatusOK, dense), losant.WithMaxResponseBytes(limit))
	log, err := g.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err != nil || len(log.GetOutput().GetValidationErrors()) != 601 {
		t.Errorf("a real-looking log of %d bytes: %v", len(dense), err)
	}
}
