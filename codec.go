package losant

import (
	"bufio"
	"errors"
	"io"
	"sync"
)

// The JSON codec of response bodies.
//
// Bodies are decoded by github.com/goccy/go-json's streaming Decoder
// (codec_goccy.go), which decodes as encoding/json does: same values, same
// verdicts, errors of the same kinds (their texts may differ in detail,
// such as how a type error names the field). It was chosen by measuring
// (bench_test.go, bench/run.sh, README "Performance"): on a 1 MB job log it
// decodes more than twice as fast as encoding/json and allocates less, and,
// unlike decoding from a buffer of the whole body, it never holds the body
// whole: it reads 512 bytes at a time, so the heap a decode needs is about
// the decoded value. What "as encoding/json does" means here, and how it is
// checked:
//
//   - object keys match struct fields case-insensitively, as encoding/json
//     matches them (Losant's keys are exact; "Status" would still fill
//     Status), and a repeated key keeps the last value;
//   - invalid UTF-8 in a string becomes U+FFFD; null leaves a field nil;
//   - numbers are parsed by strconv, so 9007199254740991 and 1749528000123
//     come through exactly, and 1e400 is an error as it is for encoding/json;
//   - unknown fields are skipped; anything after the value but whitespace
//     is refused (response.go).
//
// FuzzCodecMatchesEncodingJSON (codec_test.go) decodes arbitrary bodies,
// read in arbitrary pieces, both ways and requires the same result, and
// FuzzDecodeJobLog checks the whole Get path against encoding/json.
//
// Building with -tags losant_stdjson swaps in encoding/json (codec_std.go):
// the same behaviour, slower, without the dependency.

// bodyReadSize is the buffer between a large body and the decoder. The
// decoder asks for 512 bytes at a time; reading the connection in bigger
// pieces saves system calls on large bodies. A body known to be smaller is
// read as it is (net/http already buffers 4 KiB of the connection).
const bodyReadSize = 64 << 10

// bodyReaders recycles the buffers of bodyReadSize.
var bodyReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, bodyReadSize) }}

// bodyDecoder decodes the JSON value of one body. Call release when done.
type bodyDecoder struct {
	br  *bufio.Reader // nil for a small body
	src io.Reader     // what dec reads: br, or the body itself
	dec streamDecoder
}

// streamDecoder is the part of json.Decoder that decode uses.
type streamDecoder interface {
	Decode(v any) error
	// Buffered returns what the decoder has read past its last value.
	Buffered() io.Reader
}

// errTrailingData is skipSpace's error for a byte that is not whitespace.
var errTrailingData = errors.New("data after the JSON value")

// newBodyDecoder returns a decoder of the JSON values of r, a body of size
// bytes (-1 if unknown), made by codec, or by the package's codec when codec
// is nil (tests compare codecs this way).
func newBodyDecoder(r io.Reader, size int64, codec func(io.Reader) streamDecoder) *bodyDecoder {
	if codec == nil {
		codec = newStreamDecoder
	}
	if size >= 0 && size < bodyReadSize {
		return &bodyDecoder{src: r, dec: codec(r)}
	}
	br := bodyReaders.Get().(*bufio.Reader)
	br.Reset(r)
	return &bodyDecoder{br: br, src: br, dec: codec(br)}
}

func (d *bodyDecoder) Decode(v any) error { return d.dec.Decode(v) }

// skipSpace reads the rest of the body after the decoded value, keeping
// nothing: it returns nil at the end of the body, errTrailingData at the
// first byte that is not JSON whitespace, or the error reading failed with.
// (Decoding what follows as a value, as a second Decode would, buffers it
// whole: a body of "{}" and a long array would cost memory up to the cap.)
func (d *bodyDecoder) skipSpace() error {
	r := io.MultiReader(d.dec.Buffered(), d.src)
	var buf [512]byte
	for {
		n, err := r.Read(buf[:])
		for _, b := range buf[:n] {
			if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
				return errTrailingData
			}
		}
		switch err {
		case nil:
		case io.EOF:
			return nil
		default:
			return err
		}
	}
}

// release returns the read buffer to its pool; the body is not referenced
// any more.
func (d *bodyDecoder) release() {
	if d.br != nil {
		d.br.Reset(nil)
		bodyReaders.Put(d.br)
	}
	d.br, d.src, d.dec = nil, nil, nil
}
