package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/internal/ops"
	"github.com/losant-go/losant-go/internal/spec"
)

const (
	fullToken   = "full-token"
	scopedToken = "scoped-token"
	otherToken  = "other-scope-token"
	otherScope  = "device.get" // a real Losant scope that this operation does not accept
	unknownID   = "000000000000000000000000"
)

func testTokens() map[string][]string {
	return map[string][]string{
		fullToken:   nil,
		scopedToken: {"applicationJobLog.get"},
		otherToken:  {otherScope},
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	store, log := exampleLog(t)
	app, job := *log.ApplicationID, *log.ID
	srv := newServer(t, api.Options{Store: store, Tokens: testTokens()})
	ok := jobLogPath(app, job)

	tests := []struct {
		name, method, path, token string
		header                    map[string]string
		wantStatus                int
		wantType                  string // for errors
		wantMsg                   string // a substring of the error message
	}{
		{name: "full access token", path: ok, token: fullToken, wantStatus: 200},
		{name: "token with applicationJobLog.get", path: ok, token: scopedToken, wantStatus: 200},
		{name: "query parameters", path: ok + "?_actions=true&_links=false&_embedded=false", token: fullToken, wantStatus: 200},
		{name: "losantdomain header", path: ok, token: fullToken, header: map[string]string{"losantdomain": "example.com"}, wantStatus: 200},
		{name: "lowercase bearer", path: ok, header: map[string]string{"Authorization": "bearer " + fullToken}, wantStatus: 200},

		{name: "malformed applicationId", path: jobLogPath("nope", job), token: fullToken, wantStatus: 400, wantType: "Validation", wantMsg: `"applicationId"`},
		{name: "malformed jobId", path: jobLogPath(app, job+"0"), token: fullToken, wantStatus: 400, wantType: "Validation", wantMsg: `"jobId"`},
		{name: "non-hex jobId", path: jobLogPath(app, strings.Repeat("g", 24)), token: scopedToken, wantStatus: 400, wantType: "Validation", wantMsg: `"jobId"`},
		{name: "malformed query", path: ok + "?_links=maybe", token: fullToken, wantStatus: 400, wantType: "Validation", wantMsg: `"_links"`},

		{name: "no token", path: ok, wantStatus: 401, wantType: "Unauthorized", wantMsg: "Missing access token"},
		{name: "unknown token", path: ok, token: "nope", wantStatus: 401, wantType: "Unauthorized", wantMsg: "Invalid access token"},
		{name: "basic auth", path: ok, header: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}, wantStatus: 401, wantType: "Unauthorized"},
		{name: "empty bearer", path: ok, header: map[string]string{"Authorization": "Bearer "}, wantStatus: 401, wantType: "Unauthorized"},
		{name: "token checked before parameters", path: jobLogPath("nope", job), wantStatus: 401, wantType: "Unauthorized"},

		{name: "token without an accepted scope", path: ok, token: otherToken, wantStatus: 403, wantType: "Forbidden", wantMsg: "accepted scope"},

		{name: "unknown job log", path: jobLogPath(app, unknownID), token: fullToken, wantStatus: 404, wantType: "NotFound", wantMsg: "Application job log was not found"},
		{name: "job log of another application", path: jobLogPath(unknownID, job), token: fullToken, wantStatus: 404, wantType: "NotFound", wantMsg: "Application job log was not found"},
		{name: "unknown route", path: "/applications", token: fullToken, wantStatus: 404, wantType: "NotFound", wantMsg: "/applications"},
		{name: "unknown route without token", path: "/nope", wantStatus: 404, wantType: "NotFound"},
		{name: "trailing slash", path: ok + "/", token: fullToken, wantStatus: 404, wantType: "NotFound"},
		{name: "root", path: "/", wantStatus: 404, wantType: "NotFound"},

		{name: "POST", method: http.MethodPost, path: ok, token: fullToken, wantStatus: 405, wantType: "MethodNotAllowed", wantMsg: "allowed: GET"},
		{name: "DELETE without token", method: http.MethodDelete, path: ok, wantStatus: 405, wantType: "MethodNotAllowed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp := send(t, srv, req)
			if resp.status != tc.wantStatus {
				t.Fatalf("status %d, want %d; body %s", resp.status, tc.wantStatus, resp.body)
			}
			if tc.wantStatus == 200 {
				if diff := cmp.Diff(log, resp.jobLog(t)); diff != "" {
					t.Errorf("job log (-stored +served):\n%s", diff)
				}
				return
			}
			typ, msg := resp.errorBody(t)
			if typ != tc.wantType || !strings.Contains(msg, tc.wantMsg) {
				t.Errorf("error %q %q, want type %q and a message containing %q", typ, msg, tc.wantType, tc.wantMsg)
			}
			switch tc.wantStatus {
			case 401:
				if got := resp.header.Get("WWW-Authenticate"); got != "Bearer" {
					t.Errorf("WWW-Authenticate %q, want Bearer", got)
				}
			case 405:
				if got := resp.header.Get("Allow"); got != "GET" {
					t.Errorf("Allow %q, want GET", got)
				}
			}
		})
	}
}

