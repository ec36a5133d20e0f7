package losant

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/losant-go/losant-go/internal/ops"
)

// do is the one request path every operation method takes (the methods are
// generated from openapi.yaml into operations.gen.go). It checks the path
// values against the operation's rules, applies the call's options, builds
// the URL (the operation's fixed query defaults joined to the caller's
// query), sends the request with retries, maps a non-2xx answer to an
// *APIError and decodes a 2xx JSON body into out.
func (c *Client) do(ctx context.Context, op *ops.Operation, pathValues []string, query url.Values, out any, opts []RequestOption) error {
	if err := op.CheckPath(pathValues); err != nil {
		var pe *ops.ParamError
		if errors.As(err, &pe) {
			return &InvalidArgumentError{Name: pe.Name, Reason: pe.Reason}
		}
		return err
	}
	cs, err := c.applyCall(opts)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(op.Method, c.url(op, pathValues, query), nil)
	if err != nil {
		return fmt.Errorf("losant: %s: building the request: %w", op.ID, err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for k, v := range cs.header {
		req.Header[k] = v
	}
	c.authorize(req.Header)

	// A request may be sent again only when doing so is safe (an
	// idempotent method, or the caller's word for it) and possible (no
	// body, or one that can be read again).
	policy := cs.retry
	safe := op.Idempotent() || cs.retryUnsafe
	rereadable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	if !safe || !rereadable {
		policy.MaxAttempts = 1
	}
	var last responseMeta
	var attempts int
	err = retryLoop(ctx, policy,
		func() error { return c.attempt(ctx, op, req, out, cs.attemptTimeout, &last) },
		func(n int, err error, v verdict, wait time.Duration) {
			if c.logger != nil {
				c.logger.LogAttrs(ctx, slog.LevelWarn, "losant: retrying request",
					slog.String("method", req.Method), slog.String("path", req.URL.Path),
					slog.Int("attempt", n), slog.String("reason", v.reason),
					slog.Duration("wait", wait), slog.String("error", err.Error()))
			}
			if c.notify != nil {
				c.notify(RetryNotice{Method: req.Method, Path: req.URL.Path, Attempt: n, MaxAttempts: policy.MaxAttempts,
					Reason: v.reason, Wait: wait, Err: err})
			}
		}, c.sleep, &attempts)
	if cs.response != nil {
		*cs.response = Response{StatusCode: last.status, Header: last.header, Attempts: attempts}
	}
	return err
}

// responseMeta is what the last attempt's answer said, for Response.
type responseMeta struct {
	status int
	header http.Header
}

// url returns the operation's URL: the client's base, the path with its
// values escaped, and the query.
func (c *Client) url(op *ops.Operation, pathValues []string, query url.Values) string {
	b := make([]byte, 0, len(c.prefix)+len(op.Path)+24*len(pathValues)+len(op.DefaultQuery)+1)
	b = append(b, c.prefix...)
	b = op.AppendPath(b, pathValues)
	switch {
	case len(query) == 0:
		if op.DefaultQuery != "" {
			b = append(append(b, '?'), op.DefaultQuery...)
		}
	default:
		if op.DefaultQuery != "" {
			defaults, _ := url.ParseQuery(op.DefaultQuery) // generated from the spec: always valid
			for k, v := range defaults {
				if _, set := query[k]; !set {
					query[k] = v
				}
			}
		}
		b = append(append(b, '?'), query.Encode()...)
	}
	return string(b)
}

// attempt makes one try: wait for the rate limiter, send within the
// attempt timeout, and read the whole answer.
func (c *Client) attempt(ctx context.Context, op *ops.Operation, req *http.Request, out any, timeout time.Duration, last *responseMeta) error {
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
	if timeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	err := c.roundTrip(op, req.WithContext(actx), out, last)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		// The attempt's own deadline passed, not the caller's.
		err = fmt.Errorf("losant: %s %s: %w", req.Method, req.URL.Path, &timeoutError{d: timeout, err: err})
	}
	return err
}

// roundTrip sends req and reads its response into out or an error.
func (c *Client) roundTrip(op *ops.Operation, req *http.Request, out any, last *responseMeta) error {
	*last = responseMeta{}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &requestError{method: req.Method, path: req.URL.Path, base: c.BaseURL(), err: err}
	}
	defer resp.Body.Close()
	*last = responseMeta{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(op, req, resp)
	}
	return c.decode(req, resp, out)
}

// requestError is a request that got no answer: the connection could not
// be made, broke, or the context ended. Its message gives the cause once,
// without the URL that net/http's *url.Error repeats (the path again, and
// the query), and names the API's base URL when it could not be reached,
// the likeliest thing to fix.
type requestError struct {
	method, path, base string
	err                error
}

func (e *requestError) Error() string {
	cause := e.err
	var ue *url.Error
	if errors.As(cause, &ue) {
		cause = ue.Err
	}
	if unreachable(e.err) {
		return fmt.Sprintf("losant: %s %s: cannot reach the API at %s: %v", e.method, e.path, e.base, cause)
	}
	return fmt.Sprintf("losant: %s %s: %v", e.method, e.path, cause)
}

// Unwrap gives errors.Is and errors.As the *url.Error and, when no
// connection could be made, ErrUnreachable.
func (e *requestError) Unwrap() []error {
	if unreachable(e.err) {
		return []error{e.err, ErrUnreachable}
	}
	return []error{e.err}
}

// unreachable reports whether err says no connection to the API could be
// made: no such host, nothing listening, no route, or a TLS handshake
// that failed.
func unreachable(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return (errors.As(err, &opErr) && opErr.Op == "dial") || errors.As(err, &dnsErr) || failsAgain(err) != ""
}
