package losant

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"

	"golang.org/x/time/rate"

	"github.com/losant-go/losant-go/internal/modversion"
	"github.com/losant-go/losant-go/internal/ops"
)

// clientCore is the state of a Client (whose generated declaration, in
// operations.gen.go, adds a field per service of openapi.yaml).
type clientCore struct {
	// prefix is the base URL with its path's dot segments resolved and
	// without a trailing slash; operation paths start with one.
	prefix  string
	hc      *http.Client
	header  http.Header // sent with every request, Authorization aside
	maxBody int64
	// authorize sets the Authorization header. The token lives only inside
	// this closure: fmt prints a func as an address, while it would print
	// any string field (even one of a type with a Format method, since fmt
	// cannot call methods on unexported fields) of a formatted Client.
	authorize func(http.Header)

	call    callSettings // every call's defaults
	limiter *rate.Limiter
	logger  *slog.Logger
	sleep   sleepFunc // sleepContext; tests observe retry and poll waits
	// codec makes the JSON decoder of response bodies; nil is the
	// package's codec (codec.go). Tests set it to compare codecs.
	codec func(io.Reader) streamDecoder
	// insecureHTTP is WithInsecureAllowHTTP: it also lets Download fetch a
	// plain-http URL that is not on loopback.
	insecureHTTP bool
}

// NewClient returns a Client configured by opts. WithToken is required.
// Without WithHTTPClient, requests go through an HTTP client tuned for an
// SDK: TLS 1.2 or newer, bounded dial, TLS-handshake and response-header
// waits, and up to 128 idle connections per host. An option with an invalid
// value makes NewClient fail with an error matching ErrInvalidArgument.
//
// NewClient reads nothing but its options: what it knows of the API
// (paths, parameter rules, Accept-Version) was generated from openapi.yaml
// as Go, so it costs microseconds.
func NewClient(opts ...Option) (*Client, error) {
	s := settings{
		baseURL: DefaultBaseURL, maxBody: DefaultMaxResponseBytes, acceptVersion: ops.AcceptVersion,
		call: callSettings{retry: DefaultRetryPolicy(), attemptTimeout: DefaultAttemptTimeout},
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt.applyClient(&s); err != nil {
			return nil, err
		}
	}
	if s.token == "" {
		return nil, invalidArg("WithToken", "no API token given; pass losant.WithToken (the CLI reads LOSANT_API_TOKEN)")
	}
	base, err := checkBaseURL(s.baseURL, s.insecureHTTP)
	if err != nil {
		return nil, err
	}
	if s.httpClient == nil {
		s.httpClient = newDefaultHTTPClient()
	}
	ua := sdkUserAgent
	if s.userAgent != "" {
		ua = s.userAgent + " " + sdkUserAgent
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("Accept-Version", s.acceptVersion)
	h.Set("User-Agent", ua)
	// Headers from WithHeader given to NewClient join the client's own, so
	// a call pays for them only once.
	for k, v := range s.call.header {
		h[k] = v
	}
	s.call.header = nil
	auth := []string{"Bearer " + s.token}
	// The base as a directory, with its dot segments resolved as a browser
	// resolves "./" against it.
	dir := *base
	dir.Path += "/"
	c := &Client{clientCore: clientCore{
		prefix: strings.TrimSuffix(dir.ResolveReference(&url.URL{Path: "./"}).String(), "/"),
		hc:     s.httpClient, header: h, maxBody: s.maxBody,
		authorize: func(h http.Header) { h["Authorization"] = auth },
		call:      s.call, limiter: s.limiter, logger: s.logger, sleep: sleepContext,
		insecureHTTP: s.insecureHTTP,
	}}
	c.initServices()
	return c, nil
}

// sdkUserAgent names the SDK, its version and the Go runtime. The version
// is the module's from the program's build info (what `losant version`
// prints), else the Version constant; it is worked out once, at start-up,
// so a request pays nothing for it.
var sdkUserAgent = fmt.Sprintf("losant-go/%s (%s; %s/%s)", modversion.Get(Version), runtime.Version(), runtime.GOOS, runtime.GOARCH)

// String describes the client without its token.
func (c *Client) String() string {
	return fmt.Sprintf("losant.Client{BaseURL: %q, Token: %s}", c.BaseURL(), redacted)
}

// Format makes every fmt verb (%v, %+v, %#v, %s) print String: a formatted
// Client shows its base URL and never its token.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// BaseURL returns the API address requests go to, with a trailing slash.
func (c *Client) BaseURL() string { return c.prefix + "/" }

// CloseIdleConnections closes connections the client keeps open for reuse
// and is not using now, as http.Client.CloseIdleConnections does. Call it
// when done with a Client that used the default HTTP client.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }
