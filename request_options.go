package losant

import (
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// A RequestOption changes one call: pass it after the arguments of any
// operation method, such as
//
//	log, err := client.ApplicationJobLog.Get(ctx, appID, jobID,
//		losant.WithAttemptTimeout(5*time.Second), losant.WithResponseInto(&resp))
//
// or to Wait, which applies it to every poll. An invalid value makes the
// call fail with an error matching ErrInvalidArgument before anything is
// sent.
type RequestOption interface {
	applyRequest(*callSettings) error
	// Every RequestOption is a WaitOption, applied to each poll.
	WaitOption
}

// A SharedOption works both ways: given to NewClient it sets the default of
// every call; given to one call it overrides that default for the call.
type SharedOption struct {
	apply func(*callSettings) error
}

func (o SharedOption) applyClient(s *settings) error { return o.applyRequest(&s.call) }
func (o SharedOption) applyRequest(c *callSettings) error {
	if o.apply == nil { // the zero SharedOption changes nothing
		return nil
	}
	return o.apply(c)
}
func (o SharedOption) applyWait(w *waitConfig) error {
	w.request = append(w.request, o)
	return nil
}

// requestOption is a RequestOption for calls only.
type requestOption func(*callSettings) error

func (f requestOption) applyRequest(c *callSettings) error { return f(c) }
func (f requestOption) applyWait(w *waitConfig) error {
	w.request = append(w.request, f)
	return nil
}

// callSettings is what a call runs with: the client's defaults, then the
// call's own options.
type callSettings struct {
	retry          RetryPolicy
	attemptTimeout time.Duration
	// header is sent with the request, over the client's own headers
	// (Authorization aside, which only WithToken sets). Never modified in
	// place: an option copies it first, so a Client's defaults are shared
	// read-only by every call.
	header http.Header
	// response, when set, receives the status, headers and attempts.
	response *Response
	// retryUnsafe lets a non-idempotent operation be retried.
	retryUnsafe bool
	// shared holds the values of the shared headers' options (by the
	// name openapi.yaml gives the header), sent only with operations that
	// take the header. Copied before a change, like header.
	shared map[string]string
}

// Response describes the HTTP answer to a call, for callers who need more
// than the decoded result: pass WithResponseInto(&resp) to a call.
type Response struct {
	// StatusCode is the HTTP status of the last attempt's answer (0 when
	// no answer arrived, such as on a connection error).
	StatusCode int
	// Header holds the last answer's headers (nil when none arrived).
	Header http.Header
	// Attempts is how many attempts the call made, the first included.
	Attempts int
}

// WithResponseInto makes the call fill *resp with the HTTP status, the
// response headers and the number of attempts made, whether the call
// succeeds or fails (a failed call leaves the last answer's status, or 0).
func WithResponseInto(resp *Response) RequestOption {
	return requestOption(func(c *callSettings) error {
		if resp == nil {
			return invalidArg("WithResponseInto", "the *Response is nil")
		}
		c.response = resp
		return nil
	})
}

// WithRetryNonIdempotent lets this call be retried even though its
// operation is not idempotent (a POST): only for an operation you know is
// safe to repeat. Idempotent operations (GET, HEAD, PUT, DELETE) are
// retried without it.
func WithRetryNonIdempotent() RequestOption {
	return requestOption(func(c *callSettings) error {
		c.retryUnsafe = true
		return nil
	})
}

// WithRetryPolicy replaces DefaultRetryPolicy(), for every call of a Client
// (given to NewClient) or for one call. Retries never wait past the
// caller's context deadline: a retry that would is not made.
func WithRetryPolicy(p RetryPolicy) SharedOption {
	return SharedOption{func(c *callSettings) error {
		if err := p.check(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}}
}

// WithoutRetries makes every call a single attempt (given to NewClient), or
// this one (given to a call).
func WithoutRetries() SharedOption {
	return SharedOption{func(c *callSettings) error {
		c.retry = RetryPolicy{MaxAttempts: 1}
		return nil
	}}
}

// WithAttemptTimeout bounds each attempt (DefaultAttemptTimeout unless
// told otherwise); 0 removes the bound. A timed-out attempt is retried and,
// on the last attempt, gives an error matching ErrTimeout. The caller's
// context still wins when it ends first.
func WithAttemptTimeout(d time.Duration) SharedOption {
	return SharedOption{func(c *callSettings) error {
		if d < 0 {
			return invalidArg("WithAttemptTimeout", "the timeout cannot be negative, got %v", d)
		}
		c.attemptTimeout = d
		return nil
	}}
}

// reservedHeaders are set by the client itself; WithHeader refuses them.
var reservedHeaders = map[string]string{
	"Authorization":  "pass the token with WithToken, which keeps it out of errors and logs",
	"Host":           "set the address with WithBaseURL",
	"Content-Length": "the client computes it",
}

// WithHeader sends an extra header: with every request (given to
// NewClient) or with one call, replacing any value the client would send
// under that name (Accept-Version, say). The key must be a valid header
// name and the value may not hold control characters (CR or LF above all);
// Authorization is refused, since the token goes through WithToken only.
func WithHeader(key, value string) SharedOption {
	return SharedOption{func(c *callSettings) error {
		name := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(key))
		if name == "" || !validHeaderName(name) {
			return invalidArg("WithHeader", "%q is not a valid header name", key)
		}
		if why, ok := reservedHeaders[name]; ok {
			return invalidArg("WithHeader", "the client sets %s itself: %s", name, why)
		}
		if !validHeaderValue(value) {
			return invalidArg("WithHeader", "the value of %s holds a control character (such as CR or LF)", name)
		}
		h := make(http.Header, len(c.header)+1)
		for k, v := range c.header {
			h[k] = v
		}
		h[name] = []string{value}
		c.header = h
		return nil
	}}
}

// headerOption is the option of a shared header (a component header
// parameter of openapi.yaml), such as WithLosantDomain: the generated
// With... functions call it with their own name and the header's.
func headerOption(option, header, value string) SharedOption {
	return SharedOption{func(c *callSettings) error {
		v := strings.TrimSpace(value)
		if v == "" || !validHeaderValue(v) {
			return invalidArg(option, "want a non-empty %s value without control characters (such as CR or LF)", header)
		}
		m := make(map[string]string, len(c.shared)+1)
		for k, x := range c.shared {
			m[k] = x
		}
		m[header] = v
		c.shared = m
		return nil
	}}
}

// validHeaderName reports whether name is an HTTP token (RFC 9110 5.1).
func validHeaderName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// applyCall returns the settings of one call: the client's defaults with
// opts applied. Without options it is the defaults themselves.
func (c *Client) applyCall(opts []RequestOption) (callSettings, error) {
	cs := c.call
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.applyRequest(&cs); err != nil {
			return cs, err
		}
	}
	return cs, nil
}
