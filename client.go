package losant

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"golang.org/x/time/rate"

	"github.com/losant-go/losant-go/internal/retry"
	"github.com/losant-go/losant-go/internal/spec"
)

// Client talks to the Losant REST API. Create one with NewClient and share
// it: a Client is safe for concurrent use by many goroutines, and reusing it
// reuses connections.
type Client struct {
	// ApplicationJobLog reads application job logs, like the official
	// clients' client.applicationJobLog.
	ApplicationJobLog *ApplicationJobLogService

	server  string // base URL with a trailing slash, as the generated client wants
	hc      *http.Client
	header  http.Header // sent with every request, Authorization aside
	maxBody int64
	// authorize sets the Authorization header. The token lives only inside
	// this closure: fmt prints a func as an address, while it would print
	// any string field (even one of a type with a Format method, since fmt
	// cannot call methods on unexported fields) of a formatted Client.
	authorize func(http.Header)

	retry          retry.Policy
	attemptTimeout time.Duration
	limiter        *rate.Limiter
	logger         *slog.Logger
	sleep          retry.Sleep // retry.SleepContext; tests observe it
	// codec makes the JSON decoder of response bodies; nil is the
	// package's codec (codec.go). Tests set it to compare codecs.
	codec func(io.Reader) streamDecoder
}

// NewClient returns a Client configured by opts. WithToken is required.
// Without WithHTTPClient, requests go through an HTTP client tuned for an
// SDK: TLS 1.2 or newer, bounded dial, TLS-handshake and response-header
// waits, and up to 128 idle connections per host. An option with an invalid
// value makes NewClient fail with an error matching ErrInvalidArgument.
func NewClient(opts ...Option) (*Client, error) {
	s := settings{
		baseURL: DefaultBaseURL, maxBody: DefaultMaxResponseBytes,
		retry: DefaultRetryPolicy(), attemptTimeout: DefaultAttemptTimeout,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&s); err != nil {
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
	if s.acceptVersion == "" {
		if s.acceptVersion, err = spec.AcceptVersion(); err != nil {
			return nil, err
		}
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
	if s.losantDomain != "" {
		h.Set("losantdomain", s.losantDomain)
	}
	auth := []string{"Bearer " + s.token}
	c := &Client{
		server: base.String() + "/", hc: s.httpClient, header: h, maxBody: s.maxBody,
		authorize: func(h http.Header) { h["Authorization"] = auth },
		retry:     retry.Policy(s.retry), attemptTimeout: s.attemptTimeout,
		limiter: s.limiter, logger: s.logger, sleep: retry.SleepContext,
	}
	if c.ApplicationJobLog, err = newApplicationJobLogService(c); err != nil {
		return nil, err
	}
	return c, nil
}

// sdkUserAgent names the SDK, its version and the Go runtime.
var sdkUserAgent = fmt.Sprintf("losant-go/%s (%s; %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)

// String describes the client without its token.
func (c *Client) String() string {
	return fmt.Sprintf("losant.Client{BaseURL: %q, Token: %s}", c.server, redacted)
}

// Format makes every fmt verb (%v, %+v, %#v, %s) print String: a formatted
// Client shows its base URL and never its token.
func (c *Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// BaseURL returns the API address requests go to, with a trailing slash.
func (c *Client) BaseURL() string { return c.server }

// send fills in the client's headers, sends req (retrying as the policy
// allows) and decodes a 2xx JSON body into out. Any other outcome is an
// error: *APIError for non-2xx, *ResponseError for an undecodable body, or
// the transport's error.
func (c *Client) send(ctx context.Context, req *http.Request, out any) error {
	for k, v := range c.header {
		req.Header[k] = v
	}
	c.authorize(req.Header)
	return retry.Do(ctx, c.retry, classify,
		func() error { return c.attempt(ctx, req, out) },
		func(n int, err error, v retry.Verdict, wait time.Duration) {
			if c.logger != nil {
				c.logger.LogAttrs(ctx, slog.LevelWarn, "losant: retrying request",
					slog.String("method", req.Method), slog.String("path", req.URL.Path),
					slog.Int("attempt", n), slog.String("reason", v.Reason),
					slog.Duration("wait", wait), slog.String("error", err.Error()))
			}
		}, c.sleep)
}

// attempt makes one try: wait for the rate limiter, send within the
// attempt timeout, and read the whole answer.
func (c *Client) attempt(ctx context.Context, req *http.Request, out any) error {
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			if ctx.Err() == nil {
				// The limiter refused a wait that would pass the deadline:
				// report it as the deadline, so errors.Is finds it.
				err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
			}
			return fmt.Errorf("losant: %s %s: waiting for the rate limiter: %w", req.Method, req.URL.Path, err)
		}
	}
	actx := ctx
	if c.attemptTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.attemptTimeout)
		defer cancel()
	}
	err := c.roundTrip(req.WithContext(actx), out)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		// The attempt's own deadline passed, not the caller's.
		err = fmt.Errorf("losant: %s %s: %w", req.Method, req.URL.Path, &timeoutError{d: c.attemptTimeout, err: err})
	}
	return err
}

// roundTrip sends req and reads its response into out or an error.
func (c *Client) roundTrip(req *http.Request, out any) error {
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("losant: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(req, resp)
	}
	return c.decode(req, resp, out)
}

// CloseIdleConnections closes connections the client keeps open for reuse
// and is not using now, as http.Client.CloseIdleConnections does. Call it
// when done with a Client that used the default HTTP client.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }
