package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DownloadPathPrefix is where, under Options.BasePath, the handler serves
// the zips of finished exports. It is not an operation of openapi.yaml:
// like Losant's storage host, it answers pre-signed URLs, with no token,
//
//	GET {BasePath}/_downloads/{24 hex digits}.zip?expires={unix seconds}&signature={hex}
//
// and a URL that is altered or past its expiry is answered 403. It answers
// Range, If-Range and conditional requests (the zip's ETag is fixed).
const DownloadPathPrefix = "/_downloads/"

// DefaultDownloadTTL is the default of Options.DownloadTTL.
const DefaultDownloadTTL = time.Hour

// downloadName is the file name of an export zip in a download URL.
var downloadName = regexp.MustCompile(`^[0-9a-f]{24}\.zip$`)

// fileStore keeps the handler's files (export zips, uploads being
// imported) in a directory of its own, made on first use, and signs and
// serves the download URLs of the zips. The signature is an HMAC-SHA256,
// under a key drawn when the handler is made, of the file name and the
// expiry: written here rather than taken from a library because a storage
// SDK's presigner signs for its own service, and this is ten lines.
type fileStore struct {
	base string // Options.TempDir
	key  [32]byte
	ttl  time.Duration
	errs *errorWriter

	mu      sync.Mutex
	dir     string // "" until the first file
	closed  bool
	expires map[string]time.Time // signed files, by name: removed once their URL has expired
}

func newFileStore(opts Options, errs *errorWriter) (*fileStore, error) {
	if opts.DownloadTTL < 0 {
		return nil, fmt.Errorf("api: DownloadTTL %v is negative", opts.DownloadTTL)
	}
	f := &fileStore{base: opts.TempDir, ttl: opts.DownloadTTL, errs: errs, expires: map[string]time.Time{}}
	if f.ttl == 0 {
		f.ttl = DefaultDownloadTTL
	}
	_, _ = rand.Read(f.key[:]) // crypto/rand.Read never fails
	return f, nil
}

// create makes a new file in the store's directory; pattern is as for
// os.CreateTemp.
func (f *fileStore) create(pattern string) (*os.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, errClosed
	}
	f.sweepLocked()
	if f.dir == "" {
		dir, err := os.MkdirTemp(f.base, "losant-api-")
		if err != nil {
			return nil, fmt.Errorf("api: making the directory for exports and uploads: %w", err)
		}
		f.dir = dir
	}
	return os.CreateTemp(f.dir, pattern)
}

// sweepLocked removes the files whose download URL has expired, so that
// a long-running server does not keep every export it ever made.
func (f *fileStore) sweepLocked() {
	now := time.Now()
	for name, at := range f.expires {
		if now.Before(at) {
			continue
		}
		if err := os.Remove(filepath.Join(f.dir, name)); err == nil || errors.Is(err, fs.ErrNotExist) {
			delete(f.expires, name)
		}
	}
}

// path returns where the file name is kept, or "" when there is no such
// directory.
func (f *fileStore) path(name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dir == "" || f.closed {
		return ""
	}
	return filepath.Join(f.dir, name)
}

// close removes the directory and everything in it.
func (f *fileStore) close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	if f.dir == "" {
		return nil
	}
	dir := f.dir
	f.dir = ""
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("api: removing the exports and uploads: %w", err)
	}
	return nil
}

func (f *fileStore) signature(name string, expires int64) string {
	m := hmac.New(sha256.New, f.key[:])
	fmt.Fprintf(m, "GET\n%s\n%d", name, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// downloadURL returns the pre-signed URL of the file name, valid for the
// store's TTL from now, under origin (scheme, host and base path).
func (f *fileStore) downloadURL(origin, name string) string {
	expires := time.Now().Add(f.ttl).Unix()
	f.mu.Lock()
	f.expires[name] = time.Unix(expires, 0)
	f.mu.Unlock()
	q := url.Values{"expires": {strconv.FormatInt(expires, 10)}, "signature": {f.signature(name, expires)}}
	return origin + DownloadPathPrefix + name + "?" + q.Encode()
}

// serveDownload answers a download URL.
func (f *fileStore) serveDownload(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		f.errs.write(w, http.StatusMethodNotAllowed, typeMethodNotAllowed, "Method "+r.Method+" is not allowed on a download URL; allowed: GET, HEAD")
		return
	}
	_, name, _ := strings.Cut(r.URL.Path, DownloadPathPrefix)
	if !downloadName.MatchString(name) {
		f.errs.routeNotFound(w, r)
		return
	}
	q := r.URL.Query()
	expires, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err != nil || !hmac.Equal([]byte(q.Get("signature")), []byte(f.signature(name, expires))) {
		f.errs.write(w, http.StatusForbidden, typeForbidden,
			"The download URL's signature does not match: use the URL exactly as the job log gives it")
		return
	}
	if time.Now().Unix() >= expires { // expires is the first second the URL is refused
		f.errs.write(w, http.StatusForbidden, typeForbidden, fmt.Sprintf(
			"The download URL expired at %s: export again for a fresh one", time.Unix(expires, 0).UTC().Format(time.RFC3339)))
		return
	}
	p := f.path(name)
	file, err := os.Open(p)
	if p == "" || errors.Is(err, fs.ErrNotExist) {
		f.errs.write(w, http.StatusNotFound, typeNotFound, "The export "+name+" is no longer kept by this server: export again")
		return
	}
	if err != nil {
		f.errs.serverError(w, r, err)
		return
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		f.errs.serverError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	// The zip never changes once written, so its name is a strong ETag,
	// which makes If-Range work for a resumed download.
	h.Set("ETag", `"`+strings.TrimSuffix(name, ".zip")+`"`)
	http.ServeContent(w, r, name, info.ModTime(), file)
}
