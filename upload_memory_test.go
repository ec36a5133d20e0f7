package losant_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// uploadSink is a loopback import endpoint that reads the multipart body
// part by part and discards it, keeping what the last request carried.
type uploadSink struct {
	srv *httptest.Server

	mu            sync.Mutex
	contentLength int64    // the request's Content-Length (-1: unknown)
	chunked       bool     // the body came chunked
	bodyBytes     int64    // bytes of the whole body read
	bundleBytes   int64    // bytes of the importBundle part
	bundleSum     [32]byte // sha256 of the importBundle part
	parts         []string // part names, in order
}

// countingReader counts what is read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

func newUploadSink(t *testing.T) *uploadSink {
	t.Helper()
	s := &uploadSink{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := &countingReader{r: r.Body}
		r.Body = io.NopCloser(body)
		mr, err := r.MultipartReader()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var parts []string
		var bundleBytes int64
		var sum [32]byte
		buf := make([]byte, 64<<10)
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			parts = append(parts, part.FormName())
			h := sha256.New()
			n, err := io.CopyBuffer(h, part, buf)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if part.FormName() == "importBundle" {
				bundleBytes = n
				h.Sum(sum[:0])
			}
		}
		_, _ = io.Copy(io.Discard, body) // the epilogue, if any
		s.mu.Lock()
		s.contentLength, s.chunked = r.ContentLength, len(r.TransferEncoding) > 0
		s.bodyBytes, s.bundleBytes, s.bundleSum, s.parts = body.n, bundleBytes, sum, parts
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, `{"jobId":"575ec76c7ae143cd83dc4a96","jobQueued":true,"success":true}`)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// lenPattern is a patternFile generated on the fly that also says how much
// is left, as bytes.Reader does: the form then knows its Content-Length.
type lenPattern struct{ patternFile }

func (p *lenPattern) Len() int { return int(p.size - p.off) }

// sparseFile is a temporary file of size zero bytes that takes no disk
// space (a hole), opened for reading.
func sparseFile(t *testing.T, size int64) *os.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if f, err = os.Open(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func zerosHash(size int64) [32]byte {
	h := sha256.New()
	_, _ = io.Copy(h, io.LimitReader(zeroReader{}, size))
	var out [32]byte
	h.Sum(out[:0])
	return out
}

type zeroReader struct{}

func (zeroReader) Read(b []byte) (int, error) { clear(b); return len(b), nil }

// TestImportMemoryIsFlat streams a 256 MiB bundle through
// Application.Import to a loopback server that discards it: the request
// carries a Content-Length computed before sending (from the *os.File's
// size, or the reader's Len), the server receives every byte, and the
// whole process (client and server) allocates a small fraction of the
// file while it passes.
func TestImportMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("256 MiB over loopback")
	}
	const size = 256 << 20
	// The bound: 1/64 of the file (4 MiB). A client that buffered the
	// bundle would allocate at least its size.
	const bound = size / 64
	tests := []struct {
		name   string
		bundle func(t *testing.T) io.Reader
		want   [32]byte
	}{
		{"an *os.File", func(t *testing.T) io.Reader { return sparseFile(t, size) }, zerosHash(size)},
		{"a reader with Len", func(*testing.T) io.Reader { return &lenPattern{patternFile{size: size}} }, patternHash(size)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := newUploadSink(t)
			c, err := losant.NewClient(losant.WithToken(testToken), losant.WithBaseURL(sink.srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.CloseIdleConnections)
			form := &losant.ApplicationImportForm{
				ImportBundle: tt.bundle(t), ImportBundleName: "export.zip", Email: "ops@example.com",
				Options: &losant.ImportIntoApplicationOptions{ConflictBehavior: ptr(losant.ApplicationImportConflictBehaviorReplace)},
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := c.Application.Import(context.Background(), "575ec8687ae143cd83dc4a97", form)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if res.StatusCode != http.StatusAccepted || res.JSON202 == nil || res.JSON202.JobID == nil {
				t.Fatalf("Import: status %d, %+v; want 202 with a job id", res.StatusCode, res.JSON202)
			}

			sink.mu.Lock()
			defer sink.mu.Unlock()
			if sink.chunked || sink.contentLength != sink.bodyBytes {
				t.Errorf("Content-Length %d (chunked %v) for a body of %d bytes: want it set, before sending, to the body's size",
					sink.contentLength, sink.chunked, sink.bodyBytes)
			}
			if sink.bodyBytes <= size {
				t.Errorf("body of %d bytes, want the %d-byte bundle and the other parts", sink.bodyBytes, size)
			}
			if sink.bundleBytes != size || !bytes.Equal(sink.bundleSum[:], tt.want[:]) {
				t.Errorf("the server received %d bytes of importBundle (sha256 match %v), want the %d sent",
					sink.bundleBytes, sink.bundleSum == tt.want, size)
			}
			if want := []string{"email", "importBundle", "options"}; !slices.Equal(sink.parts, want) {
				t.Errorf("parts %q, want %q", sink.parts, want)
			}

			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %d KiB while uploading %d MiB", allocated>>10, size>>20)
			if allocated > bound {
				t.Errorf("allocated %d bytes while uploading %d: over %d, memory grows with the file", allocated, size, bound)
			}
		})
	}
}
