package losant_test

// Downloads (issue 16, item 3): every test talks to a loopback storage
// server (download_server_test.go) that records what it was sent.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

// TestDownloadResumesCutTransfer cuts the first answer halfway: the download
// asks for the rest with Range, guarded by If-Range with the best validator
// the server gave, and the result is the file, byte for byte.
func TestDownloadResumesCutTransfer(t *testing.T) {
	content := randomBytes(3<<20+123, 1)
	half := len(content) / 2
	cases := []struct {
		name        string
		etag        string
		modified    time.Time
		wantIfRange string
	}{
		{"strong ETag", `"v1-abc"`, lastModified, `"v1-abc"`},
		{"weak ETag falls back to Last-Modified", `W/"v1-abc"`, lastModified, lastModified.Format(http.TimeFormat)},
		{"Last-Modified only", "", lastModified, lastModified.Format(http.TimeFormat)},
		{"no validator", "", time.Time{}, ""},
	}
	for _, tc := range cases {
		for _, dest := range []string{"Download", "DownloadFile"} {
			t.Run(tc.name+"/"+dest, func(t *testing.T) {
				st := newStorage(t, cutOnce(content, half, tc.etag, tc.modified))
				c := newDownloadClient(t)
				var progress []int64
				opt := losant.WithDownloadProgress(func(done, total int64) {
					if total != int64(len(content)) {
						t.Errorf("progress total %d, want %d", total, len(content))
					}
					progress = append(progress, done)
				})
				got, n, err := download(t, c, dest, st.url(), opt)
				if err != nil {
					t.Fatalf("%s: %v", dest, err)
				}
				if n != int64(len(content)) {
					t.Errorf("%s returned %d, want %d", dest, n, len(content))
				}
				wantSame(t, got, content)

				reqs := st.requests()
				cleanHeaders(t, reqs)
				if len(reqs) != 2 {
					t.Fatalf("%d requests, want 2 (the cut one and the resume)", len(reqs))
				}
				if r := reqs[0].Get("Range"); r != "" {
					t.Errorf("first request asks for Range %q", r)
				}
				if r, want := reqs[1].Get("Range"), fmt.Sprintf("bytes=%d-", half); r != want {
					t.Errorf("resume asks for Range %q, want %q", r, want)
				}
				if ir := reqs[1].Get("If-Range"); ir != tc.wantIfRange {
					t.Errorf("resume sends If-Range %q, want %q", ir, tc.wantIfRange)
				}
				for i := 1; i < len(progress); i++ {
					if progress[i] < progress[i-1] {
						t.Fatalf("progress went back from %d to %d with no restart", progress[i-1], progress[i])
					}
				}
				if len(progress) == 0 || progress[len(progress)-1] != int64(len(content)) {
					t.Errorf("progress did not end at %d: %v", len(content), progress[max(0, len(progress)-3):])
				}
			})
		}
	}
}

// download runs Download (into a buffer) or DownloadFile (into a new file in
// a temporary directory) and returns the bytes saved.
func download(t *testing.T, c *losant.Client, dest, url string, opts ...losant.DownloadOption) ([]byte, int64, error) {
	t.Helper()
	if dest == "Download" {
		var buf bytes.Buffer
		n, err := c.Download(context.Background(), url, &buf, opts...)
		return buf.Bytes(), n, err
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "app.zip")
	n, err := c.DownloadFile(context.Background(), url, path, opts...)
	onlyFile(t, dir, err == nil)
	if err != nil {
		return nil, n, err
	}
	b, rerr := os.ReadFile(path)
	if rerr != nil {
		t.Fatal(rerr)
	}
	return b, n, nil
}

// onlyFile fails the test unless dir holds app.zip (when want) and nothing
// else: no temporary file left behind.
func onlyFile(t *testing.T, dir string, want bool) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	wantNames := "[]"
	if want {
		wantNames = "[app.zip]"
	}
	if got := fmt.Sprint(names); got != wantNames {
		t.Errorf("the directory holds %s, want %s", got, wantNames)
	}
}

