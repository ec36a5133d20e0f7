package losant

import (
	"crypto/tls"
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
	return &http.Client{Transport: &http.Transport{
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
