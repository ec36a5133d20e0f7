package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// Defaults of the limits NewHandler applies to every request; see the
// fields of Options with the same names.
const (
	// DefaultMaxURIBytes is the default of Options.MaxURIBytes, 20 KiB:
	// a query of DefaultMaxQueryBytes and 4 KiB of path. It stays well
	// under DefaultMaxHeaderBytes, so a request target over it is answered
	// by the handler in JSON rather than by net/http.
	DefaultMaxURIBytes = 20 << 10

	// DefaultMaxQueryBytes is the default of Options.MaxQueryBytes, 16 KiB:
	// room for a list query whose JSON filter is a few KB even once
	// percent-encoded.
	DefaultMaxQueryBytes = 16 << 10

	// DefaultMaxInFlight is the default of Options.MaxInFlight: 1024
	// requests served at once. A request takes microseconds, so this is
	// far beyond what the test suites of one machine need, and it bounds
	// the memory a flood of requests can take.
	DefaultMaxInFlight = 1024

	// DefaultMaxBodyBytes is the default of Options.MaxBodyBytes, 1 MiB:
	// the JSON bodies of openapi.yaml (export and clone options) are a few
	// hundred bytes.
	DefaultMaxBodyBytes = 1 << 20

	// DefaultMaxImportBytes is the default of Options.MaxImportBytes,
	// 2 GiB: room for a 1 GiB import bundle and then some. The upload is
	// streamed to a file, so memory does not grow with it.
	DefaultMaxImportBytes = 2 << 30

	// DefaultMaxImportExpandedBytes is the default of
	// Options.MaxImportExpandedBytes, 4 GiB.
	DefaultMaxImportExpandedBytes = 4 << 30
)

// bodyTooLarge is the message of the 400 sent for a body over limit, the
// value of the Options field named option.
func bodyTooLarge(limit int64, option string) string {
	return fmt.Sprintf("Request body is over this server's limit of %d bytes: send a smaller one (the limit is api.Options.%s)", limit, option)
}

// limit64OrDefault is limitOrDefault for int64 limits.
func limit64OrDefault(v, def int64) int64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// busyRetryAfter is the Retry-After, in seconds, of a 503 sent because
// MaxInFlight requests are being served.
const busyRetryAfter = 1

// limiter is the outermost layer of NewHandler: it refuses request
// targets and queries over their caps, and requests beyond the bound on
// requests in flight, before any parsing or validation is spent on them.
type limiter struct {
	next     http.Handler
	errs     *errorWriter
	maxURI   int           // bytes; 0: no cap
	maxQuery int           // bytes; 0: no cap
	slots    chan struct{} // one element per request in flight; nil: no bound

	maxBody, maxImport int64 // bytes of a JSON body, of a multipart one; 0: no cap
}

// withLimits wraps next in the limits of opts (zero fields take their
// defaults, negative ones mean no limit).
func withLimits(next http.Handler, opts Options, errs *errorWriter) http.Handler {
	l := &limiter{
		next:     next,
		errs:     errs,
		maxURI:   limitOrDefault(opts.MaxURIBytes, DefaultMaxURIBytes),
		maxQuery: limitOrDefault(opts.MaxQueryBytes, DefaultMaxQueryBytes),

		maxBody:   limit64OrDefault(opts.MaxBodyBytes, DefaultMaxBodyBytes),
		maxImport: limit64OrDefault(opts.MaxImportBytes, DefaultMaxImportBytes),
	}
	if n := limitOrDefault(opts.MaxInFlight, DefaultMaxInFlight); n > 0 {
		l.slots = make(chan struct{}, n)
	}
	return l
}

// limitOrDefault returns def for 0, 0 (no limit) for a negative value, and
// v otherwise.
func limitOrDefault(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

func (l *limiter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	uri := r.RequestURI // as sent; empty when the caller made r itself
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	if l.maxURI > 0 && len(uri) > l.maxURI {
		l.refuse(w, r, http.StatusRequestURITooLong, typeValidation, fmt.Sprintf(
			"Request URI is %d bytes, over this server's limit of %d: send a shorter path and query (the limit is api.Options.MaxURIBytes)",
			len(uri), l.maxURI))
		return
	}
	if l.maxQuery > 0 && len(r.URL.RawQuery) > l.maxQuery {
		l.refuse(w, r, http.StatusRequestURITooLong, typeValidation, fmt.Sprintf(
			"Query string is %d bytes, over this server's limit of %d: send fewer or shorter query parameters (the limit is api.Options.MaxQueryBytes)",
			len(r.URL.RawQuery), l.maxQuery))
		return
	}
	if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		// Go's parser drops a pair it cannot read (a bad %-escape, a ';'),
		// so the validator would never see it: refuse the query whole.
		l.refuse(w, r, http.StatusBadRequest, typeValidation, "Malformed query string: "+err.Error())
		return
	}
	if l.slots != nil {
		select {
		case l.slots <- struct{}{}:
			defer func() { <-l.slots }()
		default:
			w.Header().Set("Retry-After", strconv.Itoa(busyRetryAfter))
			l.refuse(w, r, http.StatusServiceUnavailable, typeServiceUnavailable, fmt.Sprintf(
				"The server is busy: %d requests are in flight, its limit (api.Options.MaxInFlight); retry after %d second",
				cap(l.slots), busyRetryAfter))
			return
		}
	}
	limit, option := l.maxBody, "MaxBodyBytes"
	if isMultipart(r) {
		limit, option = l.maxImport, "MaxImportBytes"
	}
	if limit > 0 {
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close") // the body is not read
			l.refuse(w, r, http.StatusBadRequest, typeValidation, bodyTooLarge(limit, option))
			return
		}
		// A body sent without a length is cut at the limit while it is
		// read: the validator and the import handler answer the same 400.
		r.Body = closeOnLimit{http.MaxBytesReader(w, r.Body, limit), w.Header()}
	}
	l.next.ServeHTTP(w, r)
}

// closeOnLimit asks, once its body has passed the limit, that the
// connection be closed after the answer: the rest of the body is never
// read, so the connection cannot carry another request. net/http's
// MaxBytesReader does as much itself, but only when given the server's own
// ResponseWriter, not one wrapped by a middleware or a test.
type closeOnLimit struct {
	io.ReadCloser
	header http.Header
}

func (c closeOnLimit) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		c.header.Set("Connection", "close")
	}
	return n, err
}

// refuse answers r with a Losant error. It runs outside the CORS layer,
// so it allows any origin itself, as every other answer does.
func (l *limiter) refuse(w http.ResponseWriter, r *http.Request, status int, typ, msg string) {
	if r.Header.Get("Origin") != "" {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Expose-Headers", "Retry-After")
		h.Add("Vary", "Origin")
	}
	l.errs.write(w, status, typ, msg)
}
