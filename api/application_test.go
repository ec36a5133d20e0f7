package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/generated"
	"github.com/losant-go/losant-go/internal/spec"
)

const (
	appA = "5a5a5a5a5a5a5a5a5a5a5a5a"
	appB = "5b5b5b5b5b5b5b5b5b5b5b5b"
	logA = "1a1a1a1a1a1a1a1a1a1a1a1a"
	logC = "1c1c1c1c1c1c1c1c1c1c1c1c"
	// fastJobs is the job duration of these tests: short, so that the
	// suite stays fast, with room for several progress steps.
	fastJobs = 30 * time.Millisecond
)

// appStore returns a store with application A (named, with two job logs,
// one carrying a field openapi.yaml does not list) and application B
// (listed, no job logs).
func appStore(t *testing.T) *api.Store {
	t.Helper()
	store := api.NewStore()
	for _, app := range []string{
		`{"id":"` + appA + `","name":"Production","description":"the real one","creationDate":"2020-01-02T03:04:05.678Z","customSetting":{"x":[1,2.50]}}`,
		`{"id":"` + appB + `","name":"Staging"}`,
	} {
		if err := store.PutApplicationJSON([]byte(app)); err != nil {
			t.Fatal(err)
		}
	}
	for _, log := range []string{
		`{"id":"` + logA + `","applicationId":"` + appA + `","name":"ArchiveData","status":"completed","output":{"written":12345678901234567}}`,
		`{"id":"` + logC + `","applicationId":"` + appA + `","name":"ApplicationExport","status":"failed","extra":"kept"}`,
	} {
		if err := store.PutJSON([]byte(log)); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

// doJSON sends method path with a JSON body (none when body is "") and a
// full-access token.
func doJSON(t *testing.T, srv *httptest.Server, method, path, body string) response {
	t.Helper()
	return doJSONAs(t, srv, "x", method, path, body)
}

// doJSONAs is doJSON with the given bearer token.
func doJSONAs(t *testing.T, srv *httptest.Server, token, method, path, body string) response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return send(t, srv, req)
}

// started decodes a 202's JobEnqueuedResult and returns the job id.
func started(t *testing.T, r response) string {
	t.Helper()
	if r.status != http.StatusAccepted {
		t.Fatalf("status %d, want 202: %s", r.status, r.body)
	}
	var res generated.JobEnqueuedResult
	if err := json.Unmarshal(r.body, &res); err != nil || res.JobID == nil || res.JobQueued == nil || !bool(*res.JobQueued) {
		t.Fatalf("not a JobEnqueuedResult: %s (%v)", r.body, err)
	}
	return *res.JobID
}

// waitJob polls the job log until its status is terminal and returns it.
func waitJob(t *testing.T, srv *httptest.Server, app, job string) losant.ApplicationJobLog {
	t.Helper()
	return waitJobAt(t, srv, "", app, job)
}

// waitJobAt is waitJob for a handler served under basePath.
func waitJobAt(t *testing.T, srv *httptest.Server, basePath, app, job string) losant.ApplicationJobLog {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := do(t, srv, "GET", basePath+jobLogPath(app, job), "x")
		if r.status != http.StatusOK {
			t.Fatalf("GET job log: %d %s", r.status, r.body)
		}
		log := r.jobLog(t)
		switch deref(log.Status) {
		case losant.ApplicationJobLogStatusCompleted, losant.ApplicationJobLogStatusErrored, losant.ApplicationJobLogStatusFailed:
			return log
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after 10s", job, deref(log.Status))
		}
		time.Sleep(3 * time.Millisecond)
	}
}

// jobName is the job log name openapi.yaml declares for an operation.
func jobName(t *testing.T, opID string) string {
	t.Helper()
	op, err := spec.Op(opID)
	if err != nil {
		t.Fatal(err)
	}
	name, err := op.JobName()
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func TestGetApplication(t *testing.T) {
	t.Parallel()
	store := appStore(t)
	implicit := "5c5c5c5c5c5c5c5c5c5c5c5c"
	if err := store.PutJSON([]byte(`{"id":"` + logA + `","applicationId":"` + implicit + `"}`)); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, api.Options{Store: store})
	tests := []struct {
		name, path string
		want       string // the body, as JSON
	}{
		{"as stored, unlisted fields and all", "/applications/" + appA,
			`{"applicationId":"` + appA + `","creationDate":"2020-01-02T03:04:05.678Z","customSetting":{"x":[1,2.50]},"description":"the real one","id":"` + appA + `","name":"Production"}`},
		{"implicit: it has job logs", "/applications/" + implicit,
			`{"applicationId":"` + implicit + `","id":"` + implicit + `","name":"Application ` + implicit + `"}`},
	}
	for _, tc := range tests {
		r := do(t, srv, "GET", tc.path, "x")
		if r.status != http.StatusOK || !jsonEqual(t, r.body, tc.want) {
			t.Errorf("%s: %d %s\nwant 200 %s", tc.name, r.status, r.body, tc.want)
		}
	}
}

