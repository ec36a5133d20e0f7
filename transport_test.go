package losant

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// connCountingServer serves a small job log and counts the connections
// clients open to it.
func connCountingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var opened atomic.Int64
	body := []byte(`{"id":"575ec76c7ae143cd83dc4a96","status":"inProgress","progress":{"completed":12,"total":100}}`)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &opened
}

// hammer makes requests Gets from goroutines goroutines sharing c.
func hammer(t *testing.T, c *Client, goroutines, requests int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for i := g; i < requests; i += goroutines {
				if _, err := c.ApplicationJobLog.Get(context.Background(), benchAppID, benchJobID); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// The default HTTP client keeps enough idle connections for a client shared
// by many goroutines: 16 goroutines making 2,000 requests reuse about 16
// connections. (With Go's default of 2 idle connections per host, most
// requests would open a new one.)
func TestDefaultTransportReusesConnections(t *testing.T) {
	const goroutines, requests = 16, 2000
	srv, opened := connCountingServer(t)
	c, err := NewClient(WithToken(benchToken), WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	hammer(t, c, goroutines, requests)
	n := opened.Load()
	t.Logf("%d goroutines, %d requests: %d connections opened", goroutines, requests, n)
	if n < 1 || n > 2*goroutines {
		t.Errorf("%d goroutines making %d requests opened %d connections, want about %d", goroutines, requests, n, goroutines)
	}
}

// A caller's own http.Client is used as it is: every request goes through
// it, and the SDK changes none of its settings.
func TestCallerHTTPClientIsUsedAsIs(t *testing.T) {
	srv, _ := connCountingServer(t)
	tr := &http.Transport{MaxIdleConnsPerHost: 3, DisableCompression: true}
	var trips atomic.Int64
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		trips.Add(1)
		return tr.RoundTrip(r)
	})}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := NewClient(WithToken(benchToken), WithBaseURL(srv.URL), WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if c.hc != hc {
		t.Fatal("the client does not use the caller's *http.Client")
	}
	hammer(t, c, 4, 40)
	if n := trips.Load(); n != 40 {
		t.Errorf("%d requests went through the caller's client, want 40", n)
	}
	if tr.MaxIdleConnsPerHost != 3 || !tr.DisableCompression || hc.Timeout != 0 {
		t.Errorf("the caller's transport or client was changed: %+v", tr)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
