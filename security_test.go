package losant_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// The default transport must refuse servers that offer less than TLS 1.2.
func TestDefaultTransportRequiresTLS12(t *testing.T) {
	tests := []struct {
		name       string
		maxVersion uint16
		wantErr    bool
	}{
		{"TLS 1.1 server", tls.VersionTLS11, true},
		{"TLS 1.2 server", tls.VersionTLS12, false},
		{"TLS 1.3 server", tls.VersionTLS13, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(respond(http.StatusOK, `{"name":"tls"}`))
			srv.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tt.maxVersion}
			srv.StartTLS()
			defer srv.Close()
			c, err := losant.NewClient(losant.WithToken(testToken), losant.WithBaseURL(srv.URL), losant.WithoutRetries())
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseIdleConnections()
			losant.TrustForTest(c, srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs)
			log, err := c.ApplicationJobLog.Get(context.Background(), appID, jobID)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "protocol version") {
					t.Fatalf("got (%v, %v), want a protocol version error", log, err)
				}
				noToken(t, err)
				return
			}
			if err != nil || *log.Name != "tls" {
				t.Fatalf("got (%v, %v), want the job log", log, err)
			}
		})
	}
}

// An https base URL to a host whose certificate does not verify fails
// without retrying and without leaking the token.
func TestUntrustedCertificateIsNotRetried(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, err := losant.NewClient(losant.WithToken(testToken), losant.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	_, err = c.ApplicationJobLog.Get(context.Background(), appID, jobID)
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) {
		t.Fatalf("error = %v, want a certificate verification error", err)
	}
	if strings.Contains(err.Error(), "attempts") || hits.Load() != 0 {
		t.Errorf("a certificate error was retried or reached the handler: %v (hits %d)", err, hits.Load())
	}
	noToken(t, err)
}