// jsonEqual compares two JSON texts as values, numbers by their digits.
func jsonEqual(t *testing.T, a []byte, b string) bool {
	t.Helper()
	norm := func(data []byte) string {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("not JSON: %s", data)
		}
		out, _ := json.Marshal(v)
		return string(out)
	}
	return norm(a) == norm([]byte(b))
}

func TestGetApplicationSummary(t *testing.T) {
	t.Parallel()
	store := api.NewStore()
	if err := store.PutApplicationJSON([]byte(`{"id":"` + appA + `","name":"A","summary":{"deviceCount":3,"flowCount":4,"dashCount":5}}`)); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, api.Options{Store: store})
	for _, tc := range []struct{ query, want string }{
		{"", `{"deviceCount":3,"flowCount":4,"dashCount":5}`},
		{"?summaryInclude=deviceCount,flowCount", `{"deviceCount":3,"flowCount":4}`},
		{"?summaryExclude=flowCount", `{"deviceCount":3,"dashCount":5}`},
		{"?summaryInclude=deviceCount,flowCount&summaryExclude=flowCount", `{"deviceCount":3}`},
	} {
		r := do(t, srv, "GET", "/applications/"+appA+tc.query, "x")
		var app struct{ Summary json.RawMessage }
		if err := json.Unmarshal(r.body, &app); err != nil || r.status != 200 || !jsonEqual(t, app.Summary, tc.want) {
			t.Errorf("%q: %d summary %s, want %s", tc.query, r.status, app.Summary, tc.want)
		}
	}
}

// TestApplicationNotFound: every operation of the Application resource
// answers Losant's 404 for an application the store does not have.
func TestApplicationNotFound(t *testing.T) {
	t.Parallel()
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs})
	const unknown = "/applications/0000000000000000000000ff"
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "", ""},
		{"POST", "/export", "{}"},
		{"POST", "/clone", ""},
		{"GET", "/archiveData?date=1518556791829", ""},
		{"GET", "/backfillArchiveData", ""},
		{"GET", "/fullDataTablesArchive", ""},
		{"GET", "/fullEventsArchive", ""},
	} {
		r := doJSON(t, srv, tc.method, unknown+tc.path, tc.body)
		if typ, msg := r.errorBody(t); r.status != 404 || typ != "NotFound" || msg != "Application was not found" {
			t.Errorf("%s %s: %d %s, want Losant's 404", tc.method, tc.path, r.status, r.body)
		}
	}
	r := sendImport(t, srv, "0000000000000000000000ff", importParts{bundle: emptyZip(t)})
	if typ, _ := r.errorBody(t); r.status != 404 || typ != "NotFound" {
		t.Errorf("import: %d %s, want 404", r.status, r.body)
	}
}

// downloadURL exports application app and returns the job log, with the
// download URL it names.
func exportApp(t *testing.T, srv *httptest.Server, app string) (losant.ApplicationJobLog, string) {
	t.Helper()
	job := started(t, doJSON(t, srv, "POST", "/applications/"+app+"/export", `{"email":"ops@example.com","forceJob":true}`))
	log := waitJob(t, srv, app, job)
	if deref(log.Status) != losant.ApplicationJobLogStatusCompleted || log.Output == nil || log.Output.DownloadURLs == nil || len(*log.Output.DownloadURLs) != 1 {
		t.Fatalf("export job ended %s with output %+v, want completed with one download URL", deref(log.Status), log.Output)
	}
	return log, (*log.Output.DownloadURLs)[0]
}

// fetch GETs a download URL of srv, with no token, and the given headers
// (name, value, ...).
func fetch(t *testing.T, srv *httptest.Server, rawURL string, header ...string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), "GET", rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return send(t, srv, req)
}