// TestScopesFromSpec gives a token each scope the operation lists in
// openapi.yaml, one at a time: each one alone must be enough.
func TestScopesFromSpec(t *testing.T) {
	t.Parallel()
	op := ops.GetApplicationJobLog
	if len(op.Scopes) == 0 || slices.Contains(op.Scopes, otherScope) {
		t.Fatalf("x-losant-scopes = %v: want a list without %s", op.Scopes, otherScope)
	}
	store, log := exampleLog(t)
	tokens := map[string][]string{"none": {otherScope}}
	for _, s := range op.Scopes {
		tokens["t-"+s] = []string{otherScope, s}
	}
	srv := newServer(t, api.Options{Store: store, Tokens: tokens})
	for tok := range tokens {
		want := 200
		if tok == "none" {
			want = 403
		}
		if got := do(t, srv, "GET", jobLogPath(*log.ApplicationID, *log.ID), tok).status; got != want {
			t.Errorf("token with scopes %v: status %d, want %d", tokens[tok], got, want)
		}
	}
}

// TestNoTokensConfigured: a handler given no tokens accepts any bearer
// token with full access, and still refuses a request without one.
func TestNoTokensConfigured(t *testing.T) {
	t.Parallel()
	store, log := exampleLog(t)
	srv := newServer(t, api.Options{Store: store})
	path := jobLogPath(*log.ApplicationID, *log.ID)
	if got := do(t, srv, "GET", path, "anything-at-all").status; got != 200 {
		t.Errorf("any token: status %d, want 200", got)
	}
	if got := do(t, srv, "GET", path, "").status; got != 401 {
		t.Errorf("no token: status %d, want 401", got)
	}
}

// TestDefaultStore: Options{} serves the example data.
func TestDefaultStore(t *testing.T) {
	t.Parallel()
	_, log := exampleLog(t)
	srv := newServer(t, api.Options{})
	if got := do(t, srv, "GET", jobLogPath(*log.ApplicationID, *log.ID), "x").status; got != 200 {
		t.Errorf("status %d, want 200", got)
	}
}

func TestBasePath(t *testing.T) {
	t.Parallel()
	store, log := exampleLog(t)
	srv := newServer(t, api.Options{Store: store, BasePath: "/losant"})
	path := jobLogPath(*log.ApplicationID, *log.ID)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/losant" + path, 200},
		{"/losant" + jobLogPath("nope", *log.ID), 400},
		{"/losant" + jobLogPath(unknownID, *log.ID), 404},
		{path, 404},
		{"/losantx" + path, 404},
	} {
		if got := do(t, srv, "GET", tc.path, "x").status; got != tc.want {
			t.Errorf("GET %s: status %d, want %d", tc.path, got, tc.want)
		}
	}
	if got := do(t, srv, "PUT", "/losant"+path, "x"); got.status != 405 || got.header.Get("Allow") != "GET" {
		t.Errorf("PUT: status %d, Allow %q; want 405 and GET", got.status, got.header.Get("Allow"))
	}
}

func TestNewHandlerRefusesBadOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts api.Options
		want string
	}{
		{"empty token", api.Options{Tokens: map[string][]string{"": nil}}, "non-empty"},
		{"token with a space", api.Options{Tokens: map[string][]string{"a secret": nil}}, "without spaces"},
		{"empty scope", api.Options{Tokens: map[string][]string{"secret": {""}}}, "scope is empty"},
		{"base path without slash", api.Options{BasePath: "losant"}, "BasePath"},
		{"base path with trailing slash", api.Options{BasePath: "/losant/"}, "BasePath"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := api.NewHandler(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error repeats the token: %v", err)
			}
		})
	}
}

// TestErrorBodiesFollowSpecExamples: the error types, and the fixed
// messages, are those openapi.yaml shows as examples of each response.
func TestErrorBodiesFollowSpecExamples(t *testing.T) {
	t.Parallel()
	op, err := spec.Op("getApplicationJobLog")
	if err != nil {
		t.Fatal(err)
	}
	store, log := exampleLog(t)
	srv := newServer(t, api.Options{Store: store, Tokens: testTokens()})
	app, job := *log.ApplicationID, *log.ID
	for _, tc := range []struct {
		status      int
		path, token string
		sameMessage bool
	}{
		{400, jobLogPath("nope", job), fullToken, false},
		{401, jobLogPath(app, job), "nope", true},
		{403, jobLogPath(app, job), otherToken, true},
		{404, jobLogPath(app, unknownID), fullToken, true},
	} {
		mt, err := op.ResponseContent(tc.status)
		if err != nil {
			t.Fatal(err)
		}
		var want struct{ Type, Message string }
		b, _ := json.Marshal(mt.Example)
		if err := json.Unmarshal(b, &want); err != nil || want.Type == "" {
			t.Fatalf("%d: openapi.yaml has no example error (%s)", tc.status, b)
		}
		resp := do(t, srv, "GET", tc.path, tc.token)
		typ, msg := resp.errorBody(t)
		if resp.status != tc.status || typ != want.Type || (tc.sameMessage && msg != want.Message) {
			t.Errorf("%d %q %q; openapi.yaml's example for %d is %q %q", resp.status, typ, msg, tc.status, want.Type, want.Message)
		}
	}
}
