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
// (see codec.go for the JSON codec). A body whose Content-Length is over
// the cap is refused before a byte of it is read. See
// DefaultMaxResponseBytes for the memory a body costs.
func (c *Client) decode(req *http.Request, resp *http.Response, out any) error {
	f := bodyFailure{req: req, resp: resp, max: c.maxBody}
	if resp.ContentLength > c.maxBody {
		// Closed unread: net/http then drops the connection instead of
		// draining the body (roundTrip's deferred Close is a no-op after).
		_ = resp.Body.Close()
		return f.err(fmt.Errorf("%w: body of %d bytes (its Content-Length) exceeds %d bytes (raise the cap with WithMaxResponseBytes)",
			ErrResponseTooLarge, resp.ContentLength, c.maxBody), nil)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, text.ExcerptLen))
		return f.err(errors.New("content type is not JSON"), head)
	}
	body := &cappedReader{r: resp.Body, left: c.maxBody}
	if raw, ok := out.(*rawObject); ok {
		return c.decodeRaw(f, body, resp.ContentLength, raw)
	}
	return c.decodeStream(f, body, resp.ContentLength, out)
}

// bytesPerValue is the fewest body bytes per JSON value the client decodes
// into a model without question. The size cap bounds a body's bytes, not
// what they decode into: 20 MiB of empty objects ("{},{},...", 3 bytes
// each) would become seven million structs, about 400 MB. Every JSON value
// costs at least a few dozen bytes decoded, so the client also bounds the
// values: one per 16 bytes of the cap (1.3 million at the default), twice
// as many as the densest real job log has (a log of 100,000 validation
// errors spends about 34 bytes per value). The ...Raw methods keep bytes,
// not values, and are bounded by the cap alone.
const bytesPerValue = 16

// valueBudget is how many JSON values a body under a cap of maxBody bytes
// may hold.
func valueBudget(maxBody int64) int64 { return max(maxBody/bytesPerValue, 4096) }

// errTooManyValues is the error of a body with more JSON values than its
// budget. It matches ErrResponseTooLarge.
var errTooManyValues = fmt.Errorf("%w: the body holds more JSON values than a job log has (more than one per %d bytes of the size cap; raise the cap with WithMaxResponseBytes, or read it with a ...Raw method)", ErrResponseTooLarge, bytesPerValue)

// valueCounter counts the JSON values that pass through it (each object,
// array and comma outside strings starts one) and fails with
// errTooManyValues past its budget, before the decoder builds them. It is
// a byte scan, not a parse: the decoder still judges the JSON.
type valueCounter struct {
	r        io.Reader
	left     int64
	inString bool
	escaped  bool
}

func (v *valueCounter) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	if !v.scan(p[:n]) {
		return 0, errTooManyValues
	}
	return n, err
}

// scan counts the values that start in p and reports whether the budget
// still holds. Strings, most of a job log's bytes, are skipped with
// bytes.IndexByte rather than looked at byte by byte, so the scan costs a
// few percent of the decode.
func (v *valueCounter) scan(p []byte) bool {
	nextBackslash := -2 // index of the next '\\' at or after i; -1 none; -2 not looked for
	for i := 0; i < len(p); {
		if !v.inString {
			switch p[i] {
			case '"':
				v.inString = true
			case '{', '[', ',':
				if v.left--; v.left < 0 {
					return false
				}
			}
			i++
			continue
		}
		if v.escaped {
			v.escaped = false
			i++
			continue
		}
		if nextBackslash == -2 || (nextBackslash >= 0 && nextBackslash < i) {
			if j := bytes.IndexByte(p[i:], '\\'); j >= 0 {
				nextBackslash = i + j
			} else {
				nextBackslash = -1
			}
		}
		q := bytes.IndexByte(p[i:], '"')
		switch {
		case nextBackslash >= 0 && (q < 0 || nextBackslash < i+q):
			v.escaped = true
			i = nextBackslash + 1
		case q < 0:
			return true // the rest of p is inside the string
		default:
			v.inString = false
			i += q + 1
		}
	}
	return true
}

// bodyFailure makes the *ResponseError of a 2xx body that could not be
// decoded.
type bodyFailure struct {
	req  *http.Request
	resp *http.Response
	max  int64
}

func (f bodyFailure) err(err error, head []byte) error {
	return &ResponseError{
		StatusCode: f.resp.StatusCode, ContentType: f.resp.Header.Get("Content-Type"),
		Method: f.req.Method, Path: f.req.URL.Path, Excerpt: text.Excerpt(head), Err: err,
	}
}

func (f bodyFailure) tooLarge() error {
	return f.err(fmt.Errorf("%w: body exceeds %d bytes (raise the cap with WithMaxResponseBytes)", ErrResponseTooLarge, f.max), nil)
}