func TestExport(t *testing.T) {
	t.Parallel()
	store := appStore(t)
	srv := newServer(t, api.Options{Store: store, JobDuration: fastJobs})
	log, link := exportApp(t, srv, appA)
	if got, want := deref(log.Name), jobName(t, "exportApplication"); got != want {
		t.Errorf("job log name %q, want openapi.yaml's %q", got, want)
	}
	if log.Input == nil || log.Input.Emails == nil || !slices.Equal(*log.Input.Emails, []string{"ops@example.com"}) {
		t.Errorf("input %+v, want the email", log.Input)
	}
	if !strings.HasPrefix(link, srv.URL+api.DownloadPathPrefix) {
		t.Errorf("download URL %s is not on this server under %s", link, api.DownloadPathPrefix)
	}
	r := fetch(t, srv, link)
	if r.status != 200 || r.header.Get("Content-Type") != "application/zip" {
		t.Fatalf("download without a token: %d %s %.200s", r.status, r.header.Get("Content-Type"), r.body)
	}
	zr, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
	if err != nil {
		t.Fatalf("the download is not a zip: %v", err)
	}
	got := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		got[f.Name] = string(b)
	}
	appRaw := do(t, srv, "GET", "/applications/"+appA, "x").body
	want := map[string]string{"application.json": strings.TrimSpace(string(appRaw))}
	for _, id := range []string{logA, logC} {
		want["jobLogs/"+id+".json"] = strings.TrimSpace(string(do(t, srv, "GET", jobLogPath(appA, id), "x").body))
	}
	if len(got) != len(want) {
		t.Errorf("zip entries %v, want %v (the export's own job log left out)", keys(got), keys(want))
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("zip entry %s = %s, want the stored %s", name, got[name], w)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestDownloadRange: the download URL answers Range and If-Range, as a
// client resuming a cut transfer needs.
func TestDownloadRange(t *testing.T) {
	t.Parallel()
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs})
	_, link := exportApp(t, srv, appA)
	full := fetch(t, srv, link)
	etag := full.header.Get("ETag")
	if full.status != 200 || etag == "" || full.header.Get("Accept-Ranges") != "bytes" || len(full.body) < 100 {
		t.Fatalf("full download: %d, ETag %q, Accept-Ranges %q, %d bytes", full.status, etag, full.header.Get("Accept-Ranges"), len(full.body))
	}
	n := len(full.body)
	tests := []struct {
		name     string
		header   []string
		status   int
		from, to int // the bytes expected, full.body[from:to]
	}{
		{"a range", []string{"Range", "bytes=10-99"}, 206, 10, 100},
		{"the rest", []string{"Range", "bytes=" + strconv.Itoa(n/2) + "-"}, 206, n / 2, n},
		{"If-Range with the ETag", []string{"Range", "bytes=10-", "If-Range", etag}, 206, 10, n},
		{"If-Range with another ETag: the whole file", []string{"Range", "bytes=10-", "If-Range", `"other"`}, 200, 0, n},
		{"If-None-Match", []string{"If-None-Match", etag}, 304, 0, 0},
	}
	for _, tc := range tests {
		r := fetch(t, srv, link, tc.header...)
		if r.status != tc.status || !bytes.Equal(r.body, full.body[tc.from:tc.to]) {
			t.Errorf("%s: %d with %d bytes, want %d with bytes [%d:%d]", tc.name, r.status, len(r.body), tc.status, tc.from, tc.to)
		}
		if tc.status == 206 && r.header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", tc.from, tc.to-1, n) {
			t.Errorf("%s: Content-Range %q", tc.name, r.header.Get("Content-Range"))
		}
	}
}

// TestDownloadURLIsSigned: a download URL works only as given, and only
// until it expires.
func TestDownloadURLIsSigned(t *testing.T) {
	t.Parallel()
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs})
	_, link := exportApp(t, srv, appA)
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	tamper := func(key, value string) string {
		v := url.Values{}
		for k := range q {
			v.Set(k, q.Get(k))
		}
		if value == "" {
			v.Del(key)
		} else {
			v.Set(key, value)
		}
		c := *u
		c.RawQuery = v.Encode()
		return c.String()
	}
	expires, _ := strconv.ParseInt(q.Get("expires"), 10, 64)
	for name, bad := range map[string]string{
		"no signature":      tamper("signature", ""),
		"another signature": tamper("signature", strings.Repeat("0", 64)),
		"a later expiry":    tamper("expires", strconv.FormatInt(expires+3600, 10)),
		"no expiry":         tamper("expires", ""),
	} {
		if r := fetch(t, srv, bad); r.status != http.StatusForbidden {
			t.Errorf("%s: %d %s, want 403", name, r.status, r.body)
		}
	}
	c := *u
	c.Path = strings.Replace(c.Path, ".zip", "0.zip", 1)
	if r := fetch(t, srv, c.String()); r.status != http.StatusNotFound {
		t.Errorf("another file name: %d, want 404", r.status)
	}

	// A TTL shorter than a second: the URL has expired by the time the job
	// log shows it.
	expired := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs, DownloadTTL: time.Nanosecond})
	_, link = exportApp(t, expired, appA)
	r := fetch(t, expired, link)
	if typ, msg := r.errorBody(t); r.status != http.StatusForbidden || typ != "Forbidden" || !strings.Contains(msg, "expired") {
		t.Errorf("expired URL: %d %s, want 403 saying it expired", r.status, r.body)
	}
}

