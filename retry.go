package losant

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// RetryPolicy says how the client retries a call that failed in a way that
// may pass: a connection error, a body cut short, an attempt timeout, or a
// 429, 502, 503 or 504 answer (see APIError.Temporary). Failures waiting
// cannot mend are returned at once: no such host, an http answer to an
// https request, a TLS certificate error, a refused connection on loopback. Other answers (400,
// 401, 403, 404, 500...) are never retried, and neither is an operation
// that is not idempotent (a POST) unless the call says
// WithRetryNonIdempotent.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first included; 1 disables
	// retries.
	MaxAttempts int
	// InitialBackoff is the mean wait before the first retry. Each further
	// retry doubles it up to MaxBackoff; every wait is jittered by ±50%.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// MaxElapsed caps the time spent retrying one call: a retry whose wait
	// would end past it is not made.
	MaxElapsed time.Duration
	// MaxRetryAfter is the longest Retry-After the client honours; a server
	// asking for a longer wait gets its 429 or 503 returned at once, with
	// APIError.RetryAfter set, so the caller can decide.
	MaxRetryAfter time.Duration
}

// DefaultRetryPolicy returns the policy used unless WithRetryPolicy or
// WithoutRetries says otherwise: 4 attempts, waits of about 0.5 s, 1 s and
// 2 s (or what Retry-After asks, up to 30 s), all within 60 s. Start from it
// to change one field:
//
//	p := losant.DefaultRetryPolicy()
//	p.MaxAttempts = 8
//	client, err := losant.NewClient(losant.WithToken(token), losant.WithRetryPolicy(p))
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxAttempts:    4,
		InitialBackoff: 500 * time.Millisecond,
		MaxBackoff:     8 * time.Second,
		MaxElapsed:     60 * time.Second,
		MaxRetryAfter:  30 * time.Second,
	}
}

// check refuses a policy the loop cannot follow.
func (p RetryPolicy) check() error {
	switch {
	case p.MaxAttempts < 1:
		return invalidArg("WithRetryPolicy", "MaxAttempts must be at least 1, got %d", p.MaxAttempts)
	case p.MaxAttempts > 1 && (p.InitialBackoff <= 0 || p.MaxBackoff < p.InitialBackoff):
		return invalidArg("WithRetryPolicy", "want 0 < InitialBackoff <= MaxBackoff, got %v and %v", p.InitialBackoff, p.MaxBackoff)
	case p.MaxAttempts > 1 && (p.MaxElapsed <= 0 || p.MaxRetryAfter < 0):
		return invalidArg("WithRetryPolicy", "MaxElapsed must be positive and MaxRetryAfter not negative")
	}
	return nil
}

// DefaultAttemptTimeout bounds one attempt, from sending the request to
// reading the last byte of the response body.
const DefaultAttemptTimeout = 30 * time.Second

// RetryError is the error of a call whose retries ran out, or stopped
// early: a wait would have passed the context's deadline or the policy's
// MaxElapsed, the server asked for a longer Retry-After than the policy
// honours, or the context ended while waiting. errors.Is and errors.As see
// through it to the last attempt's error (such as an *APIError matching
// ErrServerError) and, when the context ended, to the context's error.
type RetryError struct {
	// Attempts is how many attempts were made, the first included.
	Attempts int
	// Reason says why no further attempt was made.
	Reason string
	// Err is the last attempt's error.
	Err error
	// ctx is the context's error when it ended the retries.
	ctx error
}

// Error is the last error, the attempts made and why the retries stopped.
func (e *RetryError) Error() string {
	if e.ctx != nil {
		return fmt.Sprintf("%v (after %d attempts; %s: %v)", e.Err, e.Attempts, e.Reason, e.ctx)
	}
	return fmt.Sprintf("%v (after %d attempts; %s)", e.Err, e.Attempts, e.Reason)
}

// Unwrap gives errors.Is and errors.As the last error and, when the
// context ended the retries, the context's error.
func (e *RetryError) Unwrap() []error {
	if e.ctx != nil {
		return []error{e.ctx, e.Err}
	}
	return []error{e.Err}
}

// ErrTimeout matches an attempt that ran past the client's attempt timeout
// (see WithAttemptTimeout). It also matches context.DeadlineExceeded.
var ErrTimeout = errors.New("losant: attempt timed out")

type timeoutError struct {
	d   time.Duration
	err error
}

func (e *timeoutError) Error() string {
	return "no complete response within the " + e.d.String() + " attempt timeout: " + e.err.Error()
}

// Unwrap matches ErrTimeout and context.DeadlineExceeded only: the half-read
// body behind a timeout is not an invalid response.
func (e *timeoutError) Unwrap() []error { return []error{ErrTimeout, context.DeadlineExceeded} }

// verdict is the classifier's answer about one failed attempt.
type verdict struct {
	retry bool
	// after is the wait the server asked for (Retry-After), or 0.
	after time.Duration
	// reason names the failure in log lines ("503", "connection reset").
	reason string
}

