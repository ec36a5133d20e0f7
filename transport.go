package losant

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Transport defaults of the client NewClient builds when WithHTTPClient is
// not given. Go's own default keeps only 2 idle connections per host, so a
// client shared by many goroutines would keep opening new connections.
const (
	defaultMaxIdleConnsPerHost   = 128
	defaultDialTimeout           = 10 * time.Second
	defaultTLSHandshakeTimeout   = 10 * time.Second
	defaultResponseHeaderTimeout = 30 * time.Second
	defaultIdleConnTimeout       = 90 * time.Second
)

// newDefaultHTTPClient returns the HTTP client used when the caller gives
// none: proxies from the environment, TLS 1.2 or newer, bounded dial,
// handshake and header waits, and enough idle connections for heavy
// concurrency. It sets no overall Timeout: the caller's context is the
// deadline.
func newDefaultHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: defaultDialTimeout, KeepAlive: 30 * time.Second}
	return &http.Client{CheckRedirect: checkRedirect, Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:   defaultTLSHandshakeTimeout,
		ResponseHeaderTimeout: defaultResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       defaultIdleConnTimeout,
		MaxIdleConns:          defaultMaxIdleConnsPerHost,
		MaxIdleConnsPerHost:   defaultMaxIdleConnsPerHost,
	}}
}

// maxRedirects is as many as Go's own client follows.
const maxRedirects = 10

// checkRedirect keeps the token on the origin it was meant for. Go's client
// already drops Authorization when a redirect leaves the host name, but it
// keeps it for another port of the same host and for a downgrade from https
// to http; this drops it whenever the scheme, host or port changes.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if from := via[0].URL; req.URL.Scheme != from.Scheme || req.URL.Host != from.Host {
		req.Header.Del("Authorization")
	}
	return nil
}
