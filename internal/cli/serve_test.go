package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lineRecorder is a stderr that a running command writes to while the
// test reads it: it keeps everything and hands out each complete line.
type lineRecorder struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	part  []byte
	lines chan string
}

func newLineRecorder() *lineRecorder { return &lineRecorder{lines: make(chan string, 100)} }

func (l *lineRecorder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	l.part = append(l.part, p...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		select {
		case l.lines <- string(l.part[:i]):
		default:
		}
		l.part = l.part[i+1:]
	}
}

func (l *lineRecorder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// servingCLI is "losant serve" running in a goroutine.
type servingCLI struct {
	url    string
	cancel context.CancelFunc
	code   chan int
	stdout *lineRecorder
	stderr *lineRecorder
}

// startServe runs "losant serve args..." in-process and waits for its
// "listening on" line.
func startServe(t *testing.T, args ...string) *servingCLI {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	s := &servingCLI{cancel: cancel, code: make(chan int, 1), stdout: newLineRecorder(), stderr: newLineRecorder()}
	a := &app{stdout: s.stdout, stderr: s.stderr, env: func(string) string { return "" }, isTerminal: func(io.Writer) bool { return false }}
	go func() { s.code <- a.run(ctx, append([]string{"serve"}, args...)) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.code:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop within 10s of its context ending")
		}
	})
	select {
	case line := <-s.stderr.lines:
		url, ok := strings.CutPrefix(line, "listening on ")
		if !ok {
			t.Fatalf("first stderr line %q, want \"listening on http://HOST:PORT\"", line)
		}
		s.url = url
	case code := <-s.code:
		t.Fatalf("serve exited %d before listening: %s", code, s.stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("no \"listening on\" line within 10s")
	}
	return s
}

// stop cancels serve's context (SIGINT or SIGTERM in the real command) and
// returns its exit code.
func (s *servingCLI) stop(t *testing.T) int {
	t.Helper()
	s.cancel()
	select {
	case code := <-s.code:
		s.code <- code // for the cleanup
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10s")
		return -1
	}
}

// getStatus sends one GET with the bearer token and returns the status.
func getStatus(t *testing.T, url, token string) (int, string) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServe(t *testing.T) {
	t.Parallel()
	s := startServe(t, "--listen", "127.0.0.1:0", "--token", testToken, "--token", scopedToken+"=applicationJobLog.get", "--token", otherToken+"=none")
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") || strings.HasSuffix(s.url, ":0") {
		t.Fatalf("listening on %q, want a loopback URL with the port it picked", s.url)
	}
	path := s.url + "/applications/" + exampleApp + "/jobLogs/" + exampleJob
	for _, tt := range []struct {
		token string
		code  int
		body  string
	}{
		{testToken, http.StatusOK, `"status":"completed"`},
		{scopedToken, http.StatusOK, `"status":"completed"`},
		{otherToken, http.StatusForbidden, `"type":"Forbidden"`},
		{"tok-not-configured-000000000000", http.StatusUnauthorized, `"type":"Unauthorized"`},
	} {
		if code, body := getStatus(t, path, tt.token); code != tt.code || !strings.Contains(body, tt.body) {
			t.Errorf("GET with a token: %d %s, want %d with %s", code, body, tt.code, tt.body)
		}
	}
	// The CLI's own client, through the served API.
	r := runCLI(t, tokenEnv(s.url), "joblog", "get", "--app", exampleApp, "--job", exampleJob, "-o", "json")
	if r.code != ExitOK || decodeOneObject(t, r.stdout)["status"] != "completed" {
		t.Errorf("joblog get through serve: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	if code := s.stop(t); code != ExitOK {
		t.Errorf("serve exited %d after its context ended, want 0: %s", code, s.stderr.String())
	}
	if got := s.stderr.String(); got != "listening on "+s.url+"\n" {
		t.Errorf("stderr holds more than the listening line: %q", got)
	}
	if out := s.stdout.String(); out != "" {
		t.Errorf("stdout is not empty: %q", out)
	}
	assertNoToken(t, s.stdout.String(), s.stderr.String())
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(s.url, "http://"), time.Second); err == nil {
		t.Error("the port still accepts connections after serve stopped")
	}
}