// TestDownloadStartsOverWhenRangeIgnored: a server that answers a resume
// with 200 and the whole file makes the download start over, into a file
// (rewound and truncated) or an *os.File; a writer that cannot be rewound
// gets a clear error instead of a corrupt file.
func TestDownloadStartsOverWhenRangeIgnored(t *testing.T) {
	content := randomBytes(1<<20, 2)
	ignoreRange := func(w http.ResponseWriter, r *http.Request, n int) {
		r.Header.Del("Range")
		if n == 1 {
			w = &cutWriter{ResponseWriter: w, left: len(content) / 3}
		}
		serveFile(w, r, readerOf(content), `"e1"`, lastModified)
	}
	t.Run("DownloadFile", func(t *testing.T) {
		st := newStorage(t, ignoreRange)
		var sawRestart bool
		var last int64
		got, _, err := download(t, newDownloadClient(t), "DownloadFile", st.url(),
			losant.WithDownloadProgress(func(done, _ int64) {
				if done < last {
					sawRestart = true
				}
				last = done
			}))
		if err != nil {
			t.Fatal(err)
		}
		wantSame(t, got, content)
		if !sawRestart {
			t.Error("progress never went back to the start")
		}
		if reqs := st.requests(); len(reqs) != 2 || reqs[1].Get("Range") == "" {
			t.Errorf("want a cut request and a Range request, got %d requests", len(reqs))
		}
	})
	t.Run("Download to an *os.File holding other data", func(t *testing.T) {
		st := newStorage(t, ignoreRange)
		f, err := os.Create(filepath.Join(t.TempDir(), "out"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		prefix := []byte("kept: written before the download\n")
		if _, err := f.Write(prefix); err != nil {
			t.Fatal(err)
		}
		n, err := newDownloadClient(t).Download(context.Background(), st.url(), f)
		if err != nil {
			t.Fatal(err)
		}
		if n != int64(len(content)) {
			t.Errorf("Download returned %d, want %d", n, len(content))
		}
		got, _ := os.ReadFile(f.Name())
		wantSame(t, got, append(prefix, content...))
	})
	t.Run("Download to a writer that cannot rewind", func(t *testing.T) {
		st := newStorage(t, ignoreRange)
		var buf bytes.Buffer
		n, err := newDownloadClient(t).Download(context.Background(), st.url(), &buf)
		var de *losant.DownloadError
		if !errors.Is(err, losant.ErrDownloadIncomplete) || !errors.As(err, &de) {
			t.Fatalf("err = %v, want a *DownloadError", err)
		}
		if !strings.Contains(err.Error(), "cannot be rewound") || de.Written != int64(len(content)/3) || n != de.Written {
			t.Errorf("err = %v (Written %d, n %d), want it to say the writer cannot be rewound after %d bytes", err, de.Written, n, len(content)/3)
		}
		noSecrets(t, "the error", fmtAll(err))
		if len(st.requests()) != 2 {
			t.Errorf("%d requests, want 2: the failure is final", len(st.requests()))
		}
	})
}

// TestDownloadIfRangeMismatchStartsOver: the file changes while the download
// is cut; the resume's If-Range no longer matches, the server sends the new
// file whole, and the download saves the new file, not a mix of both.
func TestDownloadIfRangeMismatchStartsOver(t *testing.T) {
	v1, v2 := randomBytes(1<<20, 3), randomBytes(1<<20+77, 4)
	st := newStorage(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			serveFile(&cutWriter{ResponseWriter: w, left: len(v1) / 2}, r, readerOf(v1), `"v1"`, time.Time{})
			return
		}
		serveFile(w, r, readerOf(v2), `"v2"`, time.Time{})
	})
	got, _, err := download(t, newDownloadClient(t), "DownloadFile", st.url())
	if err != nil {
		t.Fatal(err)
	}
	wantSame(t, got, v2)
	reqs := st.requests()
	if len(reqs) != 2 || reqs[1].Get("If-Range") != `"v1"` {
		t.Fatalf("want 2 requests, the second with If-Range \"v1\"; got %d", len(reqs))
	}
}

