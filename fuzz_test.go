package losant_test

// Fuzz targets for the SDK's handling of untrusted input: response bodies,
// error bodies and headers, and the IDs a caller passes. Each runs the real
// client (NewClient, Get, retries off) over an in-memory transport, so a
// fuzz iteration costs microseconds and no socket. The seed corpora live in
// testdata/fuzz/<FuzzName>/ and run with every `go test`; scripts/fuzz.sh
// runs each target for a while.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	losant "github.com/losant-go/losant-go"
)

// fuzzTransport answers every request with the same canned response.
type fuzzTransport struct {
	status int
	header http.Header
	body   []byte
	calls  atomic.Int64
	last   atomic.Pointer[http.Request]
}

func (s *fuzzTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.calls.Add(1)
	s.last.Store(r)
	return &http.Response{
		Status: http.StatusText(s.status), StatusCode: s.status,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: s.header, Body: io.NopCloser(bytes.NewReader(s.body)),
		ContentLength: int64(len(s.body)), Request: r,
	}, nil
}

// fuzzBodyCap is the body cap of the fuzzed clients: small, so that the
// fuzzer reaches it.
const fuzzBodyCap = 2048

func fuzzClient(t *testing.T, tr *fuzzTransport) *losant.Client {
	t.Helper()
	c, err := losant.NewClient(losant.WithToken(testToken), losant.WithBaseURL("http://127.0.0.1:1"+basePath),
		losant.WithHTTPClient(&http.Client{Transport: tr}), losant.WithoutRetries(),
		losant.WithMaxResponseBytes(fuzzBodyCap))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// oneLine fails the test if msg holds a control character (tabs aside):
// a line break, or an escape sequence a terminal would act on.
func oneLine(t *testing.T, msg string) {
	t.Helper()
	if i := strings.IndexFunc(msg, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }); i >= 0 {
		t.Errorf("message holds a control character (at byte %d): %q", i, msg)
	}
	if strings.Contains(msg, testToken) {
		t.Errorf("message leaks the token: %q", msg)
	}
}

// seedFile adds a file's content as a seed; a missing file is a test bug.
func seedFile(f *testing.F, path string) []byte {
	f.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	return b
}

// FuzzDecodeJobLog: any 200 body, under any Content-Type, gives either a job
// log or a *ResponseError matching ErrInvalidResponse, never a panic. Under
// a JSON content type and within the cap, the SDK agrees with
// encoding/json.Unmarshal: same verdict, same value.
func FuzzDecodeJobLog(f *testing.F) {
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", ""} {
		f.Add(ct, []byte(pageExample))
	}
	f.Add("application/json", seedFile(f, "testdata/joblog-full.json"))
	for _, ct := range []string{"text/html; charset=utf-8", "application/problem+json", "application/json; charset=\"", "APPLICATION/JSON", "application/jsonp"} {
		f.Add(ct, []byte(`{"status":"completed"}`))
	}
	for _, body := range []string{
		"", " \n\t", "{}", "null", "[]", `"x"`, "0", `{"status":7}`, `{"status":"completed"} {"x":1}`, `{} x`,
		`{"status":"comp`, `{"progress":{"total":1e400}}`, `{"progress":{"completed":-0.0,"total":9007199254740993}}`,
		`{"runQueuedAt":"2025-13-45T99:99:99Z"}`, `{"runQueuedAt":"2025-06-10T04:00:00.000Z"}`, "{\"name\":\"\xff\xfe\"}",
		`{"name":"a\u0000b\n"}`, `{"id":{"$oid":"x"}}`, `{"error":{"message":"multi` + "\n" + `line"}}`,
		strings.Repeat("[", 10000), `{"name":"` + strings.Repeat("x", fuzzBodyCap) + `"}`, "{}" + strings.Repeat(" ", fuzzBodyCap),
		"<html><body>maintenance</body></html>", "\ufeff{}",
	} {
		f.Add("application/json", []byte(body))
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		if !wireHeaderValue(contentType) {
			t.Skip("Go's HTTP/1 client refuses such a header before the SDK sees it")
		}
		tr := &fuzzTransport{status: http.StatusOK, header: http.Header{"Content-Type": {contentType}}, body: body}
		log, err := fuzzClient(t, tr).ApplicationJobLog.Get(context.Background(), appID, jobID)
		if (log == nil) == (err == nil) {
			t.Fatalf("Get = (%v, %v): want exactly one of a job log and an error", log, err)
		}
		if err != nil {
			var re *losant.ResponseError
			if !errors.Is(err, losant.ErrInvalidResponse) || !errors.As(err, &re) || re.StatusCode != http.StatusOK {
				t.Fatalf("error %v (%T): want a *ResponseError matching ErrInvalidResponse", err, err)
			}
			if len(re.Excerpt) > 200 {
				t.Errorf("excerpt of %d bytes", len(re.Excerpt))
			}
			oneLine(t, err.Error())
		}
		if contentType != "" && !fuzzIsJSON(contentType) {
			if err == nil {
				t.Fatalf("a %q body was accepted", contentType)
			}
			return
		}
		var want losant.ApplicationJobLog
		uerr := json.Unmarshal(body, &want)
		if len(body) > fuzzBodyCap {
			if uerr == nil && !errors.Is(err, losant.ErrResponseTooLarge) {
				t.Fatalf("a valid %d-byte body over the %d-byte cap gave %v, want ErrResponseTooLarge", len(body), fuzzBodyCap, err)
			}
			if err == nil {
				t.Fatalf("a %d-byte body over the %d-byte cap was accepted", len(body), fuzzBodyCap)
			}
			return
		}
		if (uerr == nil) != (err == nil) {
			t.Fatalf("encoding/json says %v, the SDK says %v, for %q", uerr, err, body)
		}
		if err == nil {
			if diff := cmp.Diff(&want, log); diff != "" {
				t.Fatalf("the SDK decoded %q unlike encoding/json (-want +got):\n%s", body, diff)
			}
		}
	})
}

