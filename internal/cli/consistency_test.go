package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A server nobody runs: the command fails at once (a refused loopback
// connection is not retried), in one line naming the URL once and what to
// check.
func TestConnectionFailureNamesTheURL(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	_ = l.Close()
	for _, args := range [][]string{
		{"joblog", "get", "--app", testApp, "--job", testJob},
		{"joblog", "list", "--app", testApp, "--query", `{"name":"ArchiveData"}`},
	} {
		r := runCLI(t, tokenEnv(base), args...)
		if r.code != ExitFailure {
			t.Fatalf("%v: exit %d, want %d: %s", args, r.code, ExitFailure, r.stderr)
		}
		assertOneLine(t, r.stderr, "cannot reach the API at "+base+"/", "connection refused", "--url", EnvURL, "server is running")
		if n := strings.Count(r.stderr, "/applications/"+testApp); n != 1 {
			t.Errorf("%v: the path appears %d times: %s", args, n, r.stderr)
		}
		if strings.Contains(r.stderr, "ArchiveData") || strings.Contains(r.stderr, "attempts") {
			t.Errorf("%v: the message repeats the query or reports retries: %s", args, r.stderr)
		}
	}
}

// sdkName is what an SDK option looks like in a message.
var sdkName = regexp.MustCompile(`\bWith[A-Z]\w+|RetryPolicy|MaxAttempts|\.\.\.Raw`)

// Messages name the CLI's flags, never the SDK's options.
func TestMessagesNameFlagsNotSDKOptions(t *testing.T) {
	t.Parallel()
	huge := newFakeAPI(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1099511627776")
		w.WriteHeader(http.StatusOK)
	})
	busy := newFakeAPI(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSONBody(w, http.StatusServiceUnavailable, `{"type":"ServiceUnavailable","message":"later"}`)
	})
	slow := newFakeAPI(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3600")
		writeJSONBody(w, http.StatusTooManyRequests, `{"type":"RateLimited","message":"later"}`)
	})
	get := []string{"joblog", "get", "--app", testApp, "--job", testJob}
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"plain http to a remote host", map[string]string{EnvToken: testToken, EnvURL: "http://api.example.com"}, get, "--url"},
		{"credentials in the URL", map[string]string{EnvToken: testToken, EnvURL: "https://u:p@api.example.com"}, get, "--token"},
		{"body over the cap", tokenEnv(huge.URL), get, "exceeds"},
		{"retries run out", tokenEnv(busy.URL), get, "after 3 attempts"},
		{"Retry-After too long", tokenEnv(slow.URL), get, "asked to wait 1h0m0s"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, tt.env, tt.args...)
			if r.code == ExitOK {
				t.Fatalf("succeeded: %s", r.stdout)
			}
			last := r.stderr[strings.LastIndex(strings.TrimSuffix(r.stderr, "\n"), "\n")+1:]
			if !strings.Contains(last, tt.want) {
				t.Errorf("message %q does not say %q", last, tt.want)
			}
			if m := sdkName.FindString(r.stderr); m != "" {
				t.Errorf("stderr names the SDK's %s: %s", m, r.stderr)
			}
		})
	}
}

// -v is --verbose where a command has it, and nothing at the root;
// --version still prints the version.
func TestVerboseIsTheOnlyV(t *testing.T) {
	t.Parallel()
	if r := runCLI(t, nil, "--version"); r.code != ExitOK || !strings.Contains(r.stdout, "losant version") {
		t.Errorf("--version: exit %d, %q", r.code, r.stdout)
	}
	if r := runCLI(t, nil, "-v"); r.code != ExitUsage || strings.Contains(r.stdout, "version") {
		t.Errorf("-v at the root: exit %d, stdout %q; want a usage error", r.code, r.stdout)
	}
	r := runCLI(t, nil, "joblog", "get", "--help")
	if !strings.Contains(r.stdout, "-v, --verbose") {
		t.Errorf("joblog get --help does not offer -v as --verbose:\n%s", r.stdout)
	}
}

// Cancelling the command's context (Ctrl-C) while it works exits 130 with
// one line saying it was interrupted.
func TestInterruptExits130(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, sequence(jobLogJSON("inProgress", 1, 10, "")))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr bytes.Buffer
	a := &app{stdout: &stdout, stderr: &stderr, isTerminal: func(io.Writer) bool { return false },
		env: func(k string) string { return tokenEnv(api.URL)[k] }}
	go func() {
		for api.count() < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	code := a.run(ctx, []string{"joblog", "wait", "--app", testApp, "--job", testJob, "--interval", "10ms"})
	if code != 130 {
		t.Errorf("exit %d, want 130\nstderr: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr does not say it was interrupted: %q", stderr.String())
	}
}
