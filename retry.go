package losant

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/losant-go/losant-go/internal/retry"
)

// RetryPolicy says how the client retries a GET that failed in a way that
// may pass: a connection error, a body cut short, an attempt timeout, or a
// 429, 502, 503 or 504 answer. Other answers (400, 401, 403, 404, 500...)
// are never retried.
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

// DefaultAttemptTimeout bounds one attempt, from sending the request to
// reading the last byte of the response body.
const DefaultAttemptTimeout = 30 * time.Second

// WithRetryPolicy replaces DefaultRetryPolicy(). Retries never wait past the
// caller's context deadline: a retry that would is not made.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(s *settings) error {
		switch {
		case p.MaxAttempts < 1:
			return invalidArg("WithRetryPolicy", "MaxAttempts must be at least 1, got %d", p.MaxAttempts)
		case p.MaxAttempts > 1 && (p.InitialBackoff <= 0 || p.MaxBackoff < p.InitialBackoff):
			return invalidArg("WithRetryPolicy", "want 0 < InitialBackoff <= MaxBackoff, got %v and %v", p.InitialBackoff, p.MaxBackoff)
		case p.MaxAttempts > 1 && (p.MaxElapsed <= 0 || p.MaxRetryAfter < 0):
			return invalidArg("WithRetryPolicy", "MaxElapsed must be positive and MaxRetryAfter not negative")
		}
		s.retry = p
		return nil
	}
}

// WithoutRetries makes every call a single attempt.
func WithoutRetries() Option {
	return func(s *settings) error {
		s.retry = RetryPolicy{MaxAttempts: 1}
		return nil
	}
}

// WithAttemptTimeout bounds each attempt (DefaultAttemptTimeout unless
// told otherwise); 0 removes the bound. A timed-out attempt is retried and,
// on the last attempt, gives an error matching ErrTimeout. The caller's
// context still wins when it ends first.
func WithAttemptTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d < 0 {
			return invalidArg("WithAttemptTimeout", "the timeout cannot be negative, got %v", d)
		}
		s.attemptTimeout = d
		return nil
	}
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

// classify decides whether a failed attempt may be retried: the chain of
// checks of the package docs, first answer wins.
func classify(err error) retry.Verdict {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return retry.Verdict{Retry: true, After: apiErr.RetryAfter, Reason: strconv.Itoa(apiErr.StatusCode)}
		}
		return retry.Verdict{Reason: strconv.Itoa(apiErr.StatusCode)}
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	switch {
	case errors.Is(err, ErrResponseTooLarge), errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr):
		return retry.Verdict{Reason: "permanent"}
	case errors.Is(err, ErrTimeout):
		return retry.Verdict{Retry: true, Reason: "attempt timeout"}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return retry.Verdict{Reason: "context"}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return retry.Verdict{Retry: true, Reason: "connection closed early"}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE):
		return retry.Verdict{Retry: true, Reason: "connection error"}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return retry.Verdict{Retry: true, Reason: "network error"}
	}
	return retry.Verdict{Reason: "not retryable"}
}
