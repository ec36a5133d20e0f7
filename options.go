package losant

import (
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// DefaultBaseURL is Losant's hosted API.
const DefaultBaseURL = "https://api.losant.com"

// DefaultMaxResponseBytes caps how much of one response body the client
// reads: 20 MiB, above the largest job log we know of (a log with 100,000
// validation errors is about 17 MiB; 20 MiB holds about 120,000), and low
// enough that `losant joblog get` of a job log stays under 200 MB of peak
// RSS (scripts/memory.sh). Raise it with WithMaxResponseBytes. A body
// whose Content-Length is over the cap is refused unread; docs/memory.md
// gives what a body under it costs.
const DefaultMaxResponseBytes int64 = 20 << 20

// An Option configures a Client. Pass options to NewClient; an option given
// an invalid value makes NewClient return an error matching
// ErrInvalidArgument. Options that also work for a single call
// (WithRetryPolicy, WithoutRetries, WithAttemptTimeout, WithHeader) are
// SharedOptions.
type Option interface {
	applyClient(*settings) error
}

// clientOption is an Option for NewClient only.
type clientOption func(*settings) error

func (f clientOption) applyClient(s *settings) error { return f(s) }

// settings is what the options fill in; NewClient validates and freezes it.
type settings struct {
	token   string
	baseURL string
	// baseURLFrom names where baseURL came from when not WithBaseURL (the
	// environment variable), for its error.
	baseURLFrom   string
	httpClient    *http.Client
	userAgent     string
	acceptVersion string
	maxBody       int64
	insecureHTTP  bool

	limiter *rate.Limiter
	logger  *slog.Logger
	notify  func(RetryNotice)

	// call holds the defaults of every call, which per-call options
	// (RequestOption) override.
	call callSettings
}

// redacted stands for the token wherever a Client is printed.
const redacted = "[REDACTED]"

// WithToken sets the API access token sent as "Authorization: Bearer
// <token>". It is required. The token is never printed: not in errors, not
// in log lines, not when a Client or Option is formatted.
func WithToken(token string) Option {
	return clientOption(func(s *settings) error {
		t := strings.TrimSpace(token)
		if t == "" {
			return invalidArg("WithToken", "the token is empty; create an API token in the Losant application (Security > API Tokens)")
		}
		if !validHeaderValue(t) {
			return invalidArg("WithToken", "the token holds a control character or a space")
		}
		s.token = t
		return nil
	})
}

// WithBaseURL sets the API's address, DefaultBaseURL unless told otherwise.
// It may carry a path prefix ("https://proxy.example.com/losant"). Plain
// http is accepted only for loopback hosts (such as the local API from
// package api), unless WithInsecureAllowHTTP is also given.
func WithBaseURL(rawURL string) Option {
	return clientOption(func(s *settings) error {
		s.baseURL, s.baseURLFrom = rawURL, ""
		return nil
	})
}

// WithInsecureAllowHTTP lets WithBaseURL name a plain-http address that is
// not on loopback. The token then crosses the network in clear text: use it
// only on a network you control.
func WithInsecureAllowHTTP() Option {
	return clientOption(func(s *settings) error {
		s.insecureHTTP = true
		return nil
	})
}

// WithHTTPClient makes the client send its requests through hc, for custom
// TLS, proxies or instrumentation. Its Timeout, Transport and redirect
// policy are used as they are. Without this option the client uses a
// transport tuned for an SDK (see NewClient).
func WithHTTPClient(hc *http.Client) Option {
	return clientOption(func(s *settings) error {
		if hc == nil {
			return invalidArg("WithHTTPClient", "the *http.Client is nil")
		}
		s.httpClient = hc
		return nil
	})
}

// WithUserAgent names the calling application in the User-Agent header,
// ahead of the SDK's own "losant-go/<version>", as in "myapp/1.2 losant-go/0.1.0".
func WithUserAgent(product string) Option {
	return clientOption(func(s *settings) error {
		p := strings.TrimSpace(product)
		if p == "" {
			return invalidArg("WithUserAgent", "the user agent is empty")
		}
		if !validHeaderValue(p) || strings.ContainsAny(p, "\r\n") {
			return invalidArg("WithUserAgent", "the user agent holds a control character (such as CR or LF)")
		}
		s.userAgent = p
		return nil
	})
}

// WithAcceptVersion overrides the Accept-Version header, by default the
// range "^" + the API version openapi.yaml describes (such as "^1.30.0").
func WithAcceptVersion(v string) Option {
	return clientOption(func(s *settings) error {
		v = strings.TrimSpace(v)
		if v == "" || !validHeaderValue(v) {
			return invalidArg("WithAcceptVersion", "want a non-empty semver range such as ^1.30.0")
		}
		s.acceptVersion = v
		return nil
	})
}

// WithMaxResponseBytes caps how many bytes of one response body the client
// reads (DefaultMaxResponseBytes unless told otherwise). A larger body fails
// with an error matching ErrResponseTooLarge.
func WithMaxResponseBytes(n int64) Option {
	return clientOption(func(s *settings) error {
		if n <= 0 {
			return invalidArg("WithMaxResponseBytes", "the cap must be positive, got %d", n)
		}
		s.maxBody = n
		return nil
	})
}

// validHeaderValue reports whether v can be sent as a header value as it is:
// printable ASCII or UTF-8, no control characters (CR and LF above all).
func validHeaderValue(v string) bool {
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// checkBaseURL parses and vets the base URL, returning it without a
// trailing slash.
func checkBaseURL(raw string, insecureHTTP bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, invalidArg("WithBaseURL", "%q does not parse as a URL: %v", raw, err)
	}
	raw = u.Redacted() // never echo a password back
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, invalidArg("WithBaseURL", "%q: want an http or https URL such as %s", raw, DefaultBaseURL)
	case u.Host == "":
		return nil, invalidArg("WithBaseURL", "%q has no host", raw)
	case u.User != nil:
		return nil, invalidArg("WithBaseURL", "the URL carries credentials; pass the token with WithToken")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, invalidArg("WithBaseURL", "%q: a base URL takes no query or fragment", raw)
	case u.Scheme == "http" && !insecureHTTP && !isLoopback(u.Hostname()):
		return nil, invalidArg("WithBaseURL", "%q is plain http to a host that is not loopback: the token would cross the network in clear text; use https (or add WithInsecureAllowHTTP)", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// isLoopback reports whether host is "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithRateLimit makes the client send at most perSecond requests a second,
// with bursts of up to burst, across every goroutine that shares it (the
// retries included). A call waits for its turn, or returns the context's
// error if the context ends first.
func WithRateLimit(perSecond float64, burst int) Option {
	return clientOption(func(s *settings) error {
		if perSecond <= 0 || burst < 1 {
			return invalidArg("WithRateLimit", "want perSecond > 0 and burst >= 1, got %v and %d", perSecond, burst)
		}
		s.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
		return nil
	})
}

// WithLogger makes the client log each retry (at Warn level: method, path,
// attempt, reason and wait). The token is never logged.
func WithLogger(l *slog.Logger) Option {
	return clientOption(func(s *settings) error {
		if l == nil {
			return invalidArg("WithLogger", "the logger is nil")
		}
		s.logger = l
		return nil
	})
}

// RetryNotice describes a retry the client is about to wait for, as
// WithRetryNotify hands it over.
type RetryNotice struct {
	// Method and Path are the request's (the path without the query).
	Method, Path string
	// Attempt is the attempt that failed, 1 for the first; MaxAttempts is
	// the policy's. The retry is attempt Attempt+1.
	Attempt, MaxAttempts int
	// Reason names the failure briefly: "503", "connection refused",
	// "attempt timeout"...
	Reason string
	// Wait is how long the client waits before the retry.
	Wait time.Duration
	// Err is the failed attempt's error.
	Err error
}

// WithRetryNotify makes the client call fn before each retry's wait, on
// the goroutine of the call, so a program can tell its user what it is
// waiting for (the CLI prints one line on stderr). fn must not block.
// RetryNotice holds no token.
func WithRetryNotify(fn func(RetryNotice)) Option {
	return clientOption(func(s *settings) error {
		if fn == nil {
			return invalidArg("WithRetryNotify", "the function is nil")
		}
		s.notify = fn
		return nil
	})
}
