package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// jobAPI is the local API with quick jobs, counting the requests it gets.
type jobAPI struct {
	url      string
	requests atomic.Int64
}

// newJobAPI serves the local API with the spec's examples; its jobs take
// a few tens of milliseconds and end with outcome.
func newJobAPI(t *testing.T, outcome losant.ApplicationJobLogStatus) *jobAPI {
	t.Helper()
	return newJobAPIOf(t, outcome, 40*time.Millisecond)
}

// newJobAPIOf is newJobAPI with jobs that take duration.
func newJobAPIOf(t *testing.T, outcome losant.ApplicationJobLogStatus, duration time.Duration) *jobAPI {
	t.Helper()
	h, err := api.NewHandler(api.Options{
		Tokens:      map[string][]string{testToken: nil},
		JobDuration: duration, JobOutcome: outcome,
		TempDir: t.TempDir(),
	})
	if err != nil {
		t.Fatal(err)
	}
	j := &jobAPI{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		j.requests.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		srv.Close()
		_ = h.Close()
	})
	j.url = srv.URL
	return j
}

// runJobCLI runs the command against api with quick polls.
func runJobCLI(t *testing.T, j *jobAPI, args ...string) result {
	t.Helper()
	a := &app{
		isTerminal:  func(io.Writer) bool { return false },
		waitOptions: []losant.WaitOption{losant.WithPollInterval(5 * time.Millisecond), losant.WithMaxPollInterval(20 * time.Millisecond)},
	}
	return runApp(t, a, tokenEnv(j.url), args...)
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
}

func TestApplicationCommands(t *testing.T) {
	t.Parallel()
	j := newJobAPI(t, losant.ApplicationJobLogStatusCompleted)
	tests := []struct {
		name string
		args []string
		// stdout holds each of these; json: it is one JSON object.
		stdout []string
		json   bool
		// jobID: without --wait, stdout is one line holding a job id.
		jobID bool
	}{
		{name: "get", args: []string{"get", "--app", exampleApp}, stdout: []string{"Temperature Monitoring", "deviceCount 12"}},
		{name: "get json", args: []string{"get", "--app", exampleApp, "-o", "json"}, json: true, stdout: []string{`"name": "Temperature Monitoring"`}},
		{name: "export prints the job id", args: []string{"export", "--app", exampleApp, "--include-devices"}, jobID: true},
		{name: "export json is the answer as sent", args: []string{"export", "--app", exampleApp, "-o", "json"}, json: true, stdout: []string{`"jobQueued": true`, `"jobId": "`}},
		{name: "export wait", args: []string{"export", "--app", exampleApp, "--wait"}, stdout: []string{"ApplicationExport", "completed", "Download 1"}},
		{name: "export wait json", args: []string{"export", "--app", exampleApp, "--wait", "-o", "json"}, json: true, stdout: []string{`"status": "completed"`, `"downloadUrls"`}},
		{name: "clone wait json", args: []string{"clone", "--app", exampleApp, "--wait", "-o", "json"}, json: true, stdout: []string{`"status": "completed"`, `"applicationId"`}},
		{name: "clone forced job", args: []string{"clone", "--app", exampleApp, "--force-job"}, jobID: true},
		{name: "clone json", args: []string{"clone", "--app", exampleApp, "-o", "json"}, json: true, stdout: []string{`"application": {`}},
		{name: "clone dry run", args: []string{"clone", "--app", exampleApp, "--dry-run"}, stdout: []string{"success", "requiresJob"}},
		{name: "archive-data RFC 3339", args: []string{"archive-data", "--app", exampleApp, "--date", "2025-05-01T12:00:00Z", "--wait"}, stdout: []string{"ArchiveData", "completed", "Input start      2025-05-01T00:00:00.000Z"}},
		{name: "archive-data epoch ms", args: []string{"app", "archive-data", "--app", exampleApp, "--date", "1746057600000"}, jobID: true},
		{name: "backfill-archive-data", args: []string{"backfill-archive-data", "--app", exampleApp, "--wait"}, stdout: []string{"BackfillArchiveData", "completed"}},
		{name: "full-data-tables-archive", args: []string{"full-data-tables-archive", "--app", exampleApp, "--wait", "-o", "json"}, json: true, stdout: []string{`"name": "FullDataTablesArchive"`}},
		{name: "full-events-archive", args: []string{"full-events-archive", "--app", exampleApp}, jobID: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := tt.args
			if args[0] != "app" {
				args = append([]string{"application"}, args...)
			}
			r := runJobCLI(t, j, args...)
			wantCode(t, r, ExitOK)
			if tt.json {
				decodeOneObject(t, r.stdout)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout does not hold %q:\n%s", w, r.stdout)
				}
			}
			if tt.jobID {
				id := strings.TrimSuffix(r.stdout, "\n")
				if !objectID.MatchString(id) {
					t.Errorf("stdout is not one line holding a job id: %q", r.stdout)
				}
				if !strings.Contains(r.stderr, "losant joblog wait --app "+exampleApp+" --job "+id) {
					t.Errorf("stderr does not say how to follow the job: %q", r.stderr)
				}
			}
		})
	}
}

