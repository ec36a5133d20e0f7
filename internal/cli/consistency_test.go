package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/internal/ops"
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

// serve --help and demo --help list every operation of the spec.
func TestHelpListsTheServedOperations(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"serve", "demo"} {
		r := runCLI(t, nil, cmd, "--help")
		for _, op := range ops.All {
			if !strings.Contains(r.stdout, op.Method+" "+op.Path) || !strings.Contains(r.stdout, op.ID) {
				t.Errorf("%s --help does not list %s %s (%s):\n%s", cmd, op.Method, op.Path, op.ID, r.stdout)
			}
		}
	}
}

// completions returns what the shell would offer after args, and the
// completion directive.
func completions(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	r := runCLI(t, nil, append([]string{"__complete"}, args...)...)
	if r.code != ExitOK {
		t.Fatalf("__complete %v: exit %d: %s", args, r.code, r.stderr)
	}
	var got []string
	directive := ""
	for l := range strings.SplitSeq(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if d, ok := strings.CutPrefix(l, ":"); ok {
			directive = d
			continue
		}
		got = append(got, l)
	}
	return got, directive
}

// Every enum flag completes its values (from the SDK's generated enums);
// the ID flags complete nothing, not even file names.
func TestCompletion(t *testing.T) {
	t.Parallel()
	noFiles := strconv.Itoa(int(cobra.ShellCompDirectiveNoFileComp))
	terminal := []string{}
	for _, s := range losant.ApplicationJobLogStatusValues() {
		if s.Terminal() {
			terminal = append(terminal, string(s))
		}
	}
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"joblog", "get", "-o", ""}, []string{"table", "json"}},
		{[]string{"joblog", "wait", "-o", ""}, []string{"table", "json"}},
		{[]string{"joblog", "list", "-o", ""}, []string{"table", "json", "jsonl"}},
		{[]string{"demo", "-o", ""}, []string{"table", "json"}},
		{[]string{"demo", "--outcome", ""}, terminal},
		{[]string{"serve", "--outcome", ""}, terminal},
		{[]string{"joblog", "get", "--app", ""}, nil},
		{[]string{"joblog", "get", "--job", ""}, nil},
		{[]string{"joblog", "wait", "--job", ""}, nil},
		{[]string{"joblog", "list", "--app", ""}, nil},
		{[]string{"application", "get", "-o", ""}, []string{"table", "json"}},
		{[]string{"app", "export", "--app", ""}, nil},
		{[]string{"app", "import", "--conflict", ""}, enumStrings(losant.ApplicationImportConflictBehaviorValues())},
		{[]string{"app", "import", "--include", ""}, enumStrings(losant.ApplicationImportResourceTypeValues())},
		{[]string{"app", "clone", "--owner-type", ""}, enumStrings(losant.ApplicationOwnerTypeValues())},
		{[]string{"app", "clone", "--owner-id", ""}, nil},
		{[]string{"app", "archive-data", "--date", ""}, nil},
	} {
		got, directive := completions(t, tt.args...)
		want := noFiles
		if tt.args[len(tt.args)-2] == "--include" {
			// A list: more may follow, so no space after the value.
			want = strconv.Itoa(int(cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace))
		}
		if !slices.Equal(got, tt.want) || directive != want {
			t.Errorf("completing %v: %q (directive %s), want %q and no file names (%s)", tt.args, got, directive, tt.want, want)
		}
	}
}

// A positional ID is pointed to the flags.
func TestPositionalIDHintsFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"joblog", "get", testApp, testJob}, "use --app/--job"},
		{[]string{"joblog", "wait", "--app", testApp, testJob}, "use --app/--job"},
		{[]string{"joblog", "list", testApp}, "use --app"},
	} {
		r := runCLI(t, tokenEnv("http://127.0.0.1:1"), tt.args...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", tt.args, r.code, ExitUsage)
		}
		assertOneLine(t, r.stderr, tt.want)
	}
}

// get -o json and list -o json indent a job log alike: list's array holds
// exactly the text get prints, one level deeper.
func TestGetAndListJSONIndentAlike(t *testing.T) {
	t.Parallel()
	log := jobLogJSON("completed", 100, 100, "")
	api := newFakeAPI(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/jobLogs") {
			writeJSONBody(w, http.StatusOK, `{"items":[`+log+`],"count":1,"totalCount":1,"perPage":100,"page":0}`)
			return
		}
		writeJSONBody(w, http.StatusOK, log)
	})
	get := runCLI(t, tokenEnv(api.URL), "joblog", "get", "--app", testApp, "--job", testJob, "-o", "json")
	list := runCLI(t, tokenEnv(api.URL), "joblog", "list", "--app", testApp, "-o", "json")
	if get.code != ExitOK || list.code != ExitOK {
		t.Fatalf("exit %d and %d: %s%s", get.code, list.code, get.stderr, list.stderr)
	}
	item := "  " + strings.ReplaceAll(strings.TrimSuffix(get.stdout, "\n"), "\n", "\n  ")
	if want := "[\n" + item + "\n]\n"; list.stdout != want {
		t.Errorf("list -o json:\n%s\nwant get's object one level deeper:\n%s", list.stdout, want)
	}
}
