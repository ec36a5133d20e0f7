package cli

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

var completedLog = jobLogJSON("completed", 100, 100,
	`"runCompletedAt":"2025-06-10T04:07:42.120Z","output":{"written":123456789,"downloadUrls":["https://files.example.com/archive/2025-06-10.csv.gz"]}`)

func TestJoblogGet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		answer  func(int, http.ResponseWriter, *http.Request)
		env     func(base string) map[string]string // default tokenEnv
		args    []string                            // after "joblog get"
		code    int
		stdout  []string // each must appear on stdout
		stderr  []string // the one stderr line must hold each
		noCalls bool     // the server must not have been asked
		calls   int      // if not 0, how many requests the server must have had
		retries []string // the retry lines stderr must start with, one reason each
	}{
		{
			name: "table", answer: sequence(completedLog),
			args: []string{"--app", testApp, "--job", testJob}, code: ExitOK,
			stdout: []string{
				"completed", "100/100 (100%)", "2025-06-10T04:00:01.000Z",
				"2025-06-10T04:07:42.120Z", "written 123456789",
				"https://files.example.com/archive/2025-06-10.csv.gz",
			},
		},
		{
			name: "json", answer: sequence(completedLog),
			args: []string{"--app", testApp, "--job", testJob, "-o", "json"}, code: ExitOK,
		},
		{
			name: "token from the flag", answer: sequence(completedLog),
			env:  func(base string) map[string]string { return map[string]string{EnvURL: base} },
			args: []string{"--app", testApp, "--job", testJob, "--token", testToken}, code: ExitOK,
		},
		{
			name: "url from the flag", answer: sequence(completedLog),
			env:  func(string) map[string]string { return map[string]string{EnvToken: testToken} },
			args: []string{"--app", testApp, "--job", testJob}, code: ExitOK, // --url added below
		},
		{
			name: "404",
			answer: func(_ int, w http.ResponseWriter, _ *http.Request) {
				writeJSONBody(w, http.StatusNotFound, `{"type":"NotFound","message":"Application job log was not found"}`)
			},
			args: []string{"--app", testApp, "--job", testJob}, code: ExitFailure,
			stderr: []string{"404", "NotFound", "Application job log was not found", testJob}, calls: 1, // never retried
		},
		{
			name: "401 for a wrong token", answer: sequence(completedLog),
			env: func(base string) map[string]string {
				return map[string]string{EnvToken: "not-the-token", EnvURL: base}
			},
			args: []string{"--app", testApp, "--job", testJob}, code: ExitFailure,
			stderr: []string{"401", "Unauthorized"},
		},
		{
			name: "503 with a proxy's body",
			answer: func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, "<html><body>\n<h1>503 Service Temporarily Unavailable</h1>\n</body></html>")
			},
			args: []string{"--app", testApp, "--job", testJob}, code: ExitFailure,
			stderr: []string{"503", "Service Temporarily Unavailable"}, calls: 3, // every attempt
			retries: []string{"503 Service Unavailable", "503 Service Unavailable"},
		},
		{
			name: "503 then 200: retried",
			answer: func(call int, w http.ResponseWriter, r *http.Request) {
				if call == 0 {
					writeJSONBody(w, http.StatusServiceUnavailable, `{"type":"ServiceUnavailable","message":"try again"}`)
					return
				}
				sequence(completedLog)(call, w, r)
			},
			args: []string{"--app", testApp, "--job", testJob}, code: ExitOK, stdout: []string{"completed"}, calls: 2,
			retries: []string{"503 Service Unavailable"},
		},
		{
			name: "bad app ID", answer: sequence(completedLog),
			args: []string{"--app", "../me", "--job", testJob}, code: ExitUsage,
			stderr: []string{"invalid --app", `"../me"`}, noCalls: true,
		},
		{
			name: "bad job ID", answer: sequence(completedLog),
			args: []string{"--app", testApp, "--job", "575ec76c7ae143cd83dc4a9"}, code: ExitUsage,
			stderr: []string{"invalid --job"}, noCalls: true,
		},
		{
			name: "missing token", answer: sequence(completedLog),
			env:  func(base string) map[string]string { return map[string]string{EnvURL: base} },
			args: []string{"--app", testApp, "--job", testJob}, code: ExitUsage,
			stderr: []string{"no API token", EnvToken}, noCalls: true,
		},
		{
			name: "token with a newline", answer: sequence(completedLog),
			env: func(base string) map[string]string {
				return map[string]string{EnvToken: testToken + "\r\nX-Evil: 1", EnvURL: base}
			},
			args: []string{"--app", testApp, "--job", testJob}, code: ExitUsage,
			stderr: []string{"invalid --token", "control character"}, noCalls: true,
		},
		{
			name: "unknown flag", answer: sequence(completedLog),
			args: []string{"--app", testApp, "--job", testJob, "--bogus"}, code: ExitUsage,
			stderr: []string{"unknown flag: --bogus", "losant joblog get --help"}, noCalls: true,
		},
		{
			name: "missing --job", answer: sequence(completedLog),
			args: []string{"--app", testApp}, code: ExitUsage,
			stderr: []string{`"job"`}, noCalls: true,
		},
		{
			name: "bad output format", answer: sequence(completedLog),
			args: []string{"--app", testApp, "--job", testJob, "-o", "yaml"}, code: ExitUsage,
			stderr: []string{"yaml", "table or json"}, noCalls: true,
		},
		{
			name: "stray argument", answer: sequence(completedLog),
			args: []string{"--app", testApp, "--job", testJob, "extra"}, code: ExitUsage,
			stderr: []string{`"extra"`}, noCalls: true,
		},
		{
			name: "plain http to another host", answer: sequence(completedLog),
			env: func(string) map[string]string {
				return map[string]string{EnvToken: testToken, EnvURL: "http://api.example.com"}
			},
			args: []string{"--app", testApp, "--job", testJob}, code: ExitUsage,
			stderr: []string{"invalid --url", "clear text"}, noCalls: true,
		},
		{
			name: "timeout",
			answer: func(_ int, _ http.ResponseWriter, r *http.Request) {
				<-r.Context().Done() // never answers
			},
			args: []string{"--app", testApp, "--job", testJob, "--timeout", "200ms"}, code: ExitFailure,
			stderr: []string{"timed out after 200ms", "--timeout", testJob},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, tt.answer)
			env := tokenEnv(api.URL)
			if tt.env != nil {
				env = tt.env(api.URL)
			}
			args := append([]string{"joblog", "get"}, tt.args...)
			if tt.name == "url from the flag" {
				args = append(args, "--url", api.URL)
			}
			r := runCLI(t, env, args...)
			if r.code != tt.code {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			r.stderr = cutRetryLines(t, r.stderr, "GET /applications/"+testApp+"/jobLogs/"+testJob, tt.retries...)
			if tt.code == ExitOK {
				if r.stderr != "" {
					t.Errorf("stderr is not empty on success: %q", r.stderr)
				}
			} else {
				assertOneLine(t, r.stderr, tt.stderr...)
				if r.stdout != "" {
					t.Errorf("stdout is not empty on failure: %q", r.stdout)
				}
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout does not hold %q:\n%s", w, r.stdout)
				}
			}
			if tt.calls != 0 && api.count() != tt.calls {
				t.Errorf("the server was asked %d times, want %d", api.count(), tt.calls)
			}
			if tt.noCalls && api.count() != 0 {
				t.Errorf("the server was asked %d times, want none", api.count())
			}
		})
	}
}