// TestApplicationBadInput: every mistake exits 2, naming the flag, before
// any request.
func TestApplicationBadInput(t *testing.T) {
	t.Parallel()
	j := newJobAPI(t, losant.ApplicationJobLogStatusCompleted)
	dir := t.TempDir()
	notZip := filepath.Join(dir, "notes.zip")
	if err := os.WriteFile(notZip, []byte("these are not the bytes of a zip archive"), 0o600); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "exists.zip")
	if err := os.WriteFile(existing, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	good := writeZip(t, dir)
	tests := []struct {
		name string
		args []string
		flag string // the flag the message names
	}{
		{"file missing", []string{"import", "--app", exampleApp, "--file", filepath.Join(dir, "nope.zip")}, "--file"},
		{"file not a zip", []string{"import", "--app", exampleApp, "--file", notZip}, "--file"},
		{"file a directory", []string{"import", "--app", exampleApp, "--file", dir}, "--file"},
		{"unknown include", []string{"import", "--app", exampleApp, "--file", good, "--include", "Flow,Spaceship"}, "--include"},
		{"unknown conflict", []string{"import", "--app", exampleApp, "--file", good, "--conflict", "merge"}, "--conflict"},
		{"no file", []string{"import", "--app", exampleApp}, `"file" not set`},
		{"date not a date", []string{"archive-data", "--app", exampleApp, "--date", "yesterday"}, "--date"},
		{"date impossible", []string{"archive-data", "--app", exampleApp, "--date", "2025-02-30"}, "--date"},
		{"date missing", []string{"archive-data", "--app", exampleApp}, `"date" not set`},
		{"owner id without type", []string{"clone", "--app", exampleApp, "--owner-id", exampleApp}, "--owner-type"},
		{"owner type without id", []string{"clone", "--app", exampleApp, "--owner-type", "user"}, "--owner-id"},
		{"unknown owner type", []string{"clone", "--app", exampleApp, "--owner-id", exampleApp, "--owner-type", "robot"}, "--owner-type"},
		{"bad owner id", []string{"clone", "--app", exampleApp, "--owner-id", "575ec8687ae143cd83dc4a9", "--owner-type", "user"}, "--owner-id"},
		{"bad app id", []string{"export", "--app", "575ec8687ae143cd83dc4a9z"}, "--app"},
		{"bad app id archive", []string{"full-events-archive", "--app", "123"}, "--app"},
		{"bad app id get", []string{"get", "--app", "123"}, "--app"},
		{"no app", []string{"backfill-archive-data"}, `"app" not set`},
		{"bad email", []string{"export", "--app", exampleApp, "--email", "ops-at-example.com"}, "--email"},
		{"bad callback", []string{"export", "--app", exampleApp, "--callback-url", "not a url"}, "--callback-url"},
		{"save exists", []string{"export", "--app", exampleApp, "--save", existing}, "--save"},
		{"save exists with wait", []string{"export", "--app", exampleApp, "--save", existing, "--wait", "-o", "json"}, "--save"},
		{"save in a missing directory", []string{"export", "--app", exampleApp, "--save", filepath.Join(dir, "no", "app.zip")}, "--save"},
		{"force without save", []string{"export", "--app", exampleApp, "--force"}, "--force"},
		{"id as an argument", []string{"get", exampleApp}, "--app"},
		{"bad output", []string{"get", "--app", exampleApp, "-o", "yaml"}, "--output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := j.requests.Load()
			r := runJobCLI(t, j, append([]string{"application"}, tt.args...)...)
			wantCode(t, r, ExitUsage)
			assertOneLine(t, r.stderr, tt.flag)
			if r.stdout != "" {
				t.Errorf("stdout is not empty: %q", r.stdout)
			}
			if n := j.requests.Load() - before; n != 0 {
				t.Errorf("%d requests were sent", n)
			}
		})
	}
	// Without a token nothing is sent either.
	a := &app{isTerminal: func(io.Writer) bool { return false }}
	r := runApp(t, a, map[string]string{EnvURL: j.url}, "application", "export", "--app", exampleApp)
	wantCode(t, r, ExitUsage)
	if n := j.requests.Load(); n != 0 {
		t.Errorf("%d requests were sent by the bad inputs", n)
	}
}

