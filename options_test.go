package losant_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	losant "github.com/losant-go/losant-go"
)

func TestNewClientRefusesInvalidOptions(t *testing.T) {
	t.Setenv(losant.EnvToken, "") // "no token" means none in the environment either
	tok := losant.WithToken(testToken)
	tests := []struct {
		name    string
		opts    []losant.Option
		wantArg string
	}{
		{"no token", nil, "WithToken"},
		{"empty token", []losant.Option{losant.WithToken("  ")}, "WithToken"},
		{"token with a newline", []losant.Option{losant.WithToken(testToken + "\r\nX-Evil: 1")}, "WithToken"},
		{"not a URL", []losant.Option{tok, losant.WithBaseURL("://nope")}, "WithBaseURL"},
		{"ftp URL", []losant.Option{tok, losant.WithBaseURL("ftp://api.losant.com")}, "WithBaseURL"},
		{"no host", []losant.Option{tok, losant.WithBaseURL("https://")}, "WithBaseURL"},
		{"credentials in URL", []losant.Option{tok, losant.WithBaseURL("https://user:pw@api.losant.com")}, "WithBaseURL"},
		{"query in URL", []losant.Option{tok, losant.WithBaseURL("https://api.losant.com/?x=1")}, "WithBaseURL"},
		{"plain http to a remote host", []losant.Option{tok, losant.WithBaseURL("http://api.losant.com")}, "WithBaseURL"},
		{"plain http to a private address", []losant.Option{tok, losant.WithBaseURL("http://10.0.0.7:8080")}, "WithBaseURL"},
		{"nil HTTP client", []losant.Option{tok, losant.WithHTTPClient(nil)}, "WithHTTPClient"},
		{"user agent with CRLF", []losant.Option{tok, losant.WithUserAgent("app\r\nX-Evil: 1")}, "WithUserAgent"},
		{"empty user agent", []losant.Option{tok, losant.WithUserAgent(" ")}, "WithUserAgent"},
		{"losantdomain with LF", []losant.Option{tok, losant.WithLosantDomain("a.example.com\nX: y")}, "WithLosantDomain"},
		{"empty accept version", []losant.Option{tok, losant.WithAcceptVersion("")}, "WithAcceptVersion"},
		{"zero body cap", []losant.Option{tok, losant.WithMaxResponseBytes(0)}, "WithMaxResponseBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := losant.NewClient(tt.opts...)
			if c != nil || !errors.Is(err, losant.ErrInvalidArgument) {
				t.Fatalf("NewClient = (%v, %v), want an ErrInvalidArgument", c, err)
			}
			var iae *losant.InvalidArgumentError
			if !errors.As(err, &iae) || iae.Name != tt.wantArg {
				t.Errorf("error %v does not name %s", err, tt.wantArg)
			}
			noToken(t, err)
			if strings.Contains(err.Error(), "pw@") {
				t.Errorf("error echoes URL credentials: %v", err)
			}
		})
	}
}

func TestNewClientAcceptsLoopbackHTTPAndExplicitInsecure(t *testing.T) {
	for _, opts := range [][]losant.Option{
		{losant.WithBaseURL("http://localhost:8080")},
		{losant.WithBaseURL("http://127.0.0.1:8080/prefix/")},
		{losant.WithBaseURL("http://[::1]:8080")},
		{losant.WithBaseURL("http://losant.internal:8080"), losant.WithInsecureAllowHTTP()},
		{losant.WithBaseURL("https://api.losant.com")},
		{},
	} {
		c, err := losant.NewClient(append([]losant.Option{losant.WithToken(testToken)}, opts...)...)
		if err != nil {
			t.Errorf("NewClient: %v", err)
			continue
		}
		if !strings.HasSuffix(c.BaseURL(), "/") {
			t.Errorf("BaseURL %q lacks the trailing slash", c.BaseURL())
		}
	}
}

// The token must not show however a client, an option or a request error
// is formatted.
func TestTokenIsNeverFormatted(t *testing.T) {
	opt := losant.WithToken(testToken)
	addr := closedAddr(t)
	c, err := losant.NewClient(opt, losant.WithBaseURL("http://"+addr), losant.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	for name, v := range map[string]any{"client": c, "*client": *c, "option": opt, "service": c.ApplicationJobLog} {
		if s := fmtAll(v); strings.Contains(s, testToken) {
			t.Errorf("formatting the %s leaks the token:\n%s", name, s)
		}
	}
	if s := fmt.Sprint(c); !strings.Contains(s, "REDACTED") || !strings.Contains(s, addr) {
		t.Errorf("client prints as %q, want the base URL and a redacted token", s)
	}
	// A closed port refuses connections: a network error must not carry the token.
	_, err = c.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err == nil {
		t.Fatal("Get to a closed port succeeded")
	}
	noToken(t, err)
}

type countingTransport struct {
	n    atomic.Int64
	base http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.base.RoundTrip(r)
}

func TestWithHTTPClientIsUsed(t *testing.T) {
	ct := &countingTransport{base: http.DefaultTransport}
	f := newFixture(t, respond(http.StatusOK, `{}`), losant.WithHTTPClient(&http.Client{Transport: ct}))
	for range 3 {
		if _, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID); err != nil {
			t.Fatal(err)
		}
	}
	if n := ct.n.Load(); n != 3 {
		t.Errorf("the caller's transport saw %d requests, want 3", n)
	}
}

// Go's client drops Authorization when a redirect leaves the host; the SDK
// must keep that behaviour.
func TestRedirectToAnotherHostDropsAuthorization(t *testing.T) {
	var leaked atomic.Value
	other := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		respond(http.StatusOK, `{"name":"elsewhere"}`)(w, r)
	})
	// "localhost" and "127.0.0.1" are different hosts to Go's redirect rules.
	target := strings.Replace(other.srv.URL, "127.0.0.1", "localhost", 1) + basePath + "/applications/" + appID + "/jobLogs/" + jobID
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	})
	log, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err != nil {
		t.Fatal(err)
	}
	if *log.Name != "elsewhere" {
		t.Fatalf("redirect not followed: %+v", log)
	}
	if got, _ := leaked.Load().(string); got != "" {
		t.Errorf("the other host got Authorization %q", got)
	}
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// A redirect within the same origin (scheme, host and port) keeps the token.
func TestRedirectWithinTheOriginKeepsAuthorization(t *testing.T) {
	var got atomic.Value
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("moved") == "" {
			http.Redirect(w, r, basePath+r.URL.Path+"?moved=1", http.StatusFound)
			return
		}
		got.Store(r.Header.Get("Authorization"))
		respond(http.StatusOK, `{"name":"moved"}`)(w, r)
	})
	log, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err != nil || *log.Name != "moved" {
		t.Fatalf("got (%v, %v)", log, err)
	}
	if a, _ := got.Load().(string); a != "Bearer "+testToken {
		t.Errorf("same-origin redirect lost Authorization: %q", a)
	}
}
