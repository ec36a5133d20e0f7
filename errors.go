package losant

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/losant-go/losant-go/internal/text"
)

// Sentinel errors. Match them with errors.Is; reach the details with
// errors.As and *APIError, *InvalidArgumentError or *ResponseError.
var (
	// ErrInvalidArgument: the caller passed a value the API would refuse
	// (an ID that is not 24 hexadecimal characters, an empty token, a
	// malformed base URL). Nothing was sent.
	ErrInvalidArgument = errors.New("losant: invalid argument")

	// ErrBadRequest: the API answered 400 (malformed request).
	ErrBadRequest = errors.New("losant: bad request")
	// ErrUnauthorized: the API answered 401 (missing, expired or unknown token).
	ErrUnauthorized = errors.New("losant: unauthorized")
	// ErrForbidden: the API answered 403 (the token lacks an accepted scope).
	ErrForbidden = errors.New("losant: forbidden")
	// ErrNotFound: the API answered 404 (no such application or job log).
	ErrNotFound = errors.New("losant: not found")
	// ErrRateLimited: the API answered 429; APIError.RetryAfter says how
	// long it asked the caller to wait.
	ErrRateLimited = errors.New("losant: rate limited")
	// ErrServerError: the API (or a proxy in front of it) answered 5xx.
	ErrServerError = errors.New("losant: server error")

	// ErrInvalidResponse: a 2xx response could not be decoded: it was
	// empty, not JSON, truncated, or not of a JSON content type.
	ErrInvalidResponse = errors.New("losant: invalid response")
	// ErrResponseTooLarge: a response body was larger than the client's
	// cap (see WithMaxResponseBytes). The rest of the body was not read.
	ErrResponseTooLarge = errors.New("losant: response too large")
)

// APIError is a non-2xx answer from the API. Type and Message come from
// Losant's error body ({"type": ..., "message": ...}); when the body is not
// that JSON (a proxy's HTML page, an empty body) they are empty and Body
// holds a short excerpt of what arrived.
type APIError struct {
	// StatusCode is the HTTP status code, such as 404.
	StatusCode int
	// Type is Losant's error type, such as "NotFound" or "Validation".
	Type string
	// Message is Losant's error message, for a person to read.
	Message string
	// RetryAfter is the wait the server asked for in a Retry-After header
	// (either form), or 0 when it sent none.
	RetryAfter time.Duration
	// Method and Path name the request that failed (never its headers).
	Method, Path string
	// Body is a short, printable excerpt of a body that was not Losant's
	// error JSON; empty otherwise.
	Body string
	// AcceptedScopes lists, on a 403, the token scopes the operation
	// accepts (from openapi.yaml): the token needs one of them.
	AcceptedScopes []string

	// raw is the error body when it was a JSON object (at most 64 KiB):
	// what Decode reads.
	raw []byte
}

// Decode decodes the error's JSON body into v: the details an answer
// carries beside type and message, such as the validationErrors of a 422
// (decode it into a ValidationErrors). It fails when the body was not a
// JSON object.
func (e *APIError) Decode(v any) error {
	if len(e.raw) == 0 {
		return fmt.Errorf("losant: the %d answer's body was not a JSON object", e.StatusCode)
	}
	return json.Unmarshal(e.raw, v)
}

// Error describes the failure in one line: request, status and Losant's
// type and message (or the body excerpt).
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("losant: ")
	if e.Method != "" {
		b.WriteString(e.Method + " " + e.Path + ": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	switch {
	case e.Type != "" || e.Message != "":
		b.WriteString(": ")
		if e.Type != "" {
			b.WriteString(e.Type)
			if e.Message != "" {
				b.WriteString(": ")
			}
		}
		b.WriteString(e.Message)
	case e.Body != "":
		b.WriteString(": body: " + strconv.Quote(e.Body))
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (retry after " + e.RetryAfter.String() + ")")
	}
	if len(e.AcceptedScopes) > 0 {
		b.WriteString(" (the call needs a token with one of the scopes " + strings.Join(e.AcceptedScopes, ", ") + ")")
	}
	return b.String()
}

