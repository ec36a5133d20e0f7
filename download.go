package losant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/losant-go/losant-go/internal/retryafter"
	"github.com/losant-go/losant-go/internal/text"
)

// DefaultStallTimeout is how long a download waits for its next bytes
// before it gives up on the connection and resumes on a new one (see
// WithStallTimeout). A download has no overall time limit but its context:
// a large file on a slow link may take hours, so long as bytes keep coming.
const DefaultStallTimeout = 60 * time.Second

// downloadBufferSize is the one buffer a download copies through: its
// memory does not grow with the file. Measured with bench/dlbench on a
// 256 MiB file (medians of 7, loopback, a loaded 2-core machine): 32 KiB
// took 575 ms, 256 KiB 395 ms, 1 MiB 351 ms; 256 KiB keeps most of the gain
// for a quarter of the memory.
const downloadBufferSize = 256 << 10

// downloadBuffers keeps the buffers of finished downloads for the next
// ones: a program that downloads many files does not make the collector
// sweep a new 256 KiB each time.
var downloadBuffers = sync.Pool{New: func() any {
	b := make([]byte, downloadBufferSize)
	return &b
}}

// ErrDownloadIncomplete matches a download that did not end with the whole
// file: the connection kept being cut and the retries ran out, the server
// sent more or fewer bytes than it announced, it answered a different range
// than the one asked for, or it sent the file from its start again to a
// writer that cannot be rewound. errors.As with *DownloadError gives how
// far it got.
var ErrDownloadIncomplete = errors.New("losant: download incomplete")

// DownloadError is a download that stopped before it had the whole file,
// for a reason other than an HTTP error status (which is an *APIError) or a
// refused argument. It matches ErrDownloadIncomplete and unwraps to the
// failure behind it (such as io.ErrUnexpectedEOF for a cut connection).
type DownloadError struct {
	// URL is the address downloaded, without its query: a pre-signed URL
	// carries its credentials there, so no error ever shows it.
	URL string
	// Written is how many bytes reached the destination.
	Written int64
	// Total is the file's size as the server announced it, or -1 when it
	// announced none.
	Total int64
	// Reason says what went wrong, for a person to read.
	Reason string
	// Err is the failure behind Reason, or nil.
	Err error
}