func TestServeData(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "joblogs.json")
	data := `[{"id":"0123456789abcdef01234567","applicationId":"` + exampleApp + `","status":"inProgress","progress":{"completed":3,"total":7}}]`
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--listen", "127.0.0.1:0", "--data", file)
	// No --token: any bearer token has full access.
	r := runCLI(t, tokenEnv(s.url), "joblog", "get", "--app", exampleApp, "--job", "0123456789abcdef01234567")
	if r.code != ExitOK || tableRows(r.stdout)["Progress"] != "3/7 (42%)" {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, tokenEnv(s.url), "joblog", "get", "--app", exampleApp, "--job", exampleJob); r.code != ExitFailure {
		t.Errorf("with --data, the examples are not served: want exit 1, got %d", r.code)
	}
	if code := s.stop(t); code != ExitOK {
		t.Errorf("exit %d: %s", code, s.stderr.String())
	}
}

// TestServeBadInput checks that bad flags and bad data stop serve before
// it listens, with exit 2 and one line.
func TestServeBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notJSON := write("notjson.json", "id,status\n1,done\n")
	badEntry := write("bad.json", `[{"id":"0123456789abcdef01234567","applicationId":"`+exampleApp+`","status":"done"}]`)
	noID := write("noid.json", `[{"applicationId":"`+exampleApp+`","status":"queued"}]`)
	badApp := write("badapp.json", `{"applications":[{"id":"`+exampleApp+`","name":"x","ownerType":"robot"}]}`)
	badKey := write("badkey.json", `{"applications":[],"devices":[]}`)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"missing file", []string{"--data", filepath.Join(dir, "missing.json")}, []string{"missing.json"}},
		{"not JSON", []string{"--data", notJSON}, []string{"notjson.json"}},
		{"entry breaks the schema", []string{"--data", badEntry}, []string{"bad.json", "entry [0]", "status"}},
		{"entry without id", []string{"--data", noID}, []string{"noid.json", "entry [0]"}},
		{"empty token", []string{"--token", "=applicationJobLog.get"}, []string{"--token #1", "empty"}},
		{"empty scope", []string{"--token", testToken + "="}, []string{"--token #1", "empty scope"}},
		{"token with a space", []string{"--token", testToken + " x=applicationJobLog.get"}, []string{"--token #1", "space"}},
		{"scope no operation accepts", []string{"--token", testToken + "=applicationJobLog.get,applicationJobLog.gte"}, []string{"--token #1", `"applicationJobLog.gte"`, "applicationJobLog.get"}},
		{"token twice", []string{"--token", testToken, "--token", testToken}, []string{"--token #2", "twice"}},
		{"listen without port", []string{"--listen", "127.0.0.1"}, []string{"invalid --listen"}},
		{"stray argument", []string{"now"}, []string{`"now"`}},
		{"negative --simulate", []string{"--simulate", "-1s"}, []string{"invalid --simulate"}},
		{"unknown --outcome", []string{"--simulate", "1s", "--outcome", "paused"}, []string{"--outcome", "paused"}},
		{"zero --job-duration", []string{"--job-duration", "0s"}, []string{"invalid --job-duration"}},
		{"unknown --job-outcome", []string{"--job-outcome", "paused"}, []string{"--job-outcome", "paused"}},
		{"application breaks the schema", []string{"--data", badApp}, []string{"badapp.json", "applications[0]", "ownerType"}},
		{"unknown key of the object form", []string{"--data", badKey}, []string{"badkey.json", `"devices"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, append([]string{"serve", "--listen", "127.0.0.1:0"}, tt.args...)...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d: %s", r.code, ExitUsage, r.stderr)
			}
			assertOneLine(t, r.stderr, tt.want...)
			if strings.Contains(r.stderr, "listening on") {
				t.Error("serve listened despite bad input")
			}
		})
	}
}

func TestServePortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := runCLI(t, nil, "serve", "--listen", ln.Addr().String())
	if r.code != ExitFailure {
		t.Fatalf("exit %d, want %d: %s", r.code, ExitFailure, r.stderr)
	}
	assertOneLine(t, r.stderr, ln.Addr().String())
}

// serve --simulate runs a job that "joblog wait" can watch to its outcome.
func TestServeSimulate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		outcome string
		code    int
	}{
		{"completed", ExitOK},
		{"errored", ExitJobFailed},
	} {
		t.Run(tt.outcome, func(t *testing.T) {
			t.Parallel()
			s := startServe(t, "--listen", "127.0.0.1:0", "--token", testToken, "--simulate", "600ms", "--outcome", tt.outcome)
			var line string
			select {
			case line = <-s.stderr.lines:
			case <-time.After(10 * time.Second):
				t.Fatalf("no line naming the simulated job; stderr: %s", s.stderr.String())
			}
			_, cmd, ok := strings.Cut(line, ": losant joblog wait ")
			fields := strings.Fields(cmd)
			if !ok || !strings.HasPrefix(line, "simulating job log ") || len(fields) != 4 || fields[0] != "--app" || fields[2] != "--job" {
				t.Fatalf("second stderr line %q, want \"simulating job log ...: losant joblog wait --app ID --job ID\"", line)
			}
			r := runCLI(t, tokenEnv(s.url), "joblog", "wait", "--app", fields[1], "--job", fields[3], "--interval", "50ms", "--max-interval", "100ms", "--timeout", "20s")
			if r.code != tt.code {
				t.Fatalf("joblog wait exited %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.outcome) {
				t.Errorf("final job log does not show %s:\n%s", tt.outcome, r.stdout)
			}
			if code := s.stop(t); code != ExitOK {
				t.Errorf("serve exited %d after the simulation, want 0", code)
			}
		})
	}
}

// serve runs the jobs the API starts for --job-duration, to --job-outcome,
// for applications given in the object form of --data.
func TestServeJobs(t *testing.T) {
	t.Parallel()
	const app = "0123456789abcdef01234567"
	file := filepath.Join(t.TempDir(), "apps.json")
	data := `{"applications":[{"id":"` + app + `","name":"Staging"}]}`
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--listen", "127.0.0.1:0", "--data", file, "--token", testToken, "--job-duration", "300ms", "--job-outcome", "failed")
	if code, body := getStatus(t, s.url+"/applications/"+app, testToken); code != http.StatusOK || !strings.Contains(body, `"name":"Staging"`) {
		t.Fatalf("GET the application: %d %s", code, body)
	}
	code, body := getStatus(t, s.url+"/applications/"+app+"/backfillArchiveData", testToken)
	var started struct{ JobID string }
	if err := json.Unmarshal([]byte(body), &started); code != http.StatusAccepted || err != nil || started.JobID == "" {
		t.Fatalf("backfillArchiveData: %d %s", code, body)
	}
	r := runCLI(t, tokenEnv(s.url), "joblog", "wait", "--app", app, "--job", started.JobID, "-o", "json", "--interval", "50ms", "--max-interval", "100ms", "--timeout", "20s")
	if r.code != ExitJobFailed {
		t.Fatalf("joblog wait exited %d, want %d (--job-outcome failed)\n%s%s", r.code, ExitJobFailed, r.stdout, r.stderr)
	}
	log := decodeOneObject(t, r.stdout)
	if log["name"] != "BackfillArchiveData" || log["status"] != "failed" {
		t.Errorf("final job log: name %v, status %v; want BackfillArchiveData, failed", log["name"], log["status"])
	}
	if code := s.stop(t); code != ExitOK {
		t.Errorf("serve exited %d: %s", code, s.stderr.String())
	}
}
