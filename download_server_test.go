package losant_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

// The signed query of every download URL in these tests. No error, log line
// or progress report may ever show either value.
const (
	secretSig  = "s3cr3tSignatureValue0123"
	secretCred = "AKIDsecretCredential42"
	signedPath = "/exports/app.zip"
	signedQ    = "?X-Amz-Signature=" + secretSig + "&X-Amz-Credential=" + secretCred + "&v=1"
)

// storage is a loopback stand-in for a storage host serving one pre-signed
// file. It records every request's headers; respond decides each answer
// (n counts requests from 1), by default the file with http.ServeContent,
// which honours Range and If-Range.
type storage struct {
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	headers []http.Header
	queries []string
	respond func(w http.ResponseWriter, r *http.Request, n int)
}

func newStorage(t *testing.T, respond func(w http.ResponseWriter, r *http.Request, n int)) *storage {
	t.Helper()
	s := &storage{t: t, respond: respond}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.headers = append(s.headers, r.Header.Clone())
		s.queries = append(s.queries, r.URL.RawQuery)
		n := len(s.headers)
		s.mu.Unlock()
		s.respond(w, r, n)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// url is the signed URL of the file.
func (s *storage) url() string { return s.srv.URL + signedPath + signedQ }

func (s *storage) requests() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.headers...)
}

// serveFile answers r with content as a static file would, with the given
// validators ("" leaves one out).
func serveFile(w http.ResponseWriter, r *http.Request, content io.ReadSeeker, etag string, modified time.Time) {
	if etag != "" {
		w.Header().Set("Etag", etag)
	}
	w.Header().Set("Content-Type", "application/zip")
	http.ServeContent(w, r, "app.zip", modified, content)
}

// cutWriter passes left bytes of the body and then drops the connection
// mid-body, as a failing network does.
type cutWriter struct {
	http.ResponseWriter
	left int
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if len(p) <= c.left {
		c.left -= len(p)
		return c.ResponseWriter.Write(p)
	}
	_, _ = c.ResponseWriter.Write(p[:c.left])
	c.ResponseWriter.(http.Flusher).Flush()
	panic(http.ErrAbortHandler) // net/http closes the connection, quietly
}

// cutOnce serves content, cutting the first answer after left bytes.
func cutOnce(content []byte, left int, etag string, modified time.Time) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w = &cutWriter{ResponseWriter: w, left: left}
		}
		serveFile(w, r, readerOf(content), etag, modified)
	}
}

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(n int, seed uint64) []byte {
	b := make([]byte, n)
	var s [32]byte
	s[0] = byte(seed)
	_, _ = rand.NewChaCha8(s).Read(b)
	return b
}

var lastModified = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// newDownloadClient returns a client whose API is elsewhere: a download
// must not need it. It carries a custom header and a losantdomain that must
// never reach a storage host.
func newDownloadClient(t *testing.T, opts ...losant.Option) *losant.Client {
	t.Helper()
	all := append([]losant.Option{
		losant.WithToken(testToken), losant.WithBaseURL("http://127.0.0.1:9/api"),
		losant.WithRetryPolicy(fastRetries), losant.WithHeader("X-Custom", "client-wide"),
		losant.WithLosantDomain("example.losant.com"),
	}, opts...)
	c, err := losant.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// noSecrets fails the test if s shows the token or the URL's signed query.
func noSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{testToken, secretSig, secretCred} {
		if strings.Contains(s, secret) {
			t.Errorf("%s shows a secret (%s): %s", what, secret, s)
		}
	}
}

func sum(b []byte) [32]byte { return sha256.Sum256(b) }

// wantSame fails the test unless got holds exactly want.
func wantSame(t *testing.T, got, want []byte) {
	t.Helper()
	if len(got) != len(want) || sum(got) != sum(want) {
		t.Fatalf("downloaded %d bytes (sha256 %x), want %d bytes (sha256 %x)", len(got), sum(got), len(want), sum(want))
	}
}

// cleanHeaders fails the test unless every request carried only what a
// download sends: no token, none of the client's API headers.
func cleanHeaders(t *testing.T, reqs []http.Header) {
	t.Helper()
	if len(reqs) == 0 {
		t.Fatal("no request reached the storage host")
	}
	for i, h := range reqs {
		for _, name := range []string{"Authorization", "Accept-Version", "X-Custom", "Losantdomain", "Cookie", "Referer"} {
			if v, ok := h[name]; ok {
				t.Errorf("request %d carries %s: %q", i+1, name, v)
			}
		}
		if got := h.Get("Accept-Encoding"); got != "identity" {
			t.Errorf("request %d: Accept-Encoding %q, want identity", i+1, got)
		}
		if ua := h.Get("User-Agent"); !strings.Contains(ua, "losant-go/") {
			t.Errorf("request %d: User-Agent %q does not name the SDK", i+1, ua)
		}
		noSecrets(t, "a request header", strings.Join(h.Values("Authorization"), ","))
	}
}

// patternFile is a large file that costs no memory: byte i is a function of
// i. It is an io.ReadSeeker for http.ServeContent.
type patternFile struct{ size, off int64 }

func patternByte(i int64) byte { return byte(i*7 + i>>9) }

func (p *patternFile) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(b)), p.size-p.off))
	for i := range n {
		b[i] = patternByte(p.off + int64(i))
	}
	p.off += int64(n)
	return n, nil
}

func (p *patternFile) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		p.off = offset
	case io.SeekCurrent:
		p.off += offset
	case io.SeekEnd:
		p.off = p.size + offset
	}
	return p.off, nil
}

// patternHash is the sha256 of a patternFile of size bytes.
func patternHash(size int64) [32]byte {
	h := sha256.New()
	_, _ = io.Copy(h, &patternFile{size: size})
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// readerOf returns a fresh ReadSeeker over b.
func readerOf(b []byte) io.ReadSeeker { return bytes.NewReader(b) }