// TestDownloadNeverSendsAuthorization follows a redirect to another host
// and port, twice (the resume redirects too), and checks every request that
// reached either server: no token, no client-wide header.
func TestDownloadNeverSendsAuthorization(t *testing.T) {
	content := randomBytes(512<<10, 5)
	store := newStorage(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Query().Get("X-Amz-Signature") != secretSig {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		if n == 1 {
			w = &cutWriter{ResponseWriter: w, left: 1000}
		}
		serveFile(w, r, readerOf(content), `"r1"`, lastModified)
	})
	// The front redirects to the store on "localhost" (another host name
	// and port), as an API's short link to a storage host does.
	front := newStorage(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		target := strings.Replace(store.srv.URL, "127.0.0.1", "localhost", 1) + signedPath + signedQ
		http.Redirect(w, r, target, http.StatusFound)
	})
	got, _, err := download(t, newDownloadClient(t), "Download", front.srv.URL+"/short/abc?token-like="+secretCred)
	if err != nil {
		t.Fatal(err)
	}
	wantSame(t, got, content)
	cleanHeaders(t, front.requests())
	cleanHeaders(t, store.requests())
	if len(store.requests()) != 2 {
		t.Errorf("the store got %d requests, want 2", len(store.requests()))
	}

	t.Run("a redirect to plain http off loopback is refused", func(t *testing.T) {
		bad := newStorage(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			http.Redirect(w, r, "http://storage.invalid/x"+signedQ, http.StatusFound)
		})
		_, err := newDownloadClient(t).Download(context.Background(), bad.url(), io.Discard)
		if !errors.Is(err, losant.ErrInvalidArgument) || !strings.Contains(err.Error(), "refusing the redirect") {
			t.Fatalf("err = %v, want the redirect refused", err)
		}
		noSecrets(t, "the error", fmtAll(err))
	})
}

