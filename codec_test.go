package losant

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// codecSeeds are bodies on which JSON codecs are known to disagree with
// encoding/json; the codec must agree with it on every one.
var codecSeeds = []string{
	// keys match fields case-insensitively, with Unicode folding (ſ is s, K is k)
	`{"Status":"completed"}`, `{"STATUS":"completed"}`, `{"ſtatus":"completed"}`, `{"input":{"ownerType":"x","OWNERTYPE":"y"}}`,
	// repeated keys: the last wins; objects merge
	`{"status":"a","status":"b"}`, `{"progress":{"completed":1},"progress":{"total":2}}`, `{"progress":{"completed":1},"progress":null}`,
	// invalid UTF-8 and lone surrogates become U+FFFD; escapes
	"{\"name\":\"\xff\xfe\"}", `{"name":"\ud800"}`, `{"name":"\ud83d\ude00 \u00e9"}`, `{"name":"\/\b\f\n\r\t\"\\"}`, `{"name":"a\u0000b"}`,
	// null
	`{"name":null,"progress":null,"output":{"validationErrors":null}}`, `{"output":{"validationErrors":[null,{"id":null}]}}`,
	`{"input":{"emails":["a",null,"b"]}}`, `{"runQueuedAt":null}`, `null`,
	// numbers: exact, out of range, malformed
	`{"input":{"start":1749528000123,"end":9007199254740991}}`, `{"progress":{"completed":9007199254740993}}`,
	`{"input":{"start":1e400}}`, `{"input":{"start":-0}}`, `{"input":{"start":1E+2}}`, `{"input":{"start":0.1e-400}}`,
	`{"input":{"start":01}}`, `{"input":{"start":"1"}}`, `{"input":{"start":.5}}`, `{"input":{"start":1.}}`,
	`{"progress":{"completed":2.2250738585072011e-308}}`, `{"progress":{"completed":1.7976931348623159e308}}`,
	// times keep milliseconds; bad ones fail
	`{"runCompletedAt":"2025-06-10T06:07:42.123+02:00"}`, `{"runQueuedAt":"2025-06-10T04:00:00.000z"}`, `{"runQueuedAt":"bad"}`,
	// wrong types, wrong shapes, trailing data, truncation, emptiness
	`{"status":7}`, `{"output":{"noChanges":"true"}}`, `{"output":{"downloadUrls":"x"}}`, `[1,2]`, `"x"`,
	`{"name":"x"} {"x":1}`, `{"name":"x"}x`, `{"name":"x"}   `, `{"name":"x"`, `{"a":[`, ``, " \n\t", "\ufeff{}",
	// unknown fields and deep nesting
	`{"brandNew":{"nested":[1,{"a":"\"}"}]},"status":"paused"}`, strings.Repeat(`{"x":`, 200) + strings.Repeat(`}`, 200),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
}

// FuzzCodecMatchesEncodingJSON decodes a body through the SDK's decode path,
// read in pieces of a fuzzed size as a network delivers it, and through
// encoding/json (the same path with encoding/json as its codec), and
// requires the same verdict, the same kind of error and the same value.
func FuzzCodecMatchesEncodingJSON(f *testing.F) {
	for _, s := range codecSeeds {
		f.Add([]byte(s), uint16(0))
		f.Add([]byte(s), uint16(1))
	}
	full, err := os.ReadFile("testdata/joblog-full.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(full, uint16(0))
	f.Add(full, uint16(7))
	f.Add(full, uint16(511))
	c, err := NewClient(WithToken(benchToken))
	if err != nil {
		f.Fatal(err)
	}
	std := *c
	std.codec = stdCodec
	// size is the body's Content-Length, or -1 for a body of unknown
	// length (which decode reads through a bigger buffer).
	response := func(r io.Reader, size int64) *http.Response {
		return &http.Response{
			StatusCode: http.StatusOK, ContentLength: size,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(r),
		}
	}
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, piece uint16) {
		var r io.Reader = bytes.NewReader(body)
		switch {
		case piece == 1:
			r = iotest.OneByteReader(r)
		case piece > 1:
			r = &pieceReader{r: r, n: int(piece)}
		}
		var got ApplicationJobLog
		size := int64(len(body))
		if piece%2 == 1 {
			size = -1
		}
		gerr := c.decode(req, response(r, size), &got)
		var want ApplicationJobLog
		werr := std.decode(req, response(bytes.NewReader(body), size), &want)
		if gkind, wkind := decodeKind(gerr), decodeKind(werr); gkind != wkind {
			t.Fatalf("%q: the SDK says %q (%v), encoding/json says %q (%v)", body, gkind, gerr, wkind, werr)
		}
		if gerr == nil {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%q decodes unlike encoding/json (-want +got):\n%s", body, diff)
			}
		}
	})
}

// pieceReader returns at most n bytes a read.
type pieceReader struct {
	r io.Reader
	n int
}

func (p *pieceReader) Read(b []byte) (int, error) {
	if len(b) > p.n {
		b = b[:p.n]
	}
	return p.r.Read(b)
}

// stdCodec is encoding/json's streaming decoder, the codec the SDK had
// before it measured faster ones.
func stdCodec(r io.Reader) streamDecoder { return json.NewDecoder(r) }

// decodeKind names the outcome of decode: "ok", or what the error says
// before its first colon ("malformed JSON", "empty body, want a JSON
// object", ...), which is decode's own wording, not the codec's.
func decodeKind(err error) string {
	if err == nil {
		return "ok"
	}
	var re *ResponseError
	if !errors.As(err, &re) {
		return "not a *ResponseError: " + err.Error()
	}
	kind, _, _ := strings.Cut(re.Err.Error(), ":")
	return kind
}
