package losant_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// failingDial is a dialer that fails with err and counts its calls: the
// way to meet a DNS answer or a remote refusal this machine cannot
// produce for real.
func failingDial(err error, calls *atomic.Int64) func(context.Context, string, string) (net.Conn, error) {
	return func(context.Context, string, string) (net.Conn, error) {
		calls.Add(1)
		return nil, err
	}
}

// Failures that a retry seconds later cannot mend come back after one
// attempt; their temporary look-alikes are retried.
func TestFailFastWhereWaitingCannotHelp(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer plain.Close()
	untrusted := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer untrusted.Close()
	refusedRemote := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 7), Port: 443},
		Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}

	for _, tt := range []struct {
		name     string
		base     string
		dialErr  error // when set, every dial fails with it
		attempts int
		reason   string // in the error, for the failures that are final
	}{
		{"no such host", "https://api.losant.invalid", &net.DNSError{Err: "no such host", Name: "api.losant.invalid", IsNotFound: true}, 1, "no such host"},
		{"http server at an https URL", strings.Replace(plain.URL, "http://", "https://", 1), nil, 1, "HTTP response to HTTPS client"},
		{"untrusted certificate", untrusted.URL, nil, 1, "certificate"},
		{"connection refused on loopback", "http://" + closedAddr(t), nil, 1, "connection refused"},
		{"temporary DNS failure", "https://api.losant.com", &net.DNSError{Err: "server misbehaving", Name: "api.losant.com", IsTemporary: true}, fastRetries.MaxAttempts, ""},
		{"connection refused by a remote host", "https://api.losant.com", refusedRemote, fastRetries.MaxAttempts, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := []losant.Option{losant.WithToken(testToken), losant.WithBaseURL(tt.base), losant.WithRetryPolicy(fastRetries)}
			var dials atomic.Int64
			if tt.dialErr != nil {
				opts = append(opts, losant.WithHTTPClient(&http.Client{Transport: &http.Transport{DialContext: failingDial(tt.dialErr, &dials)}}))
			}
			c, err := losant.NewClient(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseIdleConnections()
			var resp losant.Response
			_, err = c.ApplicationJobLog.Get(safeCtx(t), appID, jobID, losant.WithResponseInto(&resp))
			if err == nil {
				t.Fatal("Get succeeded")
			}
			if resp.Attempts != tt.attempts {
				t.Errorf("%d attempts, want %d: %v", resp.Attempts, tt.attempts, err)
			}
			if tt.dialErr != nil && dials.Load() != int64(tt.attempts) {
				t.Errorf("%d dials, want %d", dials.Load(), tt.attempts)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.reason) {
				t.Errorf("error %q does not say %q", msg, tt.reason)
			}
			// The path once, the base URL named, no URL repeated with its query.
			if path := "/applications/" + appID + "/jobLogs/" + jobID; strings.Count(msg, path) != 1 {
				t.Errorf("error %q does not name the path exactly once", msg)
			}
			if !errors.Is(err, losant.ErrUnreachable) {
				t.Errorf("error %v does not match ErrUnreachable", err)
			}
			if !strings.Contains(msg, "cannot reach the API at "+c.BaseURL()) {
				t.Errorf("error %q does not name the base URL %s", msg, c.BaseURL())
			}
			if strings.Contains(msg, `"http`) {
				t.Errorf("error %q quotes the request URL again", msg)
			}
			noToken(t, err)
		})
	}
}

// Each retry is announced to WithRetryNotify before its wait, with what
// failed and how long the wait is; the call's own errors are unchanged.
func TestRetryNotify(t *testing.T) {
	var notices []losant.RetryNotice
	f := newFixture(t, steps(unavail, respond(http.StatusGatewayTimeout, `{}`), ok200),
		losant.WithRetryNotify(func(n losant.RetryNotice) { notices = append(notices, n) }))
	waits := observeWaits(f.client)
	log, err := f.client.ApplicationJobLog.Get(safeCtx(t), appID, jobID)
	wantJobLog(t, log, err)
	got := waits.all()
	if len(notices) != 2 || len(got) != 2 {
		t.Fatalf("%d notices and waits %v, want 2 of each", len(notices), got)
	}
	for i, want := range []string{"503", "504"} {
		n := notices[i]
		if n.Method != http.MethodGet || n.Path != jobPath || n.Attempt != i+1 || n.MaxAttempts != fastRetries.MaxAttempts ||
			n.Reason != want || n.Wait != got[i] || !errors.Is(n.Err, losant.ErrServerError) {
			t.Errorf("notice %d = %+v, want GET %s attempt %d of %d, reason %s, wait %v", i+1, n, jobPath, i+1, fastRetries.MaxAttempts, want, got[i])
		}
	}
	if _, err := losant.NewClient(losant.WithToken(testToken), losant.WithRetryNotify(nil)); !errors.Is(err, losant.ErrInvalidArgument) {
		t.Errorf("WithRetryNotify(nil): %v, want ErrInvalidArgument", err)
	}
}