// wireHeaderValue reports whether v can reach the SDK as a header value:
// Go's HTTP/1 client refuses a response whose header holds a control
// character other than a tab ("malformed MIME header line").
func wireHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// fuzzIsJSON is the SDK's rule, restated: application/json or any +json type.
func fuzzIsJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// FuzzAPIError: any status from 400 to 599, with any body, Content-Type and
// Retry-After, gives an *APIError for that status, matched by exactly the
// right sentinel, with a one-line message and a sane RetryAfter.
func FuzzAPIError(f *testing.F) {
	f.Add(uint16(404), "application/json", "", []byte(`{"type":"NotFound","message":"Application job log was not found"}`))
	f.Add(uint16(429), "application/json", "7", []byte(`{"type":"RateLimitExceeded","message":"slow down"}`))
	f.Add(uint16(429), "application/json", "Wed, 21 Oct 2015 07:28:00 GMT", []byte(`{}`))
	f.Add(uint16(503), "application/json", "Fri, 31 Dec 9999 23:59:59 GMT", []byte(`{"message":"maintenance"}`))
	f.Add(uint16(503), "", "99999999999999999999999", []byte(nil))
	f.Add(uint16(502), "text/html", "", []byte("<html><head><title>502 Bad Gateway</title></head>\n<body>\r\n<h1>502</h1></body></html>"))
	f.Add(uint16(500), "text/plain", "-1", []byte("upstream timed out\n"))
	f.Add(uint16(400), "application/json", "", []byte(`{"type":"Validation","message":"line one\nline two\r\nX-Injected: 1"}`))
	f.Add(uint16(401), "application/json", "", []byte(`{"type":"Un\u2028authorized","message":"tab\there"}`))
	f.Add(uint16(403), "application/json", "", []byte(`{"type":7,"message":["x"]}`))
	f.Add(uint16(409), "application/json", "", []byte("{\"message\":\"\xff\xfe\"}"))
	f.Add(uint16(599), "application/json", "1", bytes.Repeat([]byte("x"), 100<<10))
	f.Fuzz(func(t *testing.T, code uint16, contentType, retryAfter string, body []byte) {
		status := 400 + int(code)%200
		h := http.Header{"Content-Type": {contentType}}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		tr := &fuzzTransport{status: status, header: h, body: body}
		log, err := fuzzClient(t, tr).ApplicationJobLog.Get(context.Background(), appID, jobID)
		var apiErr *losant.APIError
		if log != nil || !errors.As(err, &apiErr) {
			t.Fatalf("Get = (%v, %v (%T)), want an *APIError", log, err, err)
		}
		if apiErr.StatusCode != status {
			t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, status)
		}
		var want error
		switch {
		case status == 400:
			want = losant.ErrBadRequest
		case status == 401:
			want = losant.ErrUnauthorized
		case status == 403:
			want = losant.ErrForbidden
		case status == 404:
			want = losant.ErrNotFound
		case status == 429:
			want = losant.ErrRateLimited
		case status >= 500:
			want = losant.ErrServerError
		}
		for _, s := range sentinels {
			if errors.Is(err, s) != (s == want) {
				t.Errorf("errors.Is(%d error, %v) = %v", status, s, !(s == want))
			}
		}
		// Temporary is exactly what the client retries.
		if retried := status == 429 || status == 502 || status == 503 || status == 504; apiErr.Temporary() != retried {
			t.Errorf("Temporary() = %v for %d, want %v (what the client retries)", apiErr.Temporary(), status, retried)
		}
		if apiErr.RetryAfter < 0 || apiErr.RetryAfter > 24*time.Hour {
			t.Errorf("RetryAfter = %v from %q", apiErr.RetryAfter, retryAfter)
		}
		if len(apiErr.Body) > 200 || (apiErr.Body != "" && (apiErr.Type != "" || apiErr.Message != "")) {
			t.Errorf("Body %q with Type %q and Message %q: want an excerpt only when the body is not Losant's error JSON", apiErr.Body, apiErr.Type, apiErr.Message)
		}
		oneLine(t, err.Error())
		if tr.calls.Load() != 1 {
			t.Errorf("%d requests sent with retries off", tr.calls.Load())
		}
	})
}