// Error names the URL (without its query), how far the download got and
// what stopped it.
func (e *DownloadError) Error() string {
	var b strings.Builder
	b.WriteString("losant: download " + e.URL + ": " + e.Reason)
	if e.Total >= 0 {
		fmt.Fprintf(&b, " (%d of %d bytes written)", e.Written, e.Total)
	} else {
		fmt.Fprintf(&b, " (%d bytes written)", e.Written)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrDownloadIncomplete) true.
func (e *DownloadError) Is(target error) bool { return target == ErrDownloadIncomplete }

// Unwrap returns the failure behind the error, so that errors.Is finds a
// cut connection (io.ErrUnexpectedEOF) or a timeout (ErrTimeout).
func (e *DownloadError) Unwrap() error { return e.Err }

// A DownloadOption tunes Download and DownloadFile.
type DownloadOption interface {
	applyDownload(*downloadConfig) error
}

type downloadOption func(*downloadConfig) error

func (f downloadOption) applyDownload(c *downloadConfig) error { return f(c) }

type downloadConfig struct {
	progress  func(done, total int64)
	overwrite bool
	retry     RetryPolicy
	stall     time.Duration
	// wait are the options of Job.DownloadOutput's Wait (WithWait).
	wait []WaitOption
}

// WithDownloadProgress calls fn after every piece of the file written, from
// the goroutine that called Download, with the bytes written so far and the
// file's size (-1 while the server has not announced it). done starts again
// from 0 when the server sends the file from its start again (it ignored a
// Range request, or the file changed).
func WithDownloadProgress(fn func(done, total int64)) DownloadOption {
	return downloadOption(func(c *downloadConfig) error {
		if fn == nil {
			return invalidArg("WithDownloadProgress", "the function is nil")
		}
		c.progress = fn
		return nil
	})
}

// WithOverwrite lets DownloadFile replace a file that exists at its path.
// Without it, an existing file is refused before anything is sent. Download
// refuses it: it writes to the io.Writer it is given.
func WithOverwrite() DownloadOption {
	return downloadOption(func(c *downloadConfig) error {
		c.overwrite = true
		return nil
	})
}

// WithDownloadRetryPolicy sets how a download retries a connection that
// failed or was cut, and the temporary errors of storage servers (429, 502,
// 503 and 504), in place of the client's retry policy. Each retry resumes
// where the file was cut. An attempt that brought new bytes starts a fresh
// count, so the policy bounds failures in a row, not the size of the file.
func WithDownloadRetryPolicy(p RetryPolicy) DownloadOption {
	return downloadOption(func(c *downloadConfig) error {
		if err := p.check(); err != nil {
			return &InvalidArgumentError{Name: "WithDownloadRetryPolicy", Reason: err.(*InvalidArgumentError).Reason}
		}
		c.retry = p
		return nil
	})
}

// WithStallTimeout sets how long a download waits for bytes before it drops
// the connection and resumes on a new one (DefaultStallTimeout unless told
// otherwise); 0 waits as long as the context allows.
func WithStallTimeout(d time.Duration) DownloadOption {
	return downloadOption(func(c *downloadConfig) error {
		if d < 0 {
			return invalidArg("WithStallTimeout", "the timeout cannot be negative, got %v", d)
		}
		c.stall = d
		return nil
	})
}

// Download fetches the file at rawURL, such as a finished export's
// ApplicationJobLog output.downloadUrls[0], and writes it to w, returning
// how many bytes it wrote. These URLs are pre-signed storage addresses, so:
//
//   - It never sends the client's token, nor any header given with
//     WithHeader or a shared header option: only User-Agent and
//     Accept-Encoding: identity, to the URL and to every host it redirects
//     to (without the Referer Go would add). Nor does it wait for the
//     client's rate limiter, which paces calls to the Losant API. It goes
//     through the client's HTTP client: a Transport given WithHTTPClient
//     that adds headers of its own adds them here too.
//   - The URL must be https, or http to a loopback host (or any host, when
//     the client was made WithInsecureAllowHTTP). A bad URL fails with an
//     error matching ErrInvalidArgument before anything is sent.
//   - No error, log line or progress report holds the URL's query, where
//     such URLs carry their signature.
//
// It streams through one fixed buffer, whatever the file's size. When the
// connection is cut or stalls (WithStallTimeout), it asks for the rest with
// Range, guarded by If-Range when the server sent a strong ETag or a
// Last-Modified date, and retries by the client's retry policy (see
// WithDownloadRetryPolicy). If the server answers with the whole file
// instead of the rest, it starts over: w must then be an io.Seeker with a
// Truncate(int64) error method (an *os.File is), or the download fails
// with a *DownloadError. The bytes received are checked against
// Content-Length and Content-Range: too few are resumed, too many or a
// range other than the one asked for fail with a *DownloadError. An error
// status is an *APIError (errors.Is(err, ErrNotFound) for a 404, say), in a
// *RetryError when retries were made.
//
// To save to a file, DownloadFile writes atomically.
func (c *Client) Download(ctx context.Context, rawURL string, w io.Writer, opts ...DownloadOption) (int64, error) {
	cfg, err := c.downloadOptions(opts)
	if err != nil {
		return 0, err
	}
	if cfg.wait != nil {
		return 0, invalidArg("WithWait", "Download does not wait for a job; WithWait is for Job.DownloadOutput")
	}
	return c.download(ctx, rawURL, w, cfg)
}

// download is Download once its options are read.
func (c *Client) download(ctx context.Context, rawURL string, w io.Writer, cfg downloadConfig) (int64, error) {
	if w == nil {
		return 0, invalidArg("Download", "the io.Writer is nil")
	}
	if cfg.overwrite {
		return 0, invalidArg("WithOverwrite", "Download writes to an io.Writer; WithOverwrite is for DownloadFile")
	}
	u, err := checkDownloadURL(rawURL, c.insecureHTTP)
	if err != nil {
		return 0, err
	}
	t := c.newTransfer(u, cfg, newSink(w))
	err = t.run(ctx)
	return t.off, err
}

// downloadOptions returns the settings of one download: the client's retry
// policy and DefaultStallTimeout, then opts.
func (c *Client) downloadOptions(opts []DownloadOption) (downloadConfig, error) {
	cfg := downloadConfig{retry: c.call.retry, stall: DefaultStallTimeout}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o.applyDownload(&cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// checkDownloadURL parses and vets a download URL. Its errors never quote
// the URL's query.
func checkDownloadURL(raw string, insecureHTTP bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// url.Parse's error quotes the whole URL: name the problem only.
		return nil, invalidArg("url", "it does not parse as a URL")
	}
	shown := redactURL(u)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, invalidArg("url", "%q: want an https URL (such as a job log's output.downloadUrls)", shown)
	case u.Host == "":
		return nil, invalidArg("url", "%q has no host", shown)
	case u.User != nil:
		// Go would send these as an Authorization header.
		return nil, invalidArg("url", "%q carries credentials before its host; a download sends no credentials but the URL's own query", shown)
	case u.Scheme == "http" && !insecureHTTP && !isLoopback(u.Hostname()):
		return nil, invalidArg("url", "%q is plain http to a host that is not loopback: the URL's signature would cross the network in clear text (make the client WithInsecureAllowHTTP to allow it)", shown)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// redactURL returns u for messages: scheme, host and path, with the query
// replaced by [REDACTED] and any user information dropped.
func redactURL(u *url.URL) string {
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	s := v.String()
	if u.RawQuery != "" || u.ForceQuery {
		s += "?" + redacted
	}
	return s
}

// sink is where a download writes: w, and how to take back what was
// written when the server starts the file over.
type sink struct {
	w io.Writer
	// rewind truncates the destination back to where the download began;
	// nil when w cannot be rewound.
	rewind func() error
}

// truncater is what a writer needs, besides io.Seeker, to be rewound.
type truncater interface {
	io.Seeker
	Truncate(size int64) error
}

func newSink(w io.Writer) sink {
	s := sink{w: w}
	if t, ok := w.(truncater); ok {
		// Rewind to where w stood at the start, not to 0: the caller may be
		// appending to a file that holds other data.
		if start, err := t.Seek(0, io.SeekCurrent); err == nil {
			s.rewind = func() error {
				if _, err := t.Seek(start, io.SeekStart); err != nil {
					return err
				}
				return t.Truncate(start)
			}
		}
	}
	return s
}

// transfer is one download's state across its attempts.
type transfer struct {
	c     *Client
	hc    *http.Client
	u     *url.URL
	shown string // u without its query, for messages
	cfg   downloadConfig
	dst   sink
	buf   []byte

	// secrets are the query strings and query values of the URL and of
	// every redirect target: scrub removes them from any text an error
	// quotes.
	secrets []string
	// off is how many bytes of the file the destination holds; high is the
	// most it ever held (progress, across restarts from 0).
	off, high int64
	// total is the file's size as the server announced it, -1 unknown.
	total int64
	// validator is the If-Range value of a resume: the strong ETag, else
	// the Last-Modified date, of the answer the destination's bytes came
	// from ("" when the server sent neither).
	validator string
}

func (c *Client) newTransfer(u *url.URL, cfg downloadConfig, dst sink) *transfer {
	t := &transfer{c: c, u: u, shown: redactURL(u), cfg: cfg, dst: dst, total: -1}
	t.addSecrets(u)
	// The client's own HTTP client, with a redirect policy that keeps the
	// download's rules on every hop.
	hc := *c.hc
	prev := c.hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		// Go's client sets Referer to the previous URL, query and all: the
		// last hop's signature would reach the next host.
		req.Header.Del("Referer")
		req.Header.Del("Authorization")
		t.addSecrets(req.URL)
		if _, err := checkDownloadURL(req.URL.String(), c.insecureHTTP); err != nil {
			return fmt.Errorf("refusing the redirect: %w", err)
		}
		if prev != nil {
			return prev(req, via)
		}
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
	t.hc = &hc
	return t
}

// addSecrets remembers what of u must never be shown.
func (t *transfer) addSecrets(u *url.URL) {
	if u.RawQuery == "" {
		return
	}
	t.secrets = append(t.secrets, u.RawQuery)
	for _, vs := range u.Query() {
		for _, v := range vs {
			if len(v) >= 6 { // shorter values (a version, a flag) are not secrets and would scrub common words
				t.secrets = append(t.secrets, v, url.QueryEscape(v))
			}
		}
	}
}

// scrub removes every secret from s.
func (t *transfer) scrub(s string) string {
	for _, sec := range t.secrets {
		s = strings.ReplaceAll(s, sec, redacted)
	}
	return s
}

// run downloads the file: attempts with resumes, retried by the policy.
//
// The policy bounds failures in a row, not the transfer: an attempt that
// brought new bytes ends its retry loop (as a *progressError, which the
// classifier does not retry), and the next attempt starts a fresh one, so
// neither MaxAttempts nor MaxElapsed counts the time spent receiving a
// large file. The file's size bounds how often that can happen.
func (t *transfer) run(ctx context.Context) error {
	defer func() {
		if buf := t.buf; buf != nil {
			t.buf = nil
			downloadBuffers.Put(&buf)
		}
	}()
	for {
		high := t.high
		var attempts int
		err := retryLoop(ctx, t.cfg.retry,
			func() error {
				err := t.attempt(ctx)
				if err != nil && t.high > high {
					return &progressError{err: err}
				}
				return err
			},
			func(_ int, err error, _ verdict, wait time.Duration) { t.logResume(ctx, err, wait) },
			t.c.sleep, &attempts)
		var pe *progressError
		if !errors.As(err, &pe) {
			return err
		}
		if !classify(pe.err).retry || ctx.Err() != nil {
			return pe.err
		}
		// The server is up and the link was cut: resume at once.
		t.logResume(ctx, pe.err, 0)
	}
}

// progressError is the failure of an attempt that brought new bytes. It
// does not unwrap, so that classify stops the retry loop on it.
type progressError struct{ err error }

func (e *progressError) Error() string { return e.err.Error() }

func (t *transfer) logResume(ctx context.Context, err error, wait time.Duration) {
	if t.c.logger == nil {
		return
	}
	t.c.logger.LogAttrs(ctx, slog.LevelWarn, "losant: resuming download",
		slog.String("url", t.shown), slog.Int64("offset", t.off), slog.Int64("total", t.total),
		slog.Duration("wait", wait), slog.String("error", err.Error()))
}

// fail makes the *DownloadError of the transfer as it stands.
func (t *transfer) fail(reason string, err error) error {
	if err != nil {
		err = &scrubbedError{msg: t.scrub(err.Error()), err: err}
	}
	return &DownloadError{URL: t.shown, Written: t.off, Total: t.total, Reason: reason, Err: err}
}

// scrubbedError shows a message with the URL's secrets removed and unwraps
// to the original error, so that errors.Is and errors.As still see it.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// errStalled is the cause of an attempt dropped by the stall timeout.
var errStalled = errors.New("stalled")

// attempt sends one GET, for the whole file or the rest of it, and writes
// what arrives. It returns nil once the destination holds the whole file.
func (t *transfer) attempt(ctx context.Context) error {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var stall *time.Timer
	if t.cfg.stall > 0 {
		stall = time.AfterFunc(t.cfg.stall, func() { cancel(errStalled) })
		defer stall.Stop()
	}
	err := t.exchange(actx, stall)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(actx), errStalled) {
		// The stall timer, not the caller, ended the attempt: a timeout,
		// which the retry policy resumes.
		return t.fail(fmt.Sprintf("no bytes for %v (WithStallTimeout)", t.cfg.stall), ErrTimeout)
	}
	return err
}

func (t *transfer) exchange(ctx context.Context, stall *time.Timer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.u.String(), nil)
	if err != nil {
		return t.fail("building the request", err)
	}
	// A minimal request: nothing of the client's API headers, and identity
	// encoding, so that Go's transport does not ask for gzip and unzip it:
	// lengths and ranges then count the file's own bytes.
	req.Header = http.Header{
		"User-Agent":      t.c.header["User-Agent"],
		"Accept-Encoding": {"identity"},
	}
	resuming := t.off > 0
	if resuming {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(t.off, 10)+"-")
		if t.validator != "" {
			req.Header.Set("If-Range", t.validator)
		}
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message holds the URL
		}
		if ctx.Err() != nil && context.Cause(ctx) != errStalled {
			return t.fail("the context ended", err)
		}
		return t.fail("sending the request", err)
	}
	defer resp.Body.Close()
	if stall != nil {
		stall.Reset(t.cfg.stall)
	}

	// want is the number of body bytes this answer should carry, -1 unknown.
	want := resp.ContentLength
	switch resp.StatusCode {
	case http.StatusOK:
		if resuming {
			// The server ignored Range, or If-Range found the file changed:
			// this is the whole file, so start over.
			if err := t.restart(); err != nil {
				drainAndClose(resp.Body)
				return err
			}
		}
		t.total = resp.ContentLength
		t.validator = validatorOf(resp.Header)
	case http.StatusPartialContent:
		if !resuming {
			return t.fail("the server answered a request for the whole file with 206 Partial Content", nil)
		}
		start, end, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		switch {
		case !ok:
			return t.fail(fmt.Sprintf("206 Partial Content with an unusable Content-Range %q", text.Excerpt([]byte(resp.Header.Get("Content-Range")))), nil)
		case start != t.off:
			return t.fail(fmt.Sprintf("asked for the bytes from %d, the server sent the range %d-%d", t.off, start, end), nil)
		case t.total >= 0 && size >= 0 && size != t.total:
			return t.fail(fmt.Sprintf("the file's size changed from %d to %d bytes during the download", t.total, size), nil)
		case want >= 0 && want != end-start+1:
			return t.fail(fmt.Sprintf("206 Partial Content of the range %d-%d (%d bytes) with a Content-Length of %d", start, end, end-start+1, want), nil)
		case size >= 0 && end+1 != size:
			// A range other than "the rest" would leave a hole we do not fill.
			return t.fail(fmt.Sprintf("asked for the rest of the file, the server sent the range %d-%d of %d bytes", start, end, size), nil)
		}
		if v := validatorOf(resp.Header); t.validator != "" && v != "" && v != t.validator {
			// The server ignored If-Range: the rest is of another file.
			return t.fail(fmt.Sprintf("the file changed during the download (its validator went from %s to %s) and the server sent part of the new one", text.Excerpt([]byte(t.validator)), text.Excerpt([]byte(v))), nil)
		}
		want = end - start + 1
		if size >= 0 {
			t.total = size
		}
	default:
		return t.statusError(resp)
	}
	if t.total >= 0 && want < 0 {
		want = t.total - t.off
	}
	t.report()
	return t.copyBody(resp.Body, want, stall)
}