// TestApplicationWaitJobFailed: a waited job that fails exits 3 and still
// prints its final log; without --wait the start itself succeeds.
func TestApplicationWaitJobFailed(t *testing.T) {
	t.Parallel()
	for _, outcome := range []losant.ApplicationJobLogStatus{losant.ApplicationJobLogStatusFailed, losant.ApplicationJobLogStatusErrored} {
		t.Run(string(outcome), func(t *testing.T) {
			t.Parallel()
			j := newJobAPI(t, outcome)
			for _, args := range [][]string{
				{"export", "--app", exampleApp, "--wait"},
				{"full-events-archive", "--app", exampleApp, "--wait", "-o", "json"},
				{"export", "--app", exampleApp, "--save", filepath.Join(t.TempDir(), "app.zip")},
			} {
				r := runJobCLI(t, j, append([]string{"application"}, args...)...)
				wantCode(t, r, ExitJobFailed)
				if !strings.Contains(r.stdout, string(outcome)) {
					t.Errorf("%v: stdout does not hold the final log:\n%s", args, r.stdout)
				}
			}
			r := runJobCLI(t, j, "application", "export", "--app", exampleApp)
			wantCode(t, r, ExitOK)
		})
	}
}

// TestApplicationWaitTimeout: --timeout bounds the wait; running out
// exits 1 saying so, and --save leaves no file.
func TestApplicationWaitTimeout(t *testing.T) {
	t.Parallel()
	j := newJobAPIOf(t, losant.ApplicationJobLogStatusCompleted, time.Minute)
	path := filepath.Join(t.TempDir(), "app.zip")
	for _, args := range [][]string{
		{"clone", "--app", exampleApp, "--force-job", "--wait", "--timeout", "200ms"},
		{"export", "--app", exampleApp, "--save", path, "--timeout", "200ms"},
	} {
		r := runJobCLI(t, j, append([]string{"application"}, args...)...)
		wantCode(t, r, ExitFailure)
		if !strings.Contains(r.stderr, "timed out after 200ms (--timeout)") {
			t.Errorf("%v: stderr does not say --timeout ran out: %q", args, r.stderr)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("--save left %s behind: %v", path, err)
	}
}

// TestExportSaveThenImport: export --save writes a valid zip, refuses to
// overwrite it without --force, replaces it with --force, and importing
// it reports counts.
func TestExportSaveThenImport(t *testing.T) {
	t.Parallel()
	j := newJobAPI(t, losant.ApplicationJobLogStatusCompleted)
	path := filepath.Join(t.TempDir(), "app.zip")
	r := runJobCLI(t, j, "app", "export", "--app", exampleApp, "--save", path, "-o", "json")
	wantCode(t, r, ExitOK)
	log := decodeOneObject(t, r.stdout)
	if log["status"] != "completed" || log["name"] != "ApplicationExport" {
		t.Errorf("the printed log is not the completed export's: %v", log)
	}
	if !strings.Contains(r.stderr, "download 100%") || !strings.Contains(r.stderr, "saved "+path) {
		t.Errorf("stderr shows no download progress: %q", r.stderr)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("the saved export is not a zip: %v", err)
	}
	entries := len(zr.File)
	zr.Close()
	if entries == 0 {
		t.Error("the saved zip is empty")
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("the zip's mode: %v, %v", st.Mode(), err)
	}

	before := j.requests.Load()
	r = runJobCLI(t, j, "app", "export", "--app", exampleApp, "--save", path)
	wantCode(t, r, ExitUsage)
	assertOneLine(t, r.stderr, "--save", "--force")
	if j.requests.Load() != before {
		t.Error("a refused --save sent requests")
	}
	r = runJobCLI(t, j, "app", "export", "--app", exampleApp, "--save", path, "--force")
	wantCode(t, r, ExitOK)

	// Import it into a clone, and wait for the counts.
	r = runJobCLI(t, j, "app", "clone", "--app", exampleApp, "--wait", "-o", "json")
	wantCode(t, r, ExitOK)
	var clone struct {
		Output struct {
			ApplicationID string `json:"applicationId"`
		} `json:"output"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &clone); err != nil || !objectID.MatchString(clone.Output.ApplicationID) {
		t.Fatalf("the clone's log names no new application: %v\n%s", err, r.stdout)
	}
	r = runJobCLI(t, j, "app", "import", "--app", clone.Output.ApplicationID, "--file", path, "--conflict", "replace", "--wait")
	wantCode(t, r, ExitOK)
	for _, w := range []string{"ApplicationImport", "completed", "Output counters  created ", "failed 0"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("the import's log does not hold %q:\n%s", w, r.stdout)
		}
	}
	r = runJobCLI(t, j, "app", "import", "--app", clone.Output.ApplicationID, "--file", path, "--include", "flow,dashboard", "-o", "json")
	wantCode(t, r, ExitOK)
	if ans := decodeOneObject(t, r.stdout); ans["jobQueued"] != true {
		t.Errorf("the import's answer is not the API's 202: %v", ans)
	}
}

// writeZip writes a small zip archive in dir and returns its path.
func writeZip(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "small.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.Create("application.json")
	if err == nil {
		_, err = io.WriteString(w, `{"name":"small"}`)
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExportSaveResumes: an export the API answered at once (200 with its
// zip's url) is saved through a transfer cut halfway: the CLI resumes it
// with Range, the file is identical, and the token never reaches the
// download host. With stderr on a terminal the download shows a bar.
func TestExportSaveResumes(t *testing.T) {
	t.Parallel()
	content, err := os.ReadFile(writeZip(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	var downloads atomic.Int64
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the download host got an Authorization header")
		}
		if downloads.Add(1) == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(content[:len(content)/2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // cut the connection halfway
		}
		if r.Header.Get("Range") == "" {
			t.Errorf("the second request does not resume with Range")
		}
		http.ServeContent(w, r, "app.zip", time.Time{}, bytes.NewReader(content))
	}))
	t.Cleanup(files.Close)
	api := newFakeAPI(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/export") {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		}
		writeJSONBody(w, http.StatusOK, `{"url":"`+files.URL+`/app.zip?signature=s3cret"}`)
	})
	path := filepath.Join(t.TempDir(), "app.zip")
	a := &app{isTerminal: func(io.Writer) bool { return true }}
	r := runApp(t, a, tokenEnv(api.URL), "application", "export", "--app", exampleApp, "--save", path)
	wantCode(t, r, ExitOK)
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("the saved file differs from the served one (%d of %d bytes): %v", len(got), len(content), err)
	}
	if downloads.Load() != 2 || api.count() != 1 {
		t.Errorf("%d downloads and %d API requests, want 2 and 1", downloads.Load(), api.count())
	}
	if !strings.Contains(r.stdout, "ApplicationExport") || !strings.Contains(r.stdout, "completed") {
		t.Errorf("stdout does not hold the finished export's log:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "download 100% |") || strings.Contains(r.stderr, " bytes)\ndownload") {
		t.Errorf("want a download bar on stderr, not lines: %q", r.stderr)
	}
	if strings.Contains(r.stderr, "completed  (") {
		t.Errorf("a job the API finished at once shows a job progress bar: %q", r.stderr)
	}
}
