package losant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/losant-go/losant-go/internal/ops"
)

// request is one call of an operation as the generated code makes it: the
// operation, its path values, and what the caller's arguments encode to.
type request struct {
	op     *ops.Operation
	path   []string
	query  url.Values
	header http.Header // the operation's own header parameters
	body   *requestBody
}

// statusTarget is a result with one body type per 2xx status (the
// generated <Service><Method>Response types): target resets it for the
// status and returns where the body goes, nil for an answer without one,
// or false for a status openapi.yaml does not declare.
type statusTarget interface {
	target(status int) (any, bool)
}

// do is the one request path every operation method takes (the methods are
// generated from openapi.yaml into operations.gen.go). It checks the path
// values against the operation's rules, applies the call's options, builds
// the URL (the operation's fixed query defaults joined to the caller's
// query) and headers, sends the request with retries when that is safe,
// maps a non-2xx answer to an *APIError and decodes a declared 2xx JSON
// body into out.
func (c *Client) do(ctx context.Context, r *request, out any, opts []RequestOption) error {
	op := r.op
	if err := checkPathValues(op, r.path...); err != nil {
		return err
	}
	cs, err := c.applyCall(opts)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(op.Method, c.url(op, r.path, r.query), nil)
	if err != nil {
		return fmt.Errorf("losant: %s: building the request: %w", op.ID, err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for name, v := range cs.shared {
		if op.TakesHeader(name) {
			req.Header.Set(name, v)
		}
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	for k, v := range cs.header {
		req.Header[k] = v
	}
	c.authorize(req.Header)
	if b := r.body; b != nil {
		req.Header.Set("Content-Type", b.contentType)
		req.ContentLength = b.size
	}

	// A request may be sent again only when doing so is safe (an
	// idempotent method, or the caller's word for it) and possible (no
	// body, or one that can be read again).
	policy := cs.retry
	safe := op.Idempotent() || cs.retryUnsafe
	rereadable := r.body == nil || r.body.rereadable
	if !safe || !rereadable {
		policy.MaxAttempts = 1
	}
	var last responseMeta
	var attempts int
	err = retryLoop(ctx, policy,
		func() error { return c.attempt(ctx, op, req, r.body, out, cs.attemptTimeout, &last) },
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
	if err != nil && !op.Idempotent() && last.sent && mayHaveTakenEffect(err) {
		err = &maybeDeliveredError{err: err}
	}
	return err
}

// responseMeta is what the last attempt's answer said, for Response.
type responseMeta struct {
	status int
	header http.Header
	// sent: some of the request was written to a connection, so it may
	// have reached the API.
	sent bool
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
			merged := make(url.Values, len(query)+len(defaults))
			for k, v := range defaults {
				merged[k] = v
			}
			for k, v := range query {
				merged[k] = v
			}
			query = merged
		}
		b = append(append(b, '?'), query.Encode()...)
	}
	return string(b)
}

// attempt makes one try: wait for the rate limiter, send within the
// attempt timeout (with a fresh reader of the body), and read the whole
// answer.
func (c *Client) attempt(ctx context.Context, op *ops.Operation, req *http.Request, body *requestBody, out any, timeout time.Duration, last *responseMeta) error {
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
	var sent atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		WroteHeaderField: func(string, []string) { sent.Store(true) },
	})
	areq := req.WithContext(actx)
	if body != nil {
		rc, err := body.open()
		if err != nil {
			return err
		}
		areq.Body = rc
		if body.rereadable {
			areq.GetBody = body.open
		}
	}
	err := c.roundTrip(op, areq, out, last)
	last.sent = last.sent || sent.Load()
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		// The attempt's own deadline passed, not the caller's.
		err = fmt.Errorf("losant: %s %s: %w", req.Method, req.URL.Path, &timeoutError{d: timeout, err: err})
	}
	return err
}

// roundTrip sends req and reads its response into out or an error.
func (c *Client) roundTrip(op *ops.Operation, req *http.Request, out any, last *responseMeta) error {
	sent := last.sent
	*last = responseMeta{sent: sent}
	resp, err := c.hc.Do(req)
	if err != nil {
		return &requestError{method: req.Method, path: req.URL.Path, base: c.BaseURL(), err: err}
	}
	defer resp.Body.Close()
	*last = responseMeta{status: resp.StatusCode, header: resp.Header, sent: true}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(op, req, resp)
	}
	hasBody, declared := op.Success[resp.StatusCode]
	if t, ok := out.(statusTarget); ok {
		out, declared = t.target(resp.StatusCode)
		hasBody = out != nil
	}
	if !declared {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		drain(resp.Body)
		return bodyFailure{req: req, resp: resp, max: c.maxBody}.err(
			fmt.Errorf("status %d is not one openapi.yaml declares for %s (%s)", resp.StatusCode, op.ID, declaredStatuses(op)), head)
	}
	if !hasBody || out == nil {
		drain(resp.Body)
		return nil
	}
	return c.decode(req, resp, out)
}

// declaredStatuses lists an operation's 2xx statuses for a message.
func declaredStatuses(op *ops.Operation) string {
	s := ""
	for code := 200; code < 300; code++ {
		if _, ok := op.Success[code]; ok {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprint(code)
		}
	}
	return s
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