// importParts are the parts of an import request.
type importParts struct {
	bundle  []byte
	options string // JSON; "" for no options part
	email   string
}

// sendImport POSTs an import of the given parts.
func sendImport(t *testing.T, srv *httptest.Server, app string, p importParts) response {
	t.Helper()
	return sendMultipart(t, srv, app, func(mw *multipart.Writer) error {
		if p.bundle != nil {
			w, err := mw.CreateFormFile("importBundle", "bundle.zip")
			if err != nil {
				return err
			}
			if _, err := w.Write(p.bundle); err != nil {
				return err
			}
		}
		if p.email != "" {
			if err := mw.WriteField("email", p.email); err != nil {
				return err
			}
		}
		if p.options != "" {
			return mw.WriteField("options", p.options)
		}
		return nil
	})
}

// sendMultipart POSTs an import whose parts fill writes, the body streamed
// through a pipe (no Content-Length), as an SDK streaming a file would.
func sendMultipart(t *testing.T, srv *httptest.Server, app string, fill func(*multipart.Writer) error) response {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := fill(mw)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/applications/"+app+"/import", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer x")
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r := send(t, srv, req)
	pr.Close() // unblocks the writer when the server answered early
	return r
}

// zipOf returns a zip of the given entries, compressed.
func zipOf(t *testing.T, entries map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(entries[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func emptyZip(t *testing.T) []byte { return zipOf(t, nil) }

// TestImport exports application A, then imports the zip into B under
// each conflict behavior.
func TestImport(t *testing.T) {
	t.Parallel()
	store := appStore(t)
	srv := newServer(t, api.Options{Store: store, JobDuration: fastJobs})
	_, link := exportApp(t, srv, appA)
	bundle := fetch(t, srv, link).body

	run := func(options string) losant.ApplicationJobLog {
		t.Helper()
		job := started(t, sendImport(t, srv, appB, importParts{bundle: bundle, options: options, email: "ops@example.com"}))
		log := waitJob(t, srv, appB, job)
		if deref(log.Status) != losant.ApplicationJobLogStatusCompleted || log.Output == nil {
			t.Fatalf("import ended %s, output %+v", deref(log.Status), log.Output)
		}
		if got, want := deref(log.Name), jobName(t, "importApplication"); got != want {
			t.Errorf("job log name %q, want %q", got, want)
		}
		return log
	}
	count := func() int {
		var page struct{ TotalCount int }
		_ = json.Unmarshal(do(t, srv, "GET", "/applications/"+appB+"/jobLogs", "x").body, &page)
		return page.TotalCount
	}
	tests := []struct {
		name            string
		options         string
		created, failed float64
		logsAfter       int // job logs of B afterwards, import jobs included
	}{
		{"into an empty application", "", 2, 0, 3},
		{"again, conflicts refused", `{"conflictBehavior":"error"}`, 0, 2, 4},
		{"again, conflicts kept", `{"conflictBehavior":"retain"}`, 0, 0, 5},
		{"again, conflicts replaced", `{"conflictBehavior":"replace"}`, 2, 0, 6},
		{"again, conflicts created anew", `{"conflictBehavior":"create"}`, 2, 0, 9},
		{"a dry run", `{"dryRun":true}`, 2, 0, 10},
		{"only flows: no job logs", `{"include":["Flow"]}`, 0, 0, 11},
	}
	for _, tc := range tests {
		log := run(tc.options)
		out := log.Output
		if deref(out.Created) != tc.created || deref(out.Failed) != tc.failed {
			t.Errorf("%s: created %v, failed %v; want %v, %v", tc.name, deref(out.Created), deref(out.Failed), tc.created, tc.failed)
		}
		if tc.failed > 0 && (out.ValidationErrors == nil || len(*out.ValidationErrors) != int(tc.failed)) {
			t.Errorf("%s: validation errors %+v, want one per failure", tc.name, out.ValidationErrors)
		}
		if n := count(); n != tc.logsAfter {
			t.Errorf("%s: B has %d job logs, want %d", tc.name, n, tc.logsAfter)
		}
	}
	// What was imported is A's job log, now B's, fields and digits intact.
	r := do(t, srv, "GET", jobLogPath(appB, logA), "x")
	want := `{"id":"` + logA + `","applicationId":"` + appB + `","name":"ArchiveData","status":"completed","output":{"written":12345678901234567}}`
	if r.status != 200 || !jsonEqual(t, r.body, want) {
		t.Errorf("imported job log: %d %s, want %s", r.status, r.body, want)
	}
}

// TestImportCountsBadEntries: entries that are not resources, or break
// their schema, are counted as failed with a reason each.
func TestImportCountsBadEntries(t *testing.T) {
	t.Parallel()
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs})
	bundle := zipOf(t, map[string][]byte{
		"jobLogs/" + logA + ".json": []byte(`{"id":"` + logA + `","status":"done"}`),
		"jobLogs/" + logC + ".json": []byte(`{"id":"` + logC + `","status":"queued"}`),
		"flows/alert.json":          []byte(`{}`),
		"application.json":          []byte(`{"id":"nope"}`),
		"jobLogs/":                  nil,
	})
	log := waitJob(t, srv, appB, started(t, sendImport(t, srv, appB, importParts{bundle: bundle})))
	out := log.Output
	if out == nil || deref(out.Created) != 1 || deref(out.Failed) != 3 || out.ValidationErrors == nil {
		t.Fatalf("output %+v, want 1 created, 3 failed", out)
	}
	var names []string
	for _, v := range *out.ValidationErrors {
		names = append(names, deref(v.Name))
		if deref(v.Message) == "" || deref(v.Type) == "" {
			t.Errorf("validation error %+v lacks a type or message", v)
		}
	}
	slices.Sort(names)
	if want := []string{"application.json", "flows/alert.json", "jobLogs/" + logA + ".json"}; !slices.Equal(names, want) {
		t.Errorf("failed entries %v, want %v", names, want)
	}
}

// TestImportRefuses: what the server refuses with Losant's 400 before any
// job starts: a zip bomb, an over-size body however it is sent, bad parts.
func TestImportRefuses(t *testing.T) {
	t.Parallel()
	store := appStore(t)
	srv := newServer(t, api.Options{Store: store, JobDuration: fastJobs, MaxImportBytes: 256 << 10, MaxImportExpandedBytes: 1 << 20})
	zeros := make([]byte, 4<<20) // deflates to a few KiB
	bomb := zipOf(t, map[string][]byte{"files/zeros.bin": zeros})
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb is %d bytes; want it well under MaxImportBytes", len(bomb))
	}
	random := make([]byte, 512<<10)
	for i := range random {
		random[i] = byte(i*7919 + i/251)
	}
	tests := []struct {
		name  string
		parts importParts
		want  string // in the message
	}{
		{"a zip bomb", importParts{bundle: bomb}, "zip bomb"},
		{"a body over MaxImportBytes", importParts{bundle: random}, "MaxImportBytes"},
		{"not a zip", importParts{bundle: []byte("PK not really")}, "not a zip"},
		{"no bundle", importParts{email: "ops@example.com"}, "No importBundle"},
		{"options against the schema", importParts{bundle: emptyZip(t), options: `{"conflictBehavior":"merge"}`}, "options: at /conflictBehavior"},
		{"an email over its maxLength", importParts{bundle: emptyZip(t), email: strings.Repeat("a", 1025)}, "email: at /"},
		{"options not JSON", importParts{bundle: emptyZip(t), options: `{`}, "options: not JSON"},
		{"importUrl", importParts{options: `{"importUrl":"https://example.com/b.zip"}`}, "importUrl"},
	}
	for _, tc := range tests {
		r := sendImport(t, srv, appB, tc.parts)
		typ, msg := r.errorBody(t)
		if r.status != 400 || typ != "Validation" || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %d %s, want a 400 Validation error saying %q", tc.name, r.status, r.body, tc.want)
		}
	}
	for name, fill := range map[string]func(*multipart.Writer) error{
		`Unknown part "devices"`: func(mw *multipart.Writer) error { return mw.WriteField("devices", "[]") },
		"sent twice": func(mw *multipart.Writer) error {
			if err := mw.WriteField("email", "a@example.com"); err != nil {
				return err
			}
			return mw.WriteField("email", "b@example.com")
		},
	} {
		r := sendMultipart(t, srv, appB, fill)
		if typ, msg := r.errorBody(t); r.status != 400 || typ != "Validation" || !strings.Contains(msg, name) {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	// A JSON entry is decoded in memory, so it has a bound of its own,
	// whatever MaxImportExpandedBytes allows.
	roomy := newServer(t, api.Options{Store: store, JobDuration: fastJobs})
	r := sendImport(t, roomy, appB, importParts{bundle: zipOf(t, map[string][]byte{"jobLogs/x.json": make([]byte, 17<<20)})})
	if typ, msg := r.errorBody(t); r.status != 400 || typ != "Validation" || !strings.Contains(msg, "the most one resource may take") {
		t.Errorf("a JSON entry too large to decode: %d %s", r.status, r.body)
	}

	// A directory of more entries than a plain zip can list (zip64) is
	// refused before archive/zip reads it into memory: here the
	// end-of-central-directory record alone, claiming 65535 entries.
	eocd := []byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	r = sendImport(t, roomy, appB, importParts{bundle: eocd})
	if typ, msg := r.errorBody(t); r.status != 400 || typ != "Validation" || !strings.Contains(msg, "entries or more") {
		t.Errorf("a zip listing 65535 entries: %d %s", r.status, r.body)
	}

	// The same over-size body with a Content-Length is refused before it
	// is read.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("importBundle", "b.zip")
	_, _ = w.Write(random)
	_ = mw.Close()
	req, _ := http.NewRequestWithContext(t.Context(), "POST", srv.URL+"/applications/"+appB+"/import", &body)
	req.Header.Set("Authorization", "Bearer x")
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if r := send(t, srv, req); r.status != 400 || !strings.Contains(string(r.body), "MaxImportBytes") {
		t.Errorf("over-size body with a Content-Length: %d %s", r.status, r.body)
	}
	// And a JSON body over MaxBodyBytes.
	big := `{"email":"` + strings.Repeat("a", 2<<20) + `"}`
	if r := doJSON(t, srv, "POST", "/applications/"+appA+"/export", big); r.status != 400 || !strings.Contains(string(r.body), "MaxBodyBytes") {
		t.Errorf("over-size JSON body: %d %.300s", r.status, r.body)
	}
	// Nothing was started.
	var page struct{ TotalCount int }
	if r := do(t, srv, "GET", "/applications/"+appB+"/jobLogs", "x"); r.status != 404 && json.Unmarshal(r.body, &page) == nil && page.TotalCount != 0 {
		t.Errorf("refused imports started %d jobs", page.TotalCount)
	}
}

func TestClone(t *testing.T) {
	t.Parallel()
	store := appStore(t)
	srv := newServer(t, api.Options{Store: store, JobDuration: fastJobs})
	path := "/applications/" + appA + "/clone"

	r := doJSON(t, srv, "POST", path, `{"dryRun":true}`)
	if r.status != 200 || !jsonEqual(t, r.body, `{"success":true,"requiresJob":false}`) {
		t.Errorf("dry run: %d %s", r.status, r.body)
	}
	checkClone := func(how, id string) {
		t.Helper()
		if id == appA || id == "" {
			t.Fatalf("%s: the clone's id is %q", how, id)
		}
		var app map[string]any
		got := do(t, srv, "GET", "/applications/"+id, "x")
		if err := json.Unmarshal(got.body, &app); err != nil || got.status != 200 {
			t.Fatalf("%s: GET the clone: %d %s", how, got.status, got.body)
		}
		if app["name"] != "Production" || app["description"] != "the real one" || app["applicationId"] != id || app["customSetting"] == nil {
			t.Errorf("%s: the clone %s is not a copy of A with its own id", how, got.body)
		}
		if app["creationDate"] == "2020-01-02T03:04:05.678Z" {
			t.Errorf("%s: the clone kept A's creationDate", how)
		}
	}
	// At once: 201 with the new application.
	r = doJSON(t, srv, "POST", path, "")
	var created generated.ApplicationCreationByTemplateResult
	if err := json.Unmarshal(r.body, &created); r.status != 201 || err != nil || created.Application == nil {
		t.Fatalf("clone: %d %s", r.status, r.body)
	}
	checkClone("201", deref(created.Application.ID))

	// As a job: the job log names the new application.
	log := waitJob(t, srv, appA, started(t, doJSON(t, srv, "POST", path, `{"forceJob":true,"ownerId":"575ec8687ae143cd83dc4a9a","ownerType":"organization"}`)))
	if deref(log.Name) != jobName(t, "cloneApplication") || log.Output == nil {
		t.Fatalf("clone job %+v", log)
	}
	id := deref(log.Output.ApplicationID)
	checkClone("202", id)
	if app, _ := store.Application(id); deref(app.OwnerID) != "575ec8687ae143cd83dc4a9a" || deref(app.OwnerType) != losant.ApplicationOwnerTypeOrganization {
		t.Errorf("the clone's owner is %v %v, want the organization asked for", deref(app.OwnerType), deref(app.OwnerID))
	}

	r = doJSON(t, srv, "POST", path, `{"ownerId":"575ec8687ae143cd83dc4a9a"}`)
	if typ, msg := r.errorBody(t); r.status != 400 || typ != "Validation" || !strings.Contains(msg, "ownerType") {
		t.Errorf("ownerId without ownerType: %d %s", r.status, r.body)
	}
}

func TestArchiveJobs(t *testing.T) {
	t.Parallel()
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs})
	base := "/applications/" + appA
	old := time.Date(2018, 2, 13, 21, 19, 51, 829_000_000, time.UTC)
	for _, tc := range []struct{ opID, path string }{
		{"archiveData", "/archiveData?date=" + strconv.FormatInt(old.UnixMilli(), 10)},
		{"backfillArchiveData", "/backfillArchiveData"},
		{"fullDataTablesArchive", "/fullDataTablesArchive"},
		{"fullEventsArchive", "/fullEventsArchive"},
	} {
		log := waitJob(t, srv, appA, started(t, do(t, srv, "GET", base+tc.path, "x")))
		if got, want := deref(log.Name), jobName(t, tc.opID); got != want || deref(log.Status) != losant.ApplicationJobLogStatusCompleted {
			t.Errorf("%s: job %q ended %s, want %q completed", tc.opID, got, deref(log.Status), want)
		}
		if log.Progress == nil || deref(log.Progress.Completed) != deref(log.Progress.Total) || log.RunStartedAt == nil || log.RunCompletedAt == nil {
			t.Errorf("%s: progress %+v, started %v, completed %v", tc.opID, log.Progress, log.RunStartedAt, log.RunCompletedAt)
		}
		if tc.opID == "archiveData" {
			day := time.Date(2018, 2, 13, 0, 0, 0, 0, time.UTC)
			if log.Input == nil || deref(log.Input.Start) != float64(day.UnixMilli()) || deref(log.Input.End) != float64(day.Add(24*time.Hour).UnixMilli()-1) {
				t.Errorf("archiveData input %+v, want the day of the date", log.Input)
			}
		}
	}
	recent := strconv.FormatInt(time.Now().Add(-24*time.Hour).UnixMilli(), 10)
	r := do(t, srv, "GET", base+"/archiveData?date="+recent, "x")
	if typ, msg := r.errorBody(t); r.status != 400 || typ != "Validation" || !strings.Contains(msg, "31 days") {
		t.Errorf("a recent date: %d %s", r.status, r.body)
	}
	for _, bad := range []string{"", "?date=yesterday", "?date=-5"} {
		if r := do(t, srv, "GET", base+"/archiveData"+bad, "x"); r.status != 400 {
			t.Errorf("archiveData%s: %d, want 400", bad, r.status)
		}
	}
}