// retryableStatus reports whether an answer with this status may succeed
// if the same request is sent again: 429 and the gateway-side 502, 503 and
// 504. A 500 or 501 is the server's own verdict on the request.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// classify decides whether a failed attempt may be retried: a chain of
// checks, first answer wins.
func classify(err error) verdict {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return verdict{retry: apiErr.Temporary(), after: apiErr.RetryAfter, reason: strconv.Itoa(apiErr.StatusCode)}
	}
	if reason := failsAgain(err); reason != "" {
		return verdict{reason: reason}
	}
	switch {
	case errors.Is(err, ErrTimeout):
		return verdict{retry: true, reason: "attempt timeout"}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return verdict{reason: "context"}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return verdict{retry: true, reason: "connection closed early"}
	case errors.Is(err, syscall.ECONNREFUSED):
		return verdict{retry: true, reason: "connection refused"}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return verdict{retry: true, reason: "connection error"}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return verdict{retry: true, reason: "temporary DNS failure"}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return verdict{retry: true, reason: "network error"}
	}
	return verdict{reason: "not retryable"}
}

// failsAgain names a failure that sending the same request again, seconds
// later, cannot mend, or returns "". Waiting for these only delays the
// answer the caller needs: fix the URL, the server or its certificate.
func failsAgain(err error) string {
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var recordErr tls.RecordHeaderError
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, ErrResponseTooLarge):
		return "body too large"
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &invalidCert):
		return "TLS certificate not trusted"
	case errors.As(err, &recordErr), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http reports an http answer to a TLS handshake as a plain
		// error, with nothing to match but its text.
		return "not a TLS server (http, not https?)"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "no such host"
	case errors.Is(err, syscall.ECONNREFUSED) && errors.As(err, &opErr) && isLoopbackAddr(opErr.Addr):
		// Nothing listens on this machine's port: a server starting up
		// in the next seconds is the exception, a wrong port the rule.
		return "connection refused on loopback"
	}
	return ""
}

// isLoopbackAddr reports whether a is a loopback IP address.
func isLoopbackAddr(a net.Addr) bool {
	switch a := a.(type) {
	case *net.TCPAddr:
		return a.IP.IsLoopback()
	case nil:
		return false
	}
	host, _, err := net.SplitHostPort(a.String())
	return err == nil && isLoopback(host)
}

// sleepFunc waits for d or until ctx ends. Tests replace the client's to
// observe waits.
type sleepFunc func(ctx context.Context, d time.Duration) error

// sleepContext waits for d, or returns ctx's error if ctx ends first.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryNotify is told about each retry before its wait starts.
type retryNotify func(attempt int, err error, v verdict, wait time.Duration)

// retryLoop runs op until it succeeds or classify says its error is final,
// and reports in *attempts how many attempts it made. It returns op's error
// unchanged when no retry was considered, and otherwise a *RetryError.
//
// The jittered exponential intervals come from github.com/cenkalti/backoff;
// the loop itself is ours because none of the libraries considered does
// all of: honour a server's Retry-After as the next wait, refuse to start a
// wait that would end past the context's deadline or the total budget, and
// hand back the last real error (not a wrapper) for errors.Is/As.
// go-retryablehttp's RoundTripper discards the last response unless told
// otherwise, and backoff.Retry drops the error behind a RetryAfterError.
func retryLoop(ctx context.Context, p RetryPolicy, op func() error, notify retryNotify, sleep sleepFunc, attempts *int) error {
	start := time.Now() // MaxElapsed counts the first attempt too
	*attempts = 1
	err := op()
	if err == nil || p.MaxAttempts <= 1 {
		return err
	}
	var b *backoff.ExponentialBackOff // made on the first retry: most calls never need it
	for attempt := 1; ; attempt++ {
		*attempts = attempt
		v := classify(err)
		if !v.retry {
			if attempt == 1 {
				return err
			}
			return &RetryError{Attempts: attempt, Err: err, Reason: "the last failure is not retryable"}
		}
		if attempt >= p.MaxAttempts {
			return &RetryError{Attempts: attempt, Err: err, Reason: "MaxAttempts reached"}
		}
		if b == nil {
			b = &backoff.ExponentialBackOff{
				InitialInterval: p.InitialBackoff, RandomizationFactor: 0.5,
				Multiplier: 2, MaxInterval: p.MaxBackoff,
			}
			b.Reset()
		}
		wait := b.NextBackOff()
		if v.after > 0 {
			if v.after > p.MaxRetryAfter {
				return &RetryError{Attempts: attempt, Err: err, Reason: fmt.Sprintf("the server asked to wait %v, over the %v limit (RetryPolicy.MaxRetryAfter)", v.after, p.MaxRetryAfter)}
			}
			wait = v.after
		}
		if time.Since(start)+wait > p.MaxElapsed {
			return &RetryError{Attempts: attempt, Err: err, Reason: fmt.Sprintf("a %v wait would pass the %v retry budget (RetryPolicy.MaxElapsed)", wait.Round(time.Millisecond), p.MaxElapsed)}
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= wait {
			return &RetryError{Attempts: attempt, Err: err, Reason: fmt.Sprintf("a %v wait would pass the context deadline", wait.Round(time.Millisecond))}
		}
		if notify != nil {
			notify(attempt, err, v, wait)
		}
		if serr := sleep(ctx, wait); serr != nil {
			return &RetryError{Attempts: attempt, Err: err, Reason: "the context ended while waiting to retry", ctx: serr}
		}
		*attempts = attempt + 1
		if err = op(); err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
			return &RetryError{Attempts: attempt + 1, Err: err, Reason: "the context ended", ctx: cerr}
		}
	}
}
