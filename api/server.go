package api

import (
	"log"
	"net/http"
	"time"
)

// Defaults of NewServer; see the fields of ServerOptions with the same
// names. They are what `losant serve` and `losant demo` use.
const (
	// DefaultReadHeaderTimeout is how long a client has to send its
	// request line and headers, from the moment the server starts reading
	// them. A client that dribbles its headers (slowloris) loses its
	// connection when it passes, however steadily it sends (net/http
	// closes it, after a plain-text 400 if the time ran out mid-line).
	DefaultReadHeaderTimeout = 10 * time.Second

	// DefaultReadTimeout is how long a client has to send its whole
	// request, body included.
	DefaultReadTimeout = 30 * time.Second

	// DefaultWriteTimeout is how long the server has, from the end of the
	// request's headers, to send its whole answer: enough for a job log at
	// the SDK's 20 MiB cap (DefaultMaxResponseBytes) to a client reading
	// about 1 MiB/s, short enough that a client that stops reading does not
	// keep its connection for long.
	DefaultWriteTimeout = 60 * time.Second

	// DefaultIdleTimeout is how long a kept-alive connection may wait for
	// its next request before the server closes it.
	DefaultIdleTimeout = 2 * time.Minute

	// DefaultMaxHeaderBytes bounds the request line and headers together
	// (net/http allows 4 KiB beyond it). It is well above
	// DefaultMaxURIBytes, so an overlong URL gets the handler's JSON 414
	// rather than net/http's plain-text 431.
	DefaultMaxHeaderBytes = 64 << 10
)

// ServerOptions configures NewServer. The zero value gives every default.
type ServerOptions struct {
	// ReadHeaderTimeout bounds the time to read a request's line and
	// headers. Zero means DefaultReadHeaderTimeout; negative means none
	// (ReadTimeout still bounds them).
	ReadHeaderTimeout time.Duration

	// ReadTimeout bounds the time to read a whole request, body included.
	// Zero means DefaultReadTimeout; negative means none.
	ReadTimeout time.Duration

	// WriteTimeout bounds the time from the end of a request's headers to
	// the end of its answer. Zero means DefaultWriteTimeout; negative
	// means none.
	WriteTimeout time.Duration

	// IdleTimeout bounds how long a kept-alive connection waits for its
	// next request. Zero means DefaultIdleTimeout; negative means none.
	IdleTimeout time.Duration

	// MaxHeaderBytes bounds the size of a request's line and headers;
	// net/http answers a bigger one 431 in plain text and closes the
	// connection. Zero means DefaultMaxHeaderBytes; negative means
	// net/http's own default, http.DefaultMaxHeaderBytes (1 MiB).
	MaxHeaderBytes int

	// ErrorLog receives what net/http reports about connections: failed
	// TLS handshakes, a handler that panicked. Nil means the log
	// package's standard logger.
	ErrorLog *log.Logger
}

// NewServer returns an http.Server for h (normally from NewHandler) with
// timeouts and a header size bound, so that clients that are slow, stop
// reading or hold connections open cannot tie it up. It does not listen:
// set Addr and call ListenAndServe, or call Serve with a listener of your
// own, and Shutdown to stop it.
//
// Requests that net/http itself cannot parse never reach h, and are
// answered by net/http in plain text before the connection is closed: 400
// for a malformed request line, header or URL escape, 431 for headers over
// MaxHeaderBytes, 501 for an unknown Transfer-Encoding, 505 for an HTTP
// version other than 1.x. Everything else gets h's JSON.
func NewServer(h http.Handler, opts ServerOptions) *http.Server {
	maxHeader := opts.MaxHeaderBytes
	switch {
	case maxHeader == 0:
		maxHeader = DefaultMaxHeaderBytes
	case maxHeader < 0:
		maxHeader = http.DefaultMaxHeaderBytes
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: durationOrDefault(opts.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       durationOrDefault(opts.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      durationOrDefault(opts.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       durationOrDefault(opts.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    maxHeader,
		ErrorLog:          opts.ErrorLog,
	}
}

// durationOrDefault returns def for 0 and d otherwise; net/http reads a
// negative timeout as none.
func durationOrDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