// TestDownloadLengthChecks: a server that lies about lengths or ranges gets
// a *DownloadError, never a silently wrong file.
func TestDownloadLengthChecks(t *testing.T) {
	content := randomBytes(64<<10, 6)
	half := len(content) / 2
	size := len(content)
	// resume answers the second request (the resume) with a made-up 206.
	resume := func(contentRange string, contentLength int, body []byte) func(w http.ResponseWriter, r *http.Request, n int) {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				serveFile(&cutWriter{ResponseWriter: w, left: half}, r, readerOf(content), `"x"`, time.Time{})
				return
			}
			w.Header().Set("Content-Range", contentRange)
			if contentLength >= 0 {
				w.Header().Set("Content-Length", strconv.Itoa(contentLength))
			}
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(body)
		}
	}
	rest := content[half:]
	cases := []struct {
		name    string
		respond func(w http.ResponseWriter, r *http.Request, n int)
		want    string
	}{
		{"206 body longer than its range", resume(fmt.Sprintf("bytes %d-%d/%d", half, size-1, size), -1, append(append([]byte{}, rest...), "extra"...)), "more than the"},
		{"206 Content-Length disagrees with Content-Range", resume(fmt.Sprintf("bytes %d-%d/%d", half, size-1, size), 10, rest[:10]), "Content-Length of 10"},
		{"206 from another offset", resume(fmt.Sprintf("bytes 0-%d/%d", size-1, size), size, content), "sent the range 0-"},
		{"206 of a file whose size changed", resume(fmt.Sprintf("bytes %d-%d/%d", half, size+9, size+10), len(rest)+10, append(append([]byte{}, rest...), "0123456789"...)), "size changed"},
		{"206 that leaves a hole", resume(fmt.Sprintf("bytes %d-%d/%d", half, size-2, size), len(rest)-1, rest[:len(rest)-1]), "asked for the rest"},
		{"206 of another file (If-Range ignored)", func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				serveFile(&cutWriter{ResponseWriter: w, left: half}, r, readerOf(content), `"v1"`, time.Time{})
				return
			}
			r.Header.Del("If-Range")
			serveFile(w, r, readerOf(randomBytes(size, 99)), `"v2"`, time.Time{}) // same size, other bytes
		}, "the file changed"},
		{"206 with a broken Content-Range", resume("bytes x-y/z", len(rest), rest), "unusable Content-Range"},
		{"206 to a whole-file request", func(w http.ResponseWriter, _ *http.Request, _ int) {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", size-1, size))
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(content)
		}, "whole file with 206"},
		{"chunked 200 longer than a known size after restart", func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				serveFile(&cutWriter{ResponseWriter: w, left: half}, r, readerOf(content), `"x"`, time.Time{})
				return
			}
			// A 206 claiming the rest, then more bytes than the rest, chunked.
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", half, size-1, size))
			w.WriteHeader(http.StatusPartialContent)
			_, _ = w.Write(rest)
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte("trailing garbage"))
		}, "more than the"},
	}
	for _, tc := range cases {
		for _, dest := range []string{"Download", "DownloadFile"} {
			t.Run(tc.name+"/"+dest, func(t *testing.T) {
				st := newStorage(t, tc.respond)
				_, _, err := download(t, newDownloadClient(t), dest, st.url())
				var de *losant.DownloadError
				if !errors.As(err, &de) || !errors.Is(err, losant.ErrDownloadIncomplete) {
					t.Fatalf("err = %v, want a *DownloadError", err)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("err = %v, want it to say %q", err, tc.want)
				}
				if de.URL != st.srv.URL+signedPath+"?[REDACTED]" {
					t.Errorf("DownloadError.URL = %q", de.URL)
				}
				noSecrets(t, "the error", fmtAll(err))
			})
		}
	}

	t.Run("cut every time: retries run out", func(t *testing.T) {
		st := newStorage(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			r.Header.Del("Range") // and no resume either: no progress past the first cut
			serveFile(&cutWriter{ResponseWriter: w, left: half}, r, readerOf(content), "", time.Time{})
		})
		_, _, err := download(t, newDownloadClient(t), "DownloadFile", st.url())
		var re *losant.RetryError
		if !errors.As(err, &re) || !errors.Is(err, losant.ErrDownloadIncomplete) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err = %v, want a *RetryError around a cut download", err)
		}
		if re.Attempts != fastRetries.MaxAttempts || len(st.requests()) != fastRetries.MaxAttempts+1 {
			// The first attempt brought bytes, so its resume was free.
			t.Errorf("%d attempts and %d requests, want %d and %d", re.Attempts, len(st.requests()), fastRetries.MaxAttempts, fastRetries.MaxAttempts+1)
		}
		noSecrets(t, "the error", fmtAll(err))
	})
}

// TestDownloadErrorStatus: an error status is an *APIError that names the
// URL without its query and quotes the body without the signature (S3
// quotes the request back), and only temporary statuses are retried.
func TestDownloadErrorStatus(t *testing.T) {
	s3Body := `<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><CanonicalQueryString>X-Amz-Credential=` +
		secretCred + `&X-Amz-Signature=` + secretSig + `</CanonicalQueryString></Error>`
	cases := []struct {
		status   int
		sentinel error
		requests int
	}{
		{http.StatusForbidden, losant.ErrForbidden, 1},
		{http.StatusNotFound, losant.ErrNotFound, 1},
		{http.StatusServiceUnavailable, losant.ErrServerError, fastRetries.MaxAttempts},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			st := newStorage(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, s3Body)
			})
			_, _, err := download(t, newDownloadClient(t), "DownloadFile", st.url())
			apiErr := isAPIError(t, err)
			if !errors.Is(err, tc.sentinel) || apiErr.StatusCode != tc.status {
				t.Fatalf("err = %v, want status %d matching %v", err, tc.status, tc.sentinel)
			}
			if apiErr.Path != st.srv.URL+signedPath+"?[REDACTED]" || !strings.Contains(apiErr.Body, "SignatureDoesNotMatch") {
				t.Errorf("Path %q, Body %q", apiErr.Path, apiErr.Body)
			}
			noSecrets(t, "the error", fmtAll(err))
			if n := len(st.requests()); n != tc.requests {
				t.Errorf("%d requests, want %d", n, tc.requests)
			}
		})
	}
	t.Run("503 then the file", func(t *testing.T) {
		content := randomBytes(10000, 7)
		st := newStorage(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", "0")
				http.Error(w, "slow down", http.StatusServiceUnavailable)
				return
			}
			serveFile(w, r, readerOf(content), "", time.Time{})
		})
		got, _, err := download(t, newDownloadClient(t), "Download", st.url())
		if err != nil {
			t.Fatal(err)
		}
		wantSame(t, got, content)
	})
}

