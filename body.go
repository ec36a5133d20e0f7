package losant

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"os"
	"strings"

	"github.com/losant-go/losant-go/internal/ops"
)

// requestBody is the body of one request: how to read it (again, when it
// can be), its length when known, and its content type.
type requestBody struct {
	contentType string
	// size is the body's length, -1 when unknown (sent chunked).
	size int64
	// open returns a reader of the whole body. It is called once per
	// attempt; rereadable says whether a second call gives the same bytes.
	open       func() (io.ReadCloser, error)
	rereadable bool
}

// jsonBody encodes v, a request body model, checked against openapi.yaml's
// component schema first. A nil v is no body, or an error when the body
// is required.
func jsonBody[T any](schema string, v *T, required bool) (*requestBody, error) {
	if v == nil {
		if required {
			return nil, invalidArg("body", "is nil; the operation needs a *%s", schema)
		}
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, invalidArg("body", "does not encode as JSON: %v", marshalCause(err))
	}
	if err := checkJSON("body", schema, raw); err != nil {
		return nil, err
	}
	return &requestBody{
		contentType: "application/json",
		size:        int64(len(raw)),
		open:        func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil },
		rereadable:  true,
	}, nil
}

// marshalCause is the error a value's MarshalJSON returned, without
// encoding/json's "json: error calling MarshalJSON for type ..." wrapper,
// which names Go types rather than the problem.
func marshalCause(err error) error {
	var me *json.MarshalerError
	if errors.As(err, &me) && me.Err != nil {
		return me.Err
	}
	return err
}

// checkJSON checks raw against openapi.yaml's schema: an
// *InvalidArgumentError naming the field (body.email, say) when it breaks
// it.
func checkJSON(arg, schema string, raw []byte) error {
	if err := ops.CheckJSON(schema, raw); err != nil {
		var pe *ops.PathError
		if errors.As(err, &pe) && pe.Path != "" {
			return invalidArg(arg+"."+pe.Path, "%s (see openapi.yaml's %s)", pe.Problem, schema)
		}
		return invalidArg(arg, "%v (see openapi.yaml's %s)", err, schema)
	}
	return nil
}

// multipartBody lays out a multipart/form-data body as a sequence of
// segments: the small parts (their headers, strings, JSON) as bytes, the
// files as the caller's readers, read only while the request is sent. So a
// file of any size costs a fixed amount of memory, and, when every file's
// length is known, so is the body's, up front. (mime/multipart's Writer
// writes parts to a writer, which would need a pipe and a goroutine to
// stream, and could not tell the length; it still writes every header and
// boundary here.)
type multipartBody struct {
	buf      bytes.Buffer
	w        *multipart.Writer
	segments []segment
	err      error
}

// segment is a run of bytes (data) or a file (r).
type segment struct {
	data  []byte
	r     io.Reader
	start int64 // r's offset when the body was made, to read it again
}

func (m *multipartBody) writer() *multipart.Writer {
	if m.w == nil {
		m.w = multipart.NewWriter(&m.buf)
		// A random boundary, as multipart.NewWriter makes, in hex.
		var b [16]byte
		_, _ = rand.Read(b[:])
		_ = m.w.SetBoundary("losant-go-" + hex.EncodeToString(b[:]))
	}
	return m.w
}

// cut ends the current run of bytes.
func (m *multipartBody) cut() {
	if m.buf.Len() > 0 {
		m.segments = append(m.segments, segment{data: bytes.Clone(m.buf.Bytes())})
		m.buf.Reset()
	}
}

// file adds a file part of the given content type whose content is read
// from r as it is sent.
func (m *multipartBody) file(name, filename, contentType string, r io.Reader) {
	if filename == "" {
		filename = name
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", multipart.FileContentDisposition(name, filename))
	h.Set("Content-Type", contentType)
	if _, err := m.writer().CreatePart(h); err != nil && m.err == nil {
		m.err = err
	}
	m.cut()
	seg := segment{r: r, start: -1}
	if s, ok := r.(io.Seeker); ok {
		if off, err := s.Seek(0, io.SeekCurrent); err == nil {
			seg.start = off
		}
	}
	m.segments = append(m.segments, seg)
}

// field adds a text part.
func (m *multipartBody) field(name, value string) {
	if err := m.writer().WriteField(name, value); err != nil && m.err == nil {
		m.err = err
	}
}

// json adds a part holding v as JSON, checked against openapi.yaml's
// schema first.
func (m *multipartBody) json(name, schema string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return invalidArg("body."+name, "does not encode as JSON: %v", marshalCause(err))
	}
	if err := checkJSON("body."+name, schema, raw); err != nil {
		return err
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)+`"`)
	h.Set("Content-Type", "application/json")
	part, err := m.writer().CreatePart(h)
	if err == nil {
		_, err = part.Write(raw)
	}
	if err != nil && m.err == nil {
		m.err = err
	}
	return nil
}

// body ends the form and returns it as a request body.
func (m *multipartBody) body() (*requestBody, error) {
	w := m.writer()
	if err := w.Close(); err != nil && m.err == nil {
		m.err = err
	}
	if m.err != nil {
		return nil, fmt.Errorf("losant: laying out the multipart body: %w", m.err)
	}
	m.cut()
	segs := m.segments
	size, known, rereadable := int64(0), true, true
	for _, s := range segs {
		if s.r == nil {
			size += int64(len(s.data))
			continue
		}
		if s.start < 0 {
			rereadable = false
		}
		n := readerLen(s.r)
		known = known && n >= 0
		size += n
	}
	if !known {
		size = -1
	}
	open := func() (io.ReadCloser, error) {
		readers := make([]io.Reader, len(segs))
		for i, s := range segs {
			switch {
			case s.r == nil:
				readers[i] = bytes.NewReader(s.data)
			case s.start >= 0:
				// Rewound on every read, the first included (a no-op
				// then), so a retry or net/http's GetBody gets the file
				// from where the body began.
				if _, err := s.r.(io.Seeker).Seek(s.start, io.SeekStart); err != nil {
					return nil, fmt.Errorf("losant: rewinding a file part to send it again: %w", err)
				}
				readers[i] = s.r
			default:
				readers[i] = s.r
			}
		}
		return io.NopCloser(io.MultiReader(readers...)), nil
	}
	return &requestBody{contentType: w.FormDataContentType(), size: size, open: open, rereadable: rereadable}, nil
}

// readerLen is how many bytes r has left to read, or -1 when it cannot
// tell: known for an *os.File of a regular file and for readers with a Len
// method (bytes.Reader, strings.Reader, bytes.Buffer).
func readerLen(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case *os.File:
		fi, err := r.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		off, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		return fi.Size() - off
	}
	return -1
}
