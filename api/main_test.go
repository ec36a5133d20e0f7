package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	losant "github.com/losant-go/losant-go"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"go.uber.org/goleak"

	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/generated"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// specDoc is a private copy of openapi.yaml, without servers so that its
// router matches loopback requests, and its router.
var specDoc = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := generated.GetSpec()
	if err != nil {
		return nil, err
	}
	doc.Servers = nil
	return doc, nil
})

var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := specDoc()
	if err != nil {
		return nil, err
	}
	return gorillamux.NewRouter(doc)
})

// newServer starts a handler built from opts on loopback, closed when the
// test ends. Every response it sends is checked against openapi.yaml by
// checkResponse, whoever sent the request (a test, the SDK, a simulation
// poller).
func newServer(t *testing.T, opts api.Options) *httptest.Server {
	t.Helper()
	h, err := api.NewHandler(opts)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}
	// Parse the spec for checkResponse now, not during the first response:
	// a test watching a short simulated job must not miss its steps.
	if _, err := specRouter(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(validating(t, h, opts.BasePath))
	t.Cleanup(func() {
		srv.Close()
		if err := h.Close(); err != nil {
			t.Errorf("Handler.Close: %v", err)
		}
	})
	return srv
}

// validating records each response h writes, checks it, and passes it on.
func validating(t *testing.T, h http.Handler, basePath string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		checkResponse(t, r, basePath, rec.Code, rec.Header(), rec.Body.Bytes())
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// checkResponse validates one response against openapi.yaml with
// kin-openapi: for a request matching an operation, with
// openapi3filter.ValidateResponse (status, headers, content type and body;
// undocumented statuses fail); otherwise (unknown route or method) the body
// must be the spec's Error schema. Every response must be JSON, and every
// error must carry a type and a message.
func checkResponse(t *testing.T, r *http.Request, basePath string, status int, header http.Header, body []byte) {
	t.Helper()
	where := r.Method + " " + r.URL.RequestURI() + " -> " + http.StatusText(status)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("response to %s does not match openapi.yaml: "+format+"\nbody: %s", append([]any{where}, append(args, body)...)...)
	}
	if isPreflight(r) {
		// CORS preflights are HTTP plumbing, not operations of the spec:
		// an empty 204 (TestCORS checks what it allows).
		if status != http.StatusNoContent || len(body) != 0 {
			fail("a CORS preflight answered %d with %d bytes, want an empty 204", status, len(body))
		}
		return
	}
	if status < 400 && strings.HasPrefix(strings.TrimPrefix(r.URL.Path, basePath), api.DownloadPathPrefix) {
		// A download URL answers the zip, outside openapi.yaml (its
		// errors are still checked below).
		return
	}
	if mt, _, err := mime.ParseMediaType(header.Get("Content-Type")); err != nil || mt != "application/json" {
		fail("Content-Type %q, want application/json", header.Get("Content-Type"))
		return
	}
	doc, err := specDoc()
	if err != nil {
		t.Fatal(err)
	}
	router, err := specRouter()
	if err != nil {
		t.Fatal(err)
	}
	probe := r.Clone(context.Background())
	probe.URL.Path, probe.URL.RawPath = strings.TrimPrefix(r.URL.Path, basePath), ""
	route, params, err := router.FindRoute(probe)
	if err == nil {
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{
				Request: probe, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
			},
			Status:  status,
			Header:  header,
			Body:    io.NopCloser(bytes.NewReader(body)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true},
		}
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			fail("%v", err)
		}
	} else if status < 400 {
		fail("a %d for a request that matches no operation (%v)", status, err)
	} else {
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			fail("not JSON: %v", err)
			return
		}
		if err := doc.Components.Schemas["Error"].Value.VisitJSON(v); err != nil {
			fail("not the Error schema: %v", err)
		}
	}
	if status >= 400 {
		var e generated.Error
		if err := json.Unmarshal(body, &e); err != nil || e.Type == nil || *e.Type == "" || e.Message == nil || *e.Message == "" {
			fail("an error body needs a type and a message")
		}
	}
}

// response is what get returns: status, headers and the body, decoded.
type response struct {
	status int
	header http.Header
	body   []byte
}

// errorBody decodes the body as Losant's error JSON.
func (r response) errorBody(t *testing.T) (typ, msg string) {
	t.Helper()
	var e generated.Error
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	return deref(e.Type), deref(e.Message)
}

func (r response) jobLog(t *testing.T) losant.ApplicationJobLog {
	t.Helper()
	var log losant.ApplicationJobLog
	if err := json.Unmarshal(r.body, &log); err != nil {
		t.Fatalf("job log %s: %v", r.body, err)
	}
	return log
}

// do sends a request to srv with token as a bearer token (none if empty)
// and returns the response. The server checks the response itself.
func do(t *testing.T, srv *httptest.Server, method, path, token string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, srv, req)
}

func send(t *testing.T, srv *httptest.Server, req *http.Request) response {
	t.Helper()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func jobLogPath(app, job string) string { return "/applications/" + app + "/jobLogs/" + job }

// exampleLog returns the first job log of a new ExampleStore.
func exampleLog(t *testing.T) (*api.Store, losant.ApplicationJobLog) {
	t.Helper()
	store, err := api.ExampleStore()
	if err != nil {
		t.Fatal(err)
	}
	logs := store.List()
	if len(logs) == 0 {
		t.Fatal("ExampleStore is empty")
	}
	return store, logs[0]
}

func TestSpecIsValid(t *testing.T) {
	doc, err := specDoc()
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" && r.Header.Get("Access-Control-Request-Method") != ""
}