// TestDownloadRefusesBadInput: bad arguments fail with ErrInvalidArgument
// before any request, and the error never quotes the URL's query.
func TestDownloadRefusesBadInput(t *testing.T) {
	st := newStorage(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		t.Error("a request was sent")
		w.WriteHeader(http.StatusTeapot)
	})
	c := newDownloadClient(t)
	good := st.url()
	cases := []struct {
		name string
		url  string
		w    io.Writer
		opts []losant.DownloadOption
	}{
		{"empty URL", "", io.Discard, nil},
		{"not a URL", "%zz" + signedQ, io.Discard, nil},
		{"ftp", "ftp://storage.example.com/app.zip" + signedQ, io.Discard, nil},
		{"relative", signedPath + signedQ, io.Discard, nil},
		{"plain http off loopback", "http://storage.example.com/app.zip" + signedQ, io.Discard, nil},
		{"credentials in the URL", "https://user:" + secretSig + "@storage.example.com/app.zip", io.Discard, nil},
		{"nil writer", good, nil, nil},
		{"WithOverwrite on Download", good, io.Discard, []losant.DownloadOption{losant.WithOverwrite()}},
		{"nil progress", good, io.Discard, []losant.DownloadOption{losant.WithDownloadProgress(nil)}},
		{"negative stall timeout", good, io.Discard, []losant.DownloadOption{losant.WithStallTimeout(-time.Second)}},
		{"bad retry policy", good, io.Discard, []losant.DownloadOption{losant.WithDownloadRetryPolicy(losant.RetryPolicy{})}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Download(context.Background(), tc.url, tc.w, tc.opts...)
			if !errors.Is(err, losant.ErrInvalidArgument) {
				t.Fatalf("err = %v, want ErrInvalidArgument", err)
			}
			noSecrets(t, "the error", fmtAll(err))
		})
	}
	t.Run("DownloadFile with an empty path", func(t *testing.T) {
		if _, err := c.DownloadFile(context.Background(), good, ""); !errors.Is(err, losant.ErrInvalidArgument) {
			t.Fatalf("err = %v, want ErrInvalidArgument", err)
		}
	})
	t.Run("plain http off loopback with WithInsecureAllowHTTP", func(t *testing.T) {
		c := newDownloadClient(t, losant.WithInsecureAllowHTTP())
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // accepted, then stopped before it dials
		_, err := c.Download(ctx, "http://storage.invalid/app.zip"+signedQ, io.Discard)
		if errors.Is(err, losant.ErrInvalidArgument) || !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want the URL accepted and the canceled context", err)
		}
		noSecrets(t, "the error", fmtAll(err))
	})
}

