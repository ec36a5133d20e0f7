package losant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/losant-go/losant-go/internal/ops"
	"github.com/losant-go/losant-go/internal/retryafter"
	"github.com/losant-go/losant-go/internal/text"
)

// maxErrorBody caps how much of a non-2xx body is read: Losant's error JSON
// is tiny, and a proxy's HTML page only needs an excerpt.
const maxErrorBody = 64 << 10

// maxDrain bounds how much unread body is discarded so the connection can
// be reused; anything longer is cheaper to close.
const maxDrain = 256 << 10

// decode reads a 2xx JSON body into out, streaming it through the size cap
// (see codec.go for the JSON codec).
func (c *Client) decode(req *http.Request, resp *http.Response, out any) error {
	fail := func(err error, head []byte) error {
		return &ResponseError{
			StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"),
			Method: req.Method, Path: req.URL.Path, Excerpt: text.Excerpt(head), Err: err,
		}
	}
	tooLarge := func() error {
		return fail(fmt.Errorf("%w: body exceeds %d bytes (raise the cap with WithMaxResponseBytes)", ErrResponseTooLarge, c.maxBody), nil)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, text.ExcerptLen))
		return fail(errors.New("content type is not JSON"), head)
	}
	body := &cappedReader{r: resp.Body, left: c.maxBody}
	// rec keeps the first bytes read, so a decode error can quote them.
	rec := &headRecorder{r: body}
	dec := newBodyDecoder(rec, resp.ContentLength, c.codec)
	defer dec.release()
	if err := dec.Decode(out); err != nil {
		switch {
		case errors.Is(err, ErrResponseTooLarge):
			return tooLarge()
		case errors.Is(err, io.EOF): // the decoder's EOF: nothing but whitespace came
			return fail(errors.New("empty body, want a JSON object"), nil)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return fail(fmt.Errorf("body ends before the JSON value does (truncated): %w", io.ErrUnexpectedEOF), rec.head)
		case isSyntaxError(err), isTypeError(err), !rec.readFailed(err):
			// Not a read error: the JSON, or a value in it that does not
			// fit its field (a date-time that does not parse, say).
			return fail(fmt.Errorf("malformed JSON: %w", err), rec.head)
		}
		return fail(fmt.Errorf("reading the body: %w", err), rec.head)
	}
	// Whatever follows the value must be whitespace.
	var extra rawMessage
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
		return nil
	case errors.Is(err, ErrResponseTooLarge):
		return tooLarge()
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fail(fmt.Errorf("body ends before its declared length (truncated): %w", io.ErrUnexpectedEOF), rec.head)
	case err == nil, isSyntaxError(err):
		return fail(errors.New("unexpected data after the JSON value"), rec.head)
	default: // the body could not be read to its end (reset, timeout)
		return fail(fmt.Errorf("reading the body: %w", err), rec.head)
	}
}

// apiError turns a non-2xx response to op into an *APIError.
func (c *Client) apiError(op *ops.Operation, req *http.Request, resp *http.Response) error {
	e := &APIError{StatusCode: resp.StatusCode, Method: req.Method, Path: req.URL.Path}
	if resp.StatusCode == http.StatusForbidden {
		e.AcceptedScopes = op.Scopes
	}
	if d, ok := retryafter.Parse(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, min(c.maxBody, maxErrorBody)))
	drain(resp.Body)
	var le errorBody
	if json.Unmarshal(body, &le) == nil && (le.Type != nil || le.Message != nil) {
		e.Type, e.Message = text.SingleLine(le.GetType()), text.SingleLine(le.GetMessage())
	} else {
		e.Body = text.Excerpt(bytes.TrimSpace(body))
	}
	return e
}

// drain discards up to maxDrain bytes so that the connection can go back
// to the pool.
func drain(r io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(r, maxDrain)) }

// isJSON reports whether a Content-Type names JSON (application/json or a
// +json type).
func isJSON(ct string) bool {
	switch ct {
	case "application/json", "application/json; charset=utf-8":
		return true // Losant's answers, known without parsing
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// cappedReader reads at most left bytes from r and then fails with
// ErrResponseTooLarge if r has more. io.LimitReader alone would report a
// clean EOF and hide the overflow.
type cappedReader struct {
	r    io.Reader
	left int64
}

func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		n, err := c.r.Read(one[:])
		if n > 0 {
			return 0, ErrResponseTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// headRecorder remembers the first text.ExcerptLen bytes that pass through it,
// and the first error reading failed with.
type headRecorder struct {
	r    io.Reader
	head []byte
	err  error
}

func (h *headRecorder) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if room := text.ExcerptLen - len(h.head); room > 0 && n > 0 {
		h.head = append(h.head, p[:min(n, room)]...)
	}
	if err != nil && h.err == nil {
		h.err = err
	}
	return n, err
}

// readFailed reports whether err is the body failing to be read (a reset,
// a timeout), rather than its JSON failing to decode.
func (h *headRecorder) readFailed(err error) bool {
	return h.err != nil && h.err != io.EOF && errors.Is(err, h.err)
}

// rawObject keeps the bytes of one JSON object as they arrived: the ...Raw
// methods decode into it.
type rawObject []byte

// UnmarshalJSON copies b, which the decoder has checked is one JSON value,
// if it is an object.
func (r *rawObject) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return &json.UnmarshalTypeError{Value: "non-object", Type: reflect.TypeFor[rawObject](), Field: "body"}
	}
	*r = append((*r)[:0], b...)
	return nil
}