// TestJobOutcome: a handler whose jobs end errored does none of their
// work.
func TestJobOutcome(t *testing.T) {
	t.Parallel()
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs, JobOutcome: losant.ApplicationJobLogStatusErrored})
	log := waitJob(t, srv, appA, started(t, doJSON(t, srv, "POST", "/applications/"+appA+"/export", `{}`)))
	if deref(log.Status) != losant.ApplicationJobLogStatusErrored || log.Error == nil || log.Output != nil {
		t.Errorf("export with JobOutcome errored: status %s, error %+v, output %+v", deref(log.Status), log.Error, log.Output)
	}
	if _, err := api.NewHandler(api.Options{JobOutcome: losant.ApplicationJobLogStatusInProgress}); err == nil {
		t.Error("NewHandler accepted JobOutcome inProgress")
	}
}

// TestHandlerClose: Close stops the jobs in flight (goleak, in TestMain,
// checks that their goroutines are gone), refuses new ones, and removes
// the exports, whose URLs then answer 404.
func TestHandlerClose(t *testing.T) {
	t.Parallel()
	store := appStore(t)
	h, err := api.NewHandler(api.Options{Store: store, JobDuration: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	slow := started(t, doJSON(t, srv, "POST", "/applications/"+appA+"/export", `{}`))

	quick, err := api.NewHandler(api.Options{Store: store, JobDuration: fastJobs})
	if err != nil {
		t.Fatal(err)
	}
	quickSrv := httptest.NewServer(quick)
	defer quickSrv.Close()
	_, link := exportApp(t, quickSrv, appA)
	if r := fetch(t, quickSrv, link); r.status != 200 {
		t.Fatalf("download before Close: %d", r.status)
	}

	done := make(chan error, 2)
	go func() { done <- h.Close() }()
	go func() { done <- quick.Close() }()
	for range 2 {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Close: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Close did not return within 10s with a job of an hour running")
		}
	}
	log, _ := store.Get(appA, slow)
	if s := deref(log.Status); s == losant.ApplicationJobLogStatusCompleted {
		t.Errorf("the hour-long job %s after Close", s)
	}
	r := doJSON(t, srv, "POST", "/applications/"+appA+"/export", `{}`)
	if typ, _ := r.errorBody(t); r.status != http.StatusServiceUnavailable || typ != "ServiceUnavailable" {
		t.Errorf("export after Close: %d %s, want 503", r.status, r.body)
	}
	if r := fetch(t, quickSrv, link); r.status != http.StatusNotFound {
		t.Errorf("download after Close: %d, want 404", r.status)
	}
	if err := h.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

// TestDownloadUnderBasePath: a handler served under a path prefix signs
// download URLs under it, and answers them there.
func TestDownloadUnderBasePath(t *testing.T) {
	t.Parallel()
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs, BasePath: "/losant"})
	job := started(t, doJSON(t, srv, "POST", "/losant/applications/"+appA+"/export", `{}`))
	log := waitJobAt(t, srv, "/losant", appA, job)
	if log.Output == nil || log.Output.DownloadURLs == nil {
		t.Fatalf("export job %s, output %+v", deref(log.Status), log.Output)
	}
	link := (*log.Output.DownloadURLs)[0]
	if !strings.HasPrefix(link, srv.URL+"/losant"+api.DownloadPathPrefix) {
		t.Errorf("download URL %s is not under the base path", link)
	}
	if r := fetch(t, srv, link); r.status != 200 || r.header.Get("Content-Type") != "application/zip" {
		t.Errorf("download: %d %s", r.status, r.body)
	}
}

