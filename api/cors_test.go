package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/losant-go/losant-go/api"
)

// A browser page on another origin can call the local API: the preflight is
// answered with what the spec's operation needs, and answers allow the origin.
func TestCORS(t *testing.T) {
	t.Parallel()
	store, log := exampleLog(t)
	srv := newServer(t, api.Options{Store: store, Tokens: testTokens()})
	url := srv.URL + jobLogPath(*log.ApplicationID, *log.ID)

	pre, err := http.NewRequest(http.MethodOptions, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	pre.Header.Set("Origin", "http://dashboard.localhost:3000")
	pre.Header.Set("Access-Control-Request-Method", "GET")
	pre.Header.Set("Access-Control-Request-Headers", "accept-version,authorization,losantdomain") // sorted, as browsers send it
	resp, err := srv.Client().Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("preflight status %d, want 204", resp.StatusCode)
	}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("preflight Access-Control-Allow-Origin %q, want *", got)
	}
	if got := resp.Header.Get("Access-Control-Allow-Methods"); got != "GET" {
		t.Errorf("preflight Access-Control-Allow-Methods %q, want GET", got)
	}
	allowed := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
	for _, h := range []string{"authorization", "accept-version", "losantdomain"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("preflight allows headers %q, want %s among them", allowed, h)
		}
	}

	// A preflight asking for a method the spec does not have is not allowed.
	pre.Header.Set("Access-Control-Request-Method", "DELETE")
	resp, err = srv.Client().Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("a DELETE preflight was allowed (Access-Control-Allow-Origin %q)", got)
	}

	for _, tok := range []string{fullToken, "wrong-token"} {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", "http://dashboard.localhost:3000")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET with token %s: status %d, Access-Control-Allow-Origin %q, want *", tok, resp.StatusCode, got)
		}
	}
}