// Is lets errors.Is match an APIError against the sentinel for its status:
// ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited
// or ErrServerError.
func (e *APIError) Is(target error) bool {
	return target != nil && statusSentinel(e.StatusCode) == target
}

// Temporary reports whether the same request may succeed if sent again:
// 429, 502, 503 and 504, exactly the answers the client itself retries.
// For callers that decide on their own whether to try again (after the
// client's retries ran out, say).
func (e *APIError) Temporary() bool { return retryableStatus(e.StatusCode) }

func statusSentinel(code int) error {
	switch {
	case code == http.StatusBadRequest:
		return ErrBadRequest
	case code == http.StatusUnauthorized:
		return ErrUnauthorized
	case code == http.StatusForbidden:
		return ErrForbidden
	case code == http.StatusNotFound:
		return ErrNotFound
	case code == http.StatusTooManyRequests:
		return ErrRateLimited
	case code >= 500 && code <= 599:
		return ErrServerError
	}
	return nil
}

// InvalidArgumentError is an argument refused before any request was sent.
// It matches ErrInvalidArgument.
type InvalidArgumentError struct {
	// Name is the argument, such as "applicationId" or "WithBaseURL".
	Name string
	// Reason says what is wrong and, where it helps, what is expected.
	Reason string
}

// Error names the argument and what is wrong with it.
func (e *InvalidArgumentError) Error() string {
	return "losant: invalid " + e.Name + ": " + e.Reason
}

// Is makes errors.Is(err, ErrInvalidArgument) true.
func (e *InvalidArgumentError) Is(target error) bool { return target == ErrInvalidArgument }

func invalidArg(name, format string, args ...any) error {
	return &InvalidArgumentError{Name: name, Reason: fmt.Sprintf(format, args...)}
}

// ResponseError is a 2xx response the client could not turn into a result:
// the wrong content type, an empty or truncated body, malformed JSON, or a
// body over the size cap. It matches ErrInvalidResponse, or
// ErrResponseTooLarge for an oversized body, and unwraps to the decoder's
// error.
type ResponseError struct {
	StatusCode  int
	ContentType string
	Method      string
	Path        string
	// Excerpt is the start of the body, made printable and short.
	Excerpt string
	Err     error
}

// Error names the request, status, content type and what could not be
// decoded, with the start of the body.
func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("losant: %s %s: %d response", e.Method, e.Path, e.StatusCode)
	if e.ContentType != "" {
		msg += " (" + text.SingleLine(e.ContentType) + ")"
	}
	msg += ": " + e.Err.Error()
	if e.Excerpt != "" {
		msg += ": body starts " + strconv.Quote(e.Excerpt)
	}
	return msg
}

// Is matches ErrInvalidResponse (and ErrResponseTooLarge through Unwrap).
func (e *ResponseError) Is(target error) bool { return target == ErrInvalidResponse }

// Unwrap returns the underlying decode or read error.
func (e *ResponseError) Unwrap() error { return e.Err }

// ErrMaybeDelivered matches the error of a call that is not idempotent (a
// POST, such as starting an export or an import) and failed after its
// request may have reached the API: a connection cut or a timeout after
// sending, a 5xx answer, or a 2xx answer that could not be read. The call
// may have taken effect, so check (list the application's job logs, say)
// before sending it again. The error still matches what went wrong
// (errors.As with *APIError, errors.Is with ErrTimeout...). A call the API
// refused (a 4xx answer), or that failed before sending, does not match.
var ErrMaybeDelivered = errors.New("losant: the request may have reached the API")

// maybeDeliveredError marks an error as ErrMaybeDelivered.
type maybeDeliveredError struct{ err error }

func (e *maybeDeliveredError) Error() string {
	return e.err.Error() + " (the request may have reached the API and taken effect: check before sending it again)"
}
func (e *maybeDeliveredError) Unwrap() error        { return e.err }
func (e *maybeDeliveredError) Is(target error) bool { return target == ErrMaybeDelivered }

// mayHaveTakenEffect reports whether a call that failed with err, after
// its request was sent, may have done what it asked: not when the API
// answered that it refused it (4xx).
func mayHaveTakenEffect(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	var ie *InvalidArgumentError
	return !errors.As(err, &ie)
}