// copyBody writes the body to the destination through the transfer's one
// buffer. want is how many bytes the body should hold (-1 unknown): fewer
// is a cut to resume, more is an error.
func (t *transfer) copyBody(body io.Reader, want int64, stall *time.Timer) error {
	if t.buf == nil {
		t.buf = *downloadBuffers.Get().(*[]byte)
	}
	var got int64
	for {
		n, rerr := body.Read(t.buf)
		if n > 0 {
			if stall != nil {
				// The clock stops while the destination writes and the
				// progress function runs: a slow disk or terminal is not
				// a stalled server.
				stall.Stop()
			}
			if want >= 0 && got+int64(n) > want {
				return t.fail(fmt.Sprintf("the server sent more than the %d bytes it announced", want), nil)
			}
			if _, err := t.dst.w.Write(t.buf[:n]); err != nil {
				return t.fail("writing to the destination", err)
			}
			got += int64(n)
			t.off += int64(n)
			t.high = max(t.high, t.off)
			t.report()
			if stall != nil {
				stall.Reset(t.cfg.stall)
			}
		}
		switch {
		case rerr == nil:
			continue
		case rerr == io.EOF && (want < 0 || got == want):
			return nil
		case rerr == io.EOF:
			return t.fail(fmt.Sprintf("the body ended %d bytes short", want-got), io.ErrUnexpectedEOF)
		default:
			return t.fail("reading the body", rerr)
		}
	}
}

