package losant

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/losant-go/losant-go/internal/spec"
)

// ApplicationJobLogService reads application job logs. Reach it as
// Client.ApplicationJobLog.
type ApplicationJobLogService struct {
	c     *Client
	op    *spec.Operation
	route route
}

func newApplicationJobLogService(c *Client) (*ApplicationJobLogService, error) {
	op, err := spec.Op("getApplicationJobLog")
	if err != nil {
		return nil, err
	}
	r, err := newRoute(c.server, op)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(r.params, []string{"applicationId", "jobId"}) {
		return nil, fmt.Errorf("losant: operation %s: path parameters %v, want applicationId then jobId", op.ID, r.params)
	}
	return &ApplicationJobLogService{c: c, op: op, route: r}, nil
}

// Get returns the job log with the given ID in the given application: its
// status, progress counters, error, input and output.
//
// Both IDs must be 24 hexadecimal characters; anything else fails with an
// error matching ErrInvalidArgument and sends nothing. A non-2xx answer is
// an *APIError matching ErrNotFound, ErrUnauthorized, ErrForbidden,
// ErrRateLimited, ErrBadRequest or ErrServerError.
//
// Losant API docs: https://docs.losant.com/rest-api/applicationjoblog/#get
//
// GET /applications/{applicationId}/jobLogs/{jobId}
func (s *ApplicationJobLogService) Get(ctx context.Context, applicationID, jobID string) (*ApplicationJobLog, error) {
	var log ApplicationJobLog
	if err := s.get(ctx, applicationID, jobID, &log); err != nil {
		return nil, err
	}
	return &log, nil
}

// GetRaw returns the job log exactly as the API sent it: the bytes of its
// JSON object, fields this SDK does not model and Losant's own number and
// timestamp spelling included (for archiving a response, or printing it as
// it came). It checks its arguments, retries and fails as Get does; a body
// that is not one JSON object is a *ResponseError.
//
// GET /applications/{applicationId}/jobLogs/{jobId}
func (s *ApplicationJobLogService) GetRaw(ctx context.Context, applicationID, jobID string) (json.RawMessage, error) {
	var raw rawObject
	if err := s.get(ctx, applicationID, jobID, &raw); err != nil {
		return nil, err
	}
	return json.RawMessage(raw), nil
}

// get checks the IDs, then sends the request and decodes the job log into out.
func (s *ApplicationJobLogService) get(ctx context.Context, applicationID, jobID string, out any) error {
	if err := s.checkIDs(applicationID, jobID); err != nil {
		return err
	}
	req, err := http.NewRequest(s.op.Method, s.route.url(applicationID, jobID), nil)
	if err != nil {
		return fmt.Errorf("losant: building the request: %w", err)
	}
	return s.c.send(ctx, req, out)
}

// rawObject keeps the bytes of one JSON object as they arrived.
type rawObject []byte

// UnmarshalJSON copies b, which the decoder has checked is one JSON value,
// if it is an object.
func (r *rawObject) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return &json.UnmarshalTypeError{Value: "non-object", Type: reflect.TypeFor[rawObject](), Field: "job log"}
	}
	*r = append((*r)[:0], b...)
	return nil
}

// checkIDs validates the path parameters against openapi.yaml before any
// request exists, so a value such as "../me" can never reach another path.
func (s *ApplicationJobLogService) checkIDs(applicationID, jobID string) error {
	for _, p := range [...]struct{ name, value string }{
		{"applicationId", applicationID}, {"jobId", jobID},
	} {
		if err := s.op.CheckPathParam(p.name, p.value); err != nil {
			return invalidArg(p.name, "%s is not a Losant ID (24 hexadecimal characters): %v", quoteShort(p.value), err)
		}
	}
	return nil
}

// quoteShort quotes v for an error message, cut to a readable length.
func quoteShort(v string) string {
	const maxLen = 40
	if len(v) > maxLen {
		return strconv.Quote(v[:maxLen]) + "..."
	}
	return strconv.Quote(v)
}

// route builds the URLs of one operation: its path template and default
// query from openapi.yaml, resolved once against the client's base URL.
// It makes the URL the generated client (generated.NewGet...Request) makes,
// with one parse per request instead of three and no reflection.
type route struct {
	// parts[i] is the text before params[i]; the last part ends the URL,
	// query included.
	parts  []string
	params []string
	size   int // of the parts together
}

// newRoute splits op's path at its {parameters}, each part resolved
// against server (which ends with a slash) as the generated client
// resolves "./" + path.
func newRoute(server string, op *spec.Operation) (route, error) {
	base, err := url.Parse(server)
	if err != nil {
		return route{}, fmt.Errorf("losant: base URL %q: %w", server, err)
	}
	// The base with its dot segments resolved, as ResolveReference leaves
	// it under the operation's path.
	prefix := base.ResolveReference(&url.URL{Path: "./"}).String()
	var r route
	text := prefix
	rest := strings.TrimPrefix(op.Path, "/")
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return route{}, fmt.Errorf("losant: operation %s: unbalanced braces in path %q", op.ID, op.Path)
		}
		r.parts = append(r.parts, text+rest[:open])
		r.params = append(r.params, rest[open+1:open+end])
		text, rest = "", rest[open+end+1:]
	}
	last := text + rest
	if op.DefaultQuery != "" {
		last += "?" + op.DefaultQuery
	}
	r.parts = append(r.parts, last)
	for _, p := range r.parts {
		r.size += len(p)
	}
	return r, nil
}

// url returns the operation's URL with its parameters replaced by values,
// in the order of r.params, path-escaped. Values must have passed checkIDs:
// a dot segment such as ".." would not be resolved.
func (r route) url(values ...string) string {
	var b strings.Builder
	b.Grow(r.size + 24*len(r.params))
	for i, v := range values {
		b.WriteString(r.parts[i])
		b.WriteString(url.PathEscape(v))
	}
	b.WriteString(r.parts[len(r.parts)-1])
	return b.String()
}