// TestDownloadFileExisting: an existing file is refused before anything is
// sent, and replaced with WithOverwrite; a file that appears during the
// download is not replaced.
func TestDownloadFileExisting(t *testing.T) {
	content := randomBytes(100000, 8)
	st := newStorage(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		serveFile(w, r, readerOf(content), `"f"`, time.Time{})
	})
	c := newDownloadClient(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.zip")
	old := []byte("an earlier export")
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := c.DownloadFile(context.Background(), st.url(), path)
	var pe *fs.PathError
	if !errors.Is(err, fs.ErrExist) || !errors.As(err, &pe) || pe.Path != path {
		t.Fatalf("err = %v, want an *fs.PathError matching fs.ErrExist", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, old) {
		t.Error("the existing file changed")
	}
	if n := len(st.requests()); n != 0 {
		t.Errorf("%d requests sent for a refused path", n)
	}

	n, err := c.DownloadFile(context.Background(), st.url(), path, losant.WithOverwrite())
	if err != nil || n != int64(len(content)) {
		t.Fatalf("WithOverwrite: %d, %v", n, err)
	}
	got, _ := os.ReadFile(path)
	wantSame(t, got, content)
	onlyFile(t, dir, true)
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}

	t.Run("a file that appears during the download", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.zip")
		other := []byte("written by someone else meanwhile")
		st := newStorage(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if err := os.WriteFile(path, other, 0o600); err != nil {
				t.Error(err)
			}
			serveFile(w, r, readerOf(content), "", time.Time{})
		})
		_, err := c.DownloadFile(context.Background(), st.url(), path)
		if !errors.Is(err, fs.ErrExist) {
			t.Fatalf("err = %v, want fs.ErrExist", err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, other) {
			t.Error("the file that appeared was replaced")
		}
		onlyFile(t, dir, true)
	})
}

// TestDownloadFileLeavesNothingOnFailure: a failed or canceled download
// leaves neither the file nor its temporary file.
func TestDownloadFileLeavesNothingOnFailure(t *testing.T) {
	content := randomBytes(1<<20, 9)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := newStorage(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			http.NotFound(w, r)
			return
		}
		// Cancel the caller's context halfway through the body.
		serveFile(&cancelWriter{ResponseWriter: w, left: len(content) / 2, cancel: cancel}, r, readerOf(content), "", time.Time{})
	})
	c := newDownloadClient(t)
	for _, want := range []error{losant.ErrNotFound, context.Canceled} {
		dir := t.TempDir()
		_, err := c.DownloadFile(ctx, st.url(), filepath.Join(dir, "app.zip"))
		if !errors.Is(err, want) {
			t.Fatalf("err = %v, want %v", err, want)
		}
		noSecrets(t, "the error", fmtAll(err))
		onlyFile(t, dir, false)
	}
}

// cancelWriter calls cancel once left bytes have passed, then goes on.
type cancelWriter struct {
	http.ResponseWriter
	left   int
	cancel func()
}

func (c *cancelWriter) Write(p []byte) (int, error) {
	if c.left -= len(p); c.left <= 0 && c.cancel != nil {
		c.ResponseWriter.(http.Flusher).Flush()
		c.cancel()
		c.cancel = nil
	}
	return c.ResponseWriter.Write(p)
}

// TestDownloadResumesAStall: a server that stops sending without closing
// the connection is dropped after the stall timeout and resumed.
func TestDownloadResumesAStall(t *testing.T) {
	content := randomBytes(256<<10, 10)
	st := newStorage(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			w.Header().Set("Etag", `"s"`)
			_, _ = w.Write(content[:1000])
			w.(http.Flusher).Flush()
			<-r.Context().Done() // hang until the client gives up on us
			return
		}
		serveFile(w, r, readerOf(content), `"s"`, time.Time{})
	})
	got, _, err := download(t, newDownloadClient(t), "Download", st.url(), losant.WithStallTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	wantSame(t, got, content)
	// A loaded machine may stall the resume too: at least the resume from
	// 1000 must be there.
	if reqs := st.requests(); len(reqs) < 2 || reqs[1].Get("Range") != "bytes=1000-" {
		t.Errorf("want a stalled request and a resume from 1000, got %d requests", len(reqs))
	}
}