func TestJoblogGetJSONIsOneObject(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, sequence(completedLog))
	r := runCLI(t, tokenEnv(api.URL), "joblog", "get", "--app", testApp, "--job", testJob, "-o", "json")
	if r.code != ExitOK {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	obj := decodeOneObject(t, r.stdout)
	for key, want := range map[string]any{
		"id": testJob, "applicationId": testApp, "status": "completed",
		// Losant's timestamp format, milliseconds kept (Go would drop ".000").
		"runQueuedAt": "2025-06-10T04:00:00.000Z", "runCompletedAt": "2025-06-10T04:07:42.120Z",
	} {
		if obj[key] != want {
			t.Errorf("%s = %v, want %v", key, obj[key], want)
		}
	}
	if out, _ := obj["output"].(map[string]any); out["written"] != float64(123456789) {
		t.Errorf("output.written = %v, want 123456789", out["written"])
	}
}

func TestJoblogGetTable(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, sequence(jobLogJSON("errored", 40, 100,
		`"runCompletedAt":"2025-06-10T04:01:00.5Z","error":{"name":"ValidationError","message":"row 7\nhas \u001b[31mno timestamp"}`)))
	r := runCLI(t, tokenEnv(api.URL), "joblog", "get", "--app", testApp, "--job", testJob)
	if r.code != ExitOK {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	rows := tableRows(r.stdout)
	for key, want := range map[string]string{
		"ID":           testJob,
		"Status":       "errored",
		"Progress":     "40/100 (40%)",
		"Completed at": "2025-06-10T04:01:00.500Z",
		"Duration":     "59.5s",
		// A server's control characters never reach the terminal.
		"Error": "ValidationError: row 7 has [31mno timestamp",
	} {
		if rows[key] != want {
			t.Errorf("row %q = %q, want %q\n%s", key, rows[key], want, r.stdout)
		}
	}
}