// decodeStream decodes the JSON value of body, of size bytes (-1 if
// unknown), into out as it arrives, then checks that nothing but whitespace
// follows it.
func (c *Client) decodeStream(f bodyFailure, body io.Reader, size int64, out any) error {
	body = &valueCounter{r: body, left: valueBudget(c.maxBody)}
	// rec keeps the first bytes read, so a decode error can quote them.
	rec := &headRecorder{r: body}
	dec := newBodyDecoder(rec, size, c.codec)
	defer dec.release()
	if err := dec.Decode(out); err != nil {
		switch {
		case errors.Is(err, errTooManyValues):
			return f.err(err, nil)
		case errors.Is(err, ErrResponseTooLarge):
			return f.tooLarge()
		case errors.Is(err, io.EOF): // the decoder's EOF: nothing but whitespace came
			return f.err(errors.New("empty body, want a JSON object"), nil)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return f.err(fmt.Errorf("body ends before the JSON value does (truncated): %w", io.ErrUnexpectedEOF), rec.head)
		case isSyntaxError(err), isTypeError(err), !rec.readFailed(err):
			// Not a read error: the JSON, or a value in it that does not
			// fit its field (a date-time that does not parse, say).
			return f.err(fmt.Errorf("malformed JSON: %w", err), rec.head)
		}
		return f.err(fmt.Errorf("reading the body: %w", err), rec.head)
	}
	// Whatever follows the value must be whitespace. It is scanned, not
	// decoded: decoding a value there would buffer it whole, up to the cap.
	switch err := dec.skipSpace(); {
	case err == nil:
		return nil
	case errors.Is(err, errTrailingData):
		return f.err(errors.New("unexpected data after the JSON value"), rec.head)
	case errors.Is(err, ErrResponseTooLarge):
		return f.tooLarge()
	case errors.Is(err, io.ErrUnexpectedEOF):
		return f.err(fmt.Errorf("body ends before its declared length (truncated): %w", io.ErrUnexpectedEOF), rec.head)
	default: // the body could not be read to its end (reset, timeout)
		return f.err(fmt.Errorf("reading the body: %w", err), rec.head)
	}
}

// decodeRaw reads the body whole for the ...Raw methods and keeps it as it
// arrived: one slice of the body's size, checked by encoding/json's
// scanner (which allocates nothing) and kept without a copy. Decoding it as
// a value instead held it whole in the decoder's buffer, which doubles as
// it grows, and then copied it: about 4 times the body in all
// (BenchmarkDecodeMemory), against once (twice for a chunked body, read in
// pieces joined at the end).
func (c *Client) decodeRaw(f bodyFailure, body io.Reader, size int64, out *rawObject) error {
	buf, err := readAll(body, size)
	if errors.Is(err, ErrResponseTooLarge) {
		return f.tooLarge()
	}
	if err == nil {
		if v := bytes.Trim(buf, " \t\r\n"); len(v) > 0 && v[0] == '{' && json.Valid(v) {
			*out = v
			return nil
		}
	}
	// Not one JSON object, or not read to its end: the same verdict as Get
	// gives it, from the same decode path run again on the bytes that came
	// (and the error that ended them), into a value that keeps nothing.
	replay := io.MultiReader(bytes.NewReader(buf), errReader{err})
	var skip struct{}
	if err := c.decodeStream(f, replay, int64(len(buf)), &skip); err != nil && !isTypeError(err) {
		return err
	}
	// Valid JSON, but null, an array, a string or a number.
	return f.err(fmt.Errorf("malformed JSON: %w", errNotObject), buf[:min(len(buf), text.ExcerptLen)])
}

// errNotObject is the error of a ...Raw method's body that is valid JSON
// but not an object.
var errNotObject = &json.UnmarshalTypeError{Value: "non-object", Type: reflect.TypeFor[rawObject](), Field: "body"}

// errReader returns err, or io.EOF if err is nil.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// readAll reads r to its end, and returns what it read with the error
// that ended it (nil at io.EOF). A body of known size (size >= 0) is read
// into one slice of that size; a body of unknown size into pieces that
// double up to 4 MiB, joined once at the end, so that it is never held more
// than twice (io.ReadAll's growth by copying can hold it three times).
func readAll(r io.Reader, size int64) ([]byte, error) {
	var full [][]byte
	var total int
	buf := make([]byte, 0, max(size, 511)+1) // +1: room for the read that meets the end
	for {
		if len(buf) == cap(buf) {
			full, total = append(full, buf), total+len(buf)
			buf = make([]byte, 0, min(2*cap(buf), 4<<20))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == nil {
			continue
		}
		if err == io.EOF {
			err = nil
		}
		if full == nil {
			return buf, err
		}
		joined := make([]byte, 0, total+len(buf))
		for _, p := range full {
			joined = append(joined, p...)
		}
		return append(joined, buf...), err
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
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '{' && json.Valid(t) {
		e.raw = t
	}
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
		return errNotObject
	}
	*r = append((*r)[:0], b...)
	return nil
}