// TestDownloadRetryBudgetExcludesTransfer: the retry policy bounds failures
// in a row. A long transfer that is cut, then a 503, is still retried under
// a MaxElapsed shorter than the transfer took.
func TestDownloadRetryBudgetExcludesTransfer(t *testing.T) {
	content := randomBytes(64<<10, 14)
	st := newStorage(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1: // a slow first half, then the cut
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			w.Header().Set("Etag", `"b"`)
			_, _ = w.Write(content[:1000])
			w.(http.Flusher).Flush()
			time.Sleep(1200 * time.Millisecond) // three times the policy's MaxElapsed
			(&cutWriter{ResponseWriter: w, left: 1000}).Write(content[1000:])
		case 2:
			http.Error(w, "busy", http.StatusServiceUnavailable)
		default:
			serveFile(w, r, readerOf(content), `"b"`, time.Time{})
		}
	})
	policy := losant.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond, MaxElapsed: 400 * time.Millisecond}
	got, _, err := download(t, newDownloadClient(t), "Download", st.url(), losant.WithDownloadRetryPolicy(policy))
	if err != nil {
		t.Fatal(err)
	}
	wantSame(t, got, content)
	if reqs := st.requests(); len(reqs) != 3 || reqs[2].Get("Range") != "bytes=2000-" {
		t.Errorf("want the cut, the 503 and a resume from 2000; got %d requests", len(reqs))
	}
}

// TestDownloadSlowWriterIsNotAStall: the stall clock stops while the
// destination writes, so a slow destination does not make the download
// drop a healthy connection. The server holds the second half of the body
// until the first write is done, which takes several stall timeouts.
func TestDownloadSlowWriterIsNotAStall(t *testing.T) {
	content := randomBytes(2000, 13)
	release := make(chan struct{})
	st := newStorage(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n > 1 {
			serveFile(w, r, readerOf(content), "", time.Time{})
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		_, _ = w.Write(content[:1000])
		w.(http.Flusher).Flush()
		select {
		case <-release:
			_, _ = w.Write(content[1000:])
		case <-r.Context().Done():
		}
	})
	var buf bytes.Buffer
	var once sync.Once
	slow := writerFunc(func(p []byte) (int, error) {
		once.Do(func() {
			time.Sleep(time.Second) // over three stall timeouts
			close(release)
		})
		return buf.Write(p)
	})
	_, err := newDownloadClient(t).Download(context.Background(), st.url(), slow, losant.WithStallTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	wantSame(t, buf.Bytes(), content)
	if n := len(st.requests()); n != 1 {
		t.Errorf("%d requests, want 1: the connection was dropped while the writer worked", n)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestDownloadLogsWithoutSecrets: the resume is logged, with the URL
// redacted.
func TestDownloadLogsWithoutSecrets(t *testing.T) {
	content := randomBytes(100000, 11)
	st := newStorage(t, cutOnce(content, 5000, `"l"`, time.Time{}))
	var logs syncBuffer
	c := newDownloadClient(t, losant.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if _, _, err := download(t, c, "Download", st.url()); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "resuming download") || !strings.Contains(out, "offset=5000") {
		t.Errorf("log does not show the resume: %s", out)
	}
	noSecrets(t, "the log", out)
}

// TestDownloadMemoryIsBounded downloads 64 MiB and checks that what the
// whole process allocated meanwhile (the loopback server included) is a
// small fraction of the file: the download streams through one buffer.
func TestDownloadMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB over loopback")
	}
	const size = 64 << 20
	st := newStorage(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		serveFile(w, r, &patternFile{size: size}, `"big"`, time.Time{})
	})
	c := newDownloadClient(t)
	h := sha256.New()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n, err := c.Download(context.Background(), st.url(), h)
	runtime.ReadMemStats(&after)
	if err != nil || n != size {
		t.Fatalf("Download: %d, %v", n, err)
	}
	if got := h.Sum(nil); !bytes.Equal(got, sumSlice(patternHash(size))) {
		t.Fatal("the downloaded bytes differ")
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d KiB while downloading %d MiB", allocated>>10, size>>20)
	if allocated > size/16 {
		t.Errorf("allocated %d bytes while downloading %d: memory grows with the file", allocated, size)
	}
}

func sumSlice(s [32]byte) []byte { return s[:] }