// TestExportFilesAreRemoved: an export's zip is removed once its URL has
// expired (when the next file is made), and Close removes the rest, with
// the handler's directory under Options.TempDir.
func TestExportFilesAreRemoved(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	h, err := api.NewHandler(api.Options{Store: appStore(t), JobDuration: fastJobs, DownloadTTL: time.Nanosecond, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	zips := func() []string {
		found, err := filepath.Glob(filepath.Join(tmp, "*", "*.zip"))
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	for i := range 3 {
		exportApp(t, srv, appA)
		if got := zips(); len(got) != 1 {
			t.Errorf("after export %d: %d zips kept (%v), want only the last, the others' URLs having expired", i+1, len(got), got)
		}
	}
	srv.Close()
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("after Close, TempDir holds %d entries, want none", len(left))
	}
}

// TestBodyFormatsChecked: a JSON body is judged by the SDK's own check, so
// the local API refuses what the SDK would not send (kin-openapi checks no
// string formats).
func TestBodyFormatsChecked(t *testing.T) {
	srv := newServer(t, api.Options{JobDuration: fastJobs})
	for _, tt := range []struct{ body, want string }{
		{`{"email":"not an address"}`, "email"},
		{`{"callbackUrl":"not a url"}`, "callbackUrl"},
		{`{"includeFiles":"yes"}`, "includeFiles"},
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/applications/575ec8687ae143cd83dc4a97/export", strings.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer any")
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), tt.want) || !strings.Contains(string(b), "Validation") {
			t.Errorf("%s: %d %s, want a 400 Validation naming %s", tt.body, resp.StatusCode, b, tt.want)
		}
	}
}