func (t *transfer) report() {
	if t.cfg.progress != nil {
		t.cfg.progress(t.off, t.total)
	}
}

// restart takes back what the destination holds, for a server that sends
// the file from its start again.
func (t *transfer) restart() error {
	if t.dst.rewind == nil {
		return t.fail("the server sent the file from its start again (it ignored Range, or the file changed), and the io.Writer cannot be rewound (pass an *os.File, or use DownloadFile)", nil)
	}
	if err := t.dst.rewind(); err != nil {
		return t.fail("rewinding the destination to start over", err)
	}
	t.off, t.total, t.validator = 0, -1, ""
	return nil
}

// statusError turns a non-2xx answer into an *APIError naming the URL
// without its query. Storage servers answer in XML or text, not Losant's
// JSON, so Body holds an excerpt, scrubbed of the URL's secrets (S3 quotes
// the request back in its signature errors).
func (t *transfer) statusError(resp *http.Response) error {
	e := &APIError{StatusCode: resp.StatusCode, Method: http.MethodGet, Path: t.shown}
	if d, ok := retryafter.Parse(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, text.ExcerptLen*4))
	drain(resp.Body)
	e.Body = text.Excerpt([]byte(t.scrub(strings.TrimSpace(string(head)))))
	return e
}

func drainAndClose(body io.ReadCloser) {
	drain(body)
	_ = body.Close()
}

// validatorOf returns what a resume may send as If-Range: a strong ETag
// (RFC 9110 forbids weak ones there), else the Last-Modified date.
func validatorOf(h http.Header) string {
	if etag := h.Get("Etag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		return etag
	}
	return h.Get("Last-Modified")
}

// parseContentRange reads "bytes first-last/size" (size may be "*": -1).
func parseContentRange(s string) (first, last, size int64, ok bool) {
	rest, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	rng, sz, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false
	}
	a, b, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, 0, false
	}
	var err1, err2, err3 error
	first, err1 = strconv.ParseInt(a, 10, 64)
	last, err2 = strconv.ParseInt(b, 10, 64)
	size = -1
	if sz != "*" {
		size, err3 = strconv.ParseInt(sz, 10, 64)
	}
	if err1 != nil || err2 != nil || err3 != nil || first < 0 || last < first || (size >= 0 && last >= size) {
		return 0, 0, 0, false
	}
	return first, last, size, true
}
