package cli

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// The example job log openapi.yaml ships, which ExampleStore serves.
const exampleApp, exampleJob = "575ec8687ae143cd83dc4a97", "575ec76c7ae143cd83dc4a96"

// Tokens the local API in these tests accepts, besides testToken (full
// access). Each is distinctive so that a leak would be found.
const (
	scopedToken = "tok-scoped-8c1e0f7a2b3d4c5e6f708192a3b4c5d6"
	otherToken  = "tok-other-1a2b3c4d5e6f708192a3b4c5d6e7f809"
)

// newLocalAPI serves package api's handler with the example data over
// loopback.
func newLocalAPI(t *testing.T) (url string, store *api.Store) {
	t.Helper()
	store, err := api.ExampleStore()
	if err != nil {
		t.Fatal(err)
	}
	h, err := api.NewHandler(api.Options{Store: store, Tokens: map[string][]string{
		testToken:   nil,
		scopedToken: {"applicationJobLog.get"},
		otherToken:  {"device.get"}, // none of the operation's scopes
	}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL, store
}

func TestJoblogGetLocalAPI(t *testing.T) {
	t.Parallel()
	base, _ := newLocalAPI(t)
	tests := []struct {
		name   string
		token  string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{
			name: "table", token: testToken, args: []string{"--app", exampleApp, "--job", exampleJob},
			code: ExitOK, stdout: []string{"completed", "2025-06-10T04:07:42.123Z", "written 123456789"},
		},
		{
			name: "json with a scoped token", token: scopedToken, args: []string{"--app", exampleApp, "--job", exampleJob, "-o", "json"},
			code: ExitOK, stdout: []string{`"status": "completed"`, `"runQueuedAt": "2025-06-10T04:00:00.000Z"`},
		},
		{
			name: "404", token: testToken, args: []string{"--app", exampleApp, "--job", "0123456789abcdef01234567"},
			code: ExitFailure, stderr: []string{"404 Not Found: NotFound: Application job log was not found"},
		},
		{
			name: "401 for an unknown token", token: "tok-unknown-00000000000000000000", args: []string{"--app", exampleApp, "--job", exampleJob},
			code: ExitFailure, stderr: []string{"401 Unauthorized"},
		},
		{
			name: "403 for a token without the scope", token: otherToken, args: []string{"--app", exampleApp, "--job", exampleJob},
			code: ExitFailure, stderr: []string{"403 Forbidden"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, map[string]string{EnvToken: tt.token, EnvURL: base}, append([]string{"joblog", "get"}, tt.args...)...)
			assertNoToken(t, r.stdout, r.stderr)
			for _, tok := range []string{scopedToken, otherToken} {
				if strings.Contains(r.stdout+r.stderr, tok) {
					t.Errorf("a token leaked: %q %q", r.stdout, r.stderr)
				}
			}
			if r.code != tt.code {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if tt.code != ExitOK {
				assertOneLine(t, r.stderr, tt.stderr...)
			} else if r.stderr != "" {
				t.Errorf("stderr is not empty on success: %q", r.stderr)
			}
			if strings.Contains(strings.Join(tt.args, " "), "json") {
				decodeOneObject(t, r.stdout)
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout does not hold %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

// TestJoblogWaitSimulated waits through jobs the local API's simulator
// runs, to each kind of end.
func TestJoblogWaitSimulated(t *testing.T) {
	t.Parallel()
	tests := []struct {
		outcome  losant.ApplicationJobLogStatus
		code     int
		lastLine string
	}{
		{outcome: "completed", code: ExitOK, lastLine: "status completed 100/100 (100%)"},
		{outcome: "errored", code: ExitJobFailed, lastLine: "ended errored: SimulatedError: the simulated job failed"},
		{outcome: "failed", code: ExitJobFailed, lastLine: "ended failed: SimulatedError: the simulated job failed"},
	}
	for _, tt := range tests {
		t.Run(string(tt.outcome), func(t *testing.T) {
			t.Parallel()
			base, store := newLocalAPI(t)
			ctx, cancel := context.WithCancel(t.Context())
			job, err := store.Simulate(ctx, api.SimulateOptions{ApplicationID: exampleApp, Duration: 600 * time.Millisecond, Steps: 4, Outcome: tt.outcome})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cancel(); <-job.Done() })

			r := runCLI(t, tokenEnv(base), "joblog", "wait", "--app", job.ApplicationID, "--job", job.JobID,
				"--interval", "20ms", "--max-interval", "40ms", "--timeout", "20s")
			if r.code != tt.code {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "status queued") {
				t.Errorf("first progress line %q, want status queued", lines[0])
			}
			if !strings.Contains(r.stderr, "status inProgress") {
				t.Errorf("no inProgress line:\n%s", r.stderr)
			}
			if last := lines[len(lines)-1]; !strings.Contains(last, tt.lastLine) {
				t.Errorf("last stderr line %q, want it to hold %q", last, tt.lastLine)
			}
			for i := 1; i < len(lines); i++ {
				if lines[i] == lines[i-1] {
					t.Errorf("line %q repeated: lines are printed only when something changed", lines[i])
				}
			}
			rows := tableRows(r.stdout)
			if rows["Status"] != string(tt.outcome) || rows["Job"] != job.JobID {
				t.Errorf("stdout is not the final job log:\n%s", r.stdout)
			}
		})
	}
}
