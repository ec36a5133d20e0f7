package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/losant-go/losant-go/api"
)

// fuzzTokens are the tokens FuzzHandler's server accepts; its token
// argument picks one of them, none, or one the server does not know.
var fuzzTokens = map[string][]string{
	"fuzz-full":   nil,                       // full access
	"fuzz-reader": {"applicationJobLog.get"}, // the operation's own scope
	"fuzz-other":  {"device.get"},            // no scope the operation accepts
}

// FuzzHandler sends the whole handler (api.NewHandler with the example
// store, default limits and three tokens) arbitrary requests: any method,
// request target (path and raw query), one extra header, a body and a
// token. The pieces are written out as an HTTP/1.1 request and parsed by
// net/http, as the server does; what net/http would refuse never reaches
// the handler and is skipped. Every answer must be JSON: Losant's error
// shape, {"type":..., "message":...} with both non-empty, for a 4xx, a JSON
// object for a 200, and nothing but an empty 204 to a CORS preflight. No
// request may panic or get a 5xx.
//
//	go test -run '^$' -fuzz '^FuzzHandler$' -fuzztime 1m ./api/
func FuzzHandler(f *testing.F) {
	store, err := api.ExampleStore()
	if err != nil {
		f.Fatal(err)
	}
	h, err := api.NewHandler(api.Options{Store: store, Tokens: fuzzTokens})
	if err != nil {
		f.Fatal(err)
	}
	const path = "/applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96"
	// Guard against a parser that refuses everything, which would make
	// every run pass without testing anything.
	req, ok := parseFuzzRequest("GET", path, "", "", nil, 1)
	if !ok {
		f.Fatal("parseFuzzRequest refuses a plain GET: FuzzHandler would test nothing")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		f.Fatalf("a plain GET with a full-access token got %d, not 200: %s", rec.Code, rec.Body)
	}
	f.Add("GET", path, "", "", []byte(nil), uint8(1))
	f.Add("GET", path+"?_actions=maybe&_links=true", "Accept-Version", "^1.30.0", []byte(nil), uint8(2))
	f.Add("POST", path, "Content-Type", "application/json", []byte(`{"a":1}`), uint8(1))
	f.Add("OPTIONS", path, "Access-Control-Request-Method", "GET", []byte(nil), uint8(0))
	f.Add("GET", "/applications/zz/jobLogs/%2e%2e%2f", "Origin", "https://example.com", []byte(nil), uint8(3))
	f.Add("GET", path+"?"+strings.Repeat("q", api.DefaultMaxQueryBytes+1), "", "", []byte(nil), uint8(1))

	f.Fuzz(func(t *testing.T, method, target, headerName, headerValue string, body []byte, token uint8) {
		req, ok := parseFuzzRequest(method, target, headerName, headerValue, body, token)
		if !ok {
			return // net/http answers it itself, without the handler
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if problem := checkFuzzAnswer(req, rec); problem != "" {
			t.Errorf("%s %q (token %d, header %q: %q, %d body bytes) -> %d: %s\nheaders: %v\nbody: %q",
				req.Method, req.RequestURI, token%4, headerName, headerValue, len(body), rec.Code, problem, rec.Header(), rec.Body.Bytes())
		}
	})
}

// parseFuzzRequest writes the pieces out as an HTTP/1.1 request and parses
// it as net/http's server would, refusing (false) what the server refuses
// before calling a handler.
func parseFuzzRequest(method, target, headerName, headerValue string, body []byte, token uint8) (*http.Request, bool) {
	var raw bytes.Buffer
	raw.WriteString(method + " " + target + " HTTP/1.1\r\nHost: localapi\r\n")
	switch token % 4 {
	case 1:
		raw.WriteString("Authorization: Bearer fuzz-full\r\n")
	case 2:
		raw.WriteString("Authorization: Bearer fuzz-reader\r\n")
	case 3:
		raw.WriteString("Authorization: Bearer fuzz-other\r\n")
	}
	if headerName != "" {
		raw.WriteString(headerName + ": " + headerValue + "\r\n")
	}
	if len(body) > 0 {
		raw.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	raw.WriteString("\r\n")
	raw.Write(body)

	req, err := http.ReadRequest(bufio.NewReader(&raw))
	if err != nil || req.ProtoMajor != 1 {
		return nil, false
	}
	// The checks net/http's server makes after parsing (server.go,
	// readRequest), which http.ReadRequest leaves to it. ReadRequest has
	// already refused a second Host header and moved the one to req.Host.
	for k, vv := range req.Header {
		if !validHeaderName(k) {
			return nil, false
		}
		for _, v := range vv {
			if !validHeaderValue(v) {
				return nil, false
			}
		}
	}
	req.RemoteAddr = "192.0.2.1:1234"
	return req, true
}

// validHeaderName reports whether k is a token (RFC 9110), as net/http
// requires of a header name.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := range len(k) {
		c := k[i]
		if c >= 0x80 || c <= ' ' || strings.IndexByte("\"(),/:;<=>?@[\\]{}\x7f", c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue reports whether v has no control bytes but tab, as
// net/http requires of a header value.
func validHeaderValue(v string) bool {
	for i := range len(v) {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// checkFuzzAnswer returns what is wrong with the answer to req, or "".
func checkFuzzAnswer(req *http.Request, rec *httptest.ResponseRecorder) string {
	body := rec.Body.Bytes()
	switch {
	case rec.Code >= 500:
		return "a server error"
	case rec.Code == http.StatusNoContent:
		if req.Method != http.MethodOptions || req.Header.Get("Access-Control-Request-Method") == "" {
			return "a 204 to a request that is not a CORS preflight"
		}
		if len(body) != 0 {
			return "a 204 with a body"
		}
		return ""
	case rec.Code != http.StatusOK && rec.Code < 400:
		return "neither 200, a preflight's 204, nor an error"
	}
	if mt, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type")); err != nil || mt != "application/json" {
		return "Content-Type is not application/json"
	}
	if rec.Code == http.StatusOK {
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			return "a 200 whose body is not a JSON object: " + err.Error()
		}
		return ""
	}
	return losantErrorProblem(body)
}

// losantErrorProblem returns what keeps body from being Losant's error
// JSON, exactly {"type": "...", "message": "..."} with both non-empty, or
// "".
func losantErrorProblem(body []byte) string {
	var e map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&e); err != nil {
		return "not a JSON object: " + err.Error()
	}
	if dec.More() {
		return "more than one JSON value"
	}
	typ, _ := e["type"].(string)
	msg, _ := e["message"].(string)
	if len(e) != 2 || typ == "" || msg == "" {
		return `not Losant's error JSON, {"type": "...", "message": "..."}`
	}
	return ""
}