var losantID = regexp.MustCompile(`^[0-9A-Fa-f]{24}$`)

// FuzzGetIDs: Get either refuses an ID with ErrInvalidArgument and sends
// nothing, or the ID is exactly 24 hexadecimal characters and the request
// goes to exactly that path.
func FuzzGetIDs(f *testing.F) {
	for _, id := range []string{
		appID, strings.ToUpper(jobID), "", "../me", "..%2fme", "575ec8687ae143cd83dc4a9", "575ec8687ae143cd83dc4a977",
		"575ec8687ae143cd83dc4a9g", "575ec8687ae143cd83dc4a97\n", " 575ec8687ae143cd83dc4a9", "575ec8687ae143cd83dc4a97?x",
		"575ec8687ae143cd83dc4a97#x", "575ec8687ae143cd83dc4a97/..", "５75ec8687ae143cd83dc4a9", "٥75ec8687ae143cd83dc4a9",
		"575ec8687ae143cd83dc4a9\u0301", "575ec8687ae143cd83dc4a97\x00", "%35%37%35ec8687ae143cd83dc4a97", "\xff",
		strings.Repeat("a", 1000),
	} {
		f.Add(id, jobID)
		f.Add(appID, id)
	}
	f.Fuzz(func(t *testing.T, app, job string) {
		tr := &fuzzTransport{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{}`)}
		_, err := fuzzClient(t, tr).ApplicationJobLog.Get(context.Background(), app, job)
		valid := losantID.MatchString(app) && losantID.MatchString(job)
		if !valid {
			var iae *losant.InvalidArgumentError
			if !errors.Is(err, losant.ErrInvalidArgument) || !errors.As(err, &iae) {
				t.Fatalf("Get(%q, %q) = %v, want ErrInvalidArgument", app, job, err)
			}
			if wantName := map[bool]string{true: "jobId", false: "applicationId"}[losantID.MatchString(app)]; iae.Name != wantName {
				t.Errorf("Get(%q, %q) blames %s, want %s", app, job, iae.Name, wantName)
			}
			if n := tr.calls.Load(); n != 0 {
				t.Fatalf("Get(%q, %q) refused the ID but sent %d requests", app, job, n)
			}
			oneLine(t, err.Error())
			return
		}
		if err != nil {
			t.Fatalf("Get(%q, %q) refused valid IDs: %v", app, job, err)
		}
		if n := tr.calls.Load(); n != 1 {
			t.Fatalf("Get sent %d requests, want 1", n)
		}
		if got, want := tr.last.Load().URL.EscapedPath(), basePath+"/applications/"+app+"/jobLogs/"+job; got != want {
			t.Errorf("request path %q, want %q", got, want)
		}
	})
}