// tableRows parses the key/value table: keys and values are separated by
// two or more spaces.
func tableRows(out string) map[string]string {
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "  "); ok {
			rows[k] = strings.TrimSpace(v)
		}
	}
	return rows
}

func TestJoblogWait(t *testing.T) {
	t.Parallel()
	erroredLog := jobLogJSON("errored", 40, 100,
		`"runCompletedAt":"2025-06-10T04:01:00.000Z","error":{"name":"ValidationError","message":"row 7 has no timestamp"}`)
	tests := []struct {
		name   string
		bodies []string
		args   []string // after the IDs
		code   int
		lines  []string // stderr lines, in order
		stdout []string
	}{
		{
			name: "completed",
			bodies: []string{
				jobLogJSON("queued", 0, 100, ""), jobLogJSON("inProgress", 40, 100, ""),
				jobLogJSON("inProgress", 40, 100, ""), jobLogJSON("inProgress", 90, 100, ""), completedLog,
			},
			code: ExitOK,
			lines: []string{
				"status queued 0/100 (0%)", "status inProgress 40/100 (40%)",
				"status inProgress 90/100 (90%)", "status completed 100/100 (100%)",
			},
			stdout: []string{"completed", "2025-06-10T04:07:42.120Z"},
		},
		{
			name:   "errored",
			bodies: []string{jobLogJSON("inProgress", 40, 100, ""), erroredLog},
			code:   ExitJobFailed,
			lines: []string{
				"status inProgress 40/100 (40%)", "status errored 40/100 (40%)",
				"losant: job log " + testJob + " ended errored: ValidationError: row 7 has no timestamp",
			},
			stdout: []string{"errored", "ValidationError: row 7 has no timestamp"},
		},
		{
			name:   "failed, as JSON",
			bodies: []string{jobLogJSON("failed", 3, 10, `"error":{"name":"Error","message":"worker lost"}`)},
			args:   []string{"-o", "json"},
			code:   ExitJobFailed,
			lines:  []string{"status failed 3/10 (30%)", "losant: job log " + testJob + " ended failed: Error: worker lost"},
			stdout: []string{`"status": "failed"`},
		},
		{
			name:   "timeout",
			bodies: []string{jobLogJSON("inProgress", 40, 100, "")},
			args:   []string{"--timeout", "300ms"},
			code:   ExitFailure,
			lines: []string{
				"status inProgress 40/100 (40%)",
				"losant: timed out after 300ms (--timeout) waiting for job log " + testJob + " (last seen: inProgress 40/100 (40%))",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, sequence(tt.bodies...))
			args := append([]string{"joblog", "wait", "--app", testApp, "--job", testJob, "--interval", "10ms", "--max-interval", "20ms"}, tt.args...)
			r := runCLI(t, tokenEnv(api.URL), args...)
			if r.code != tt.code {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if got := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n"); strings.Join(got, "\n") != strings.Join(tt.lines, "\n") {
				t.Errorf("stderr lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.lines, "\n"))
			}
			for _, w := range tt.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout does not hold %q:\n%s", w, r.stdout)
				}
			}
			if tt.code == ExitFailure && r.stdout != "" {
				t.Errorf("stdout is not empty after a failed wait: %q", r.stdout)
			}
			if len(tt.args) > 0 && tt.args[0] == "-o" {
				decodeOneObject(t, r.stdout)
			}
		})
	}
}

func TestJoblogWaitAPIFailure(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(call int, w http.ResponseWriter, r *http.Request) {
		if call == 0 {
			sequence(jobLogJSON("inProgress", 1, 2, ""))(call, w, r)
			return
		}
		writeJSONBody(w, http.StatusForbidden, `{"type":"Forbidden","message":"Token does not have access"}`)
	})
	r := runCLI(t, tokenEnv(api.URL), "joblog", "wait", "--app", testApp, "--job", testJob, "--interval", "10ms")
	if r.code != ExitFailure {
		t.Fatalf("exit code %d, want %d: %s", r.code, ExitFailure, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], "403 Forbidden: Forbidden: Token does not have access") {
		t.Errorf("stderr: %q", r.stderr)
	}
}

func TestJoblogWaitUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"zero interval", []string{"--interval", "0s"}, "invalid --interval"},
		{"bad duration", []string{"--interval", "soon"}, `"soon"`},
		{"max below interval", []string{"--interval", "2s", "--max-interval", "1s"}, "maximum interval"},
		{"negative timeout", []string{"--timeout", "-1s"}, "invalid --timeout"},
		{"bad ID", []string{"--job", "xyz"}, "invalid --job"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFakeAPI(t, sequence(completedLog))
			args := append([]string{"joblog", "wait", "--app", testApp, "--job", testJob}, tt.args...)
			r := runCLI(t, tokenEnv(api.URL), args...)
			if r.code != ExitUsage {
				t.Fatalf("exit code %d, want %d: %s", r.code, ExitUsage, r.stderr)
			}
			assertOneLine(t, r.stderr, tt.want)
			if api.count() != 0 {
				t.Errorf("the server was asked %d times, want none", api.count())
			}
		})
	}
}

// TestJoblogWaitBar checks the progress bar drawn when stderr is a terminal.
func TestJoblogWaitBar(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, sequence(jobLogJSON("queued", 0, 100, ""), jobLogJSON("inProgress", 50, 100, ""), completedLog))
	a := &app{isTerminal: func(io.Writer) bool { return true }}
	start := time.Now()
	r := runApp(t, a, tokenEnv(api.URL), "joblog", "wait", "--app", testApp, "--job", testJob, "--interval", "10ms")
	if r.code != ExitOK {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	for _, w := range []string{"100/100", "completed", "\r"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("the bar on stderr lacks %q: %q", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "status ") || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("want a bar ending in a newline, not progress lines: %q", r.stderr)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("the wait took %v", time.Since(start))
	}
}

func TestJoblogGetVerboseLogsRetries(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, func(call int, w http.ResponseWriter, r *http.Request) {
		if call == 0 {
			writeJSONBody(w, http.StatusServiceUnavailable, `{"type":"ServiceUnavailable","message":"try again"}`)
			return
		}
		sequence(completedLog)(call, w, r)
	})
	r := runCLI(t, tokenEnv(api.URL), "joblog", "get", "--app", testApp, "--job", testJob, "--verbose")
	if r.code != ExitOK {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"retrying request", "reason=503", "attempt=1", "/jobLogs/" + testJob} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if api.count() != 2 {
		t.Errorf("the server was asked %d times, want 2", api.count())
	}
}

// -o json prints the object as the API sent it: fields the SDK does not
// model and Losant's number spelling survive.
func TestJoblogGetJSONKeepsUnknownFields(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, sequence(jobLogJSON("completed", 100, 100, `"brandNew":{"nested":[1,2]},"output":{"written":1.0e3}`)))
	r := runCLI(t, tokenEnv(api.URL), "joblog", "get", "--app", testApp, "--job", testJob, "-o", "json")
	if r.code != ExitOK {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	obj := decodeOneObject(t, r.stdout)
	if _, ok := obj["brandNew"]; !ok {
		t.Errorf("the unknown field brandNew was dropped:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, `"written": 1.0e3`) {
		t.Errorf("output.written was re-spelled:\n%s", r.stdout)
	}
}
