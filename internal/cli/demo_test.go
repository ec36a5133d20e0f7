package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestDemo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		code     int
		status   string
		lastLine string
	}{
		{name: "completed", code: ExitOK, status: "completed", lastLine: "status completed 100/100 (100%)"},
		{name: "errored", args: []string{"--outcome", "errored"}, code: ExitJobFailed, status: "errored", lastLine: "ended errored: SimulatedError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			// No environment at all: the demo needs no token and no URL.
			r := runCLI(t, nil, append([]string{"demo", "--duration", "800ms"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("the demo took %v", d)
			}
			if !regexp.MustCompile(`running in-process at http://127\.0\.0\.1:\d+\n`).MatchString(r.stdout) {
				t.Errorf("stdout does not say where the local API runs:\n%s", r.stdout)
			}
			// Two job logs: the example one (completed) and the simulated one.
			statuses := regexp.MustCompile(`(?m)^Status\s+(\S+)$`).FindAllStringSubmatch(r.stdout, -1)
			if len(statuses) != 2 || statuses[0][1] != "completed" || statuses[1][1] != tt.status {
				t.Errorf("job log statuses %v, want the example's completed then %s:\n%s", statuses, tt.status, r.stdout)
			}
			// The example application's job logs, listed as a table.
			if !strings.Contains(r.stdout, "$ losant joblog list --app "+exampleApp) ||
				!regexp.MustCompile(`(?m)^`+exampleJob+`\s+ArchiveData\s+completed\s+100%\s+2025-06-10 04:00:00\s+7m41s$`).MatchString(r.stdout) {
				t.Errorf("stdout does not list the application's job logs:\n%s", r.stdout)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if !strings.HasPrefix(lines[0], "status queued") || !strings.Contains(lines[len(lines)-1], tt.lastLine) {
				t.Errorf("stderr, want progress lines from queued to the end:\n%s", r.stderr)
			}
		})
	}
}

// TestDemoJSON checks that with -o json, stdout holds one JSON document,
// what get, list and wait print, indented as they indent, the story going
// to stderr.
func TestDemoJSON(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "demo", "--duration", "300ms", "-o", "json")
	if r.code != ExitOK {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	doc := decodeOneObject(t, r.stdout)
	get, _ := doc["get"].(map[string]any)
	list, _ := doc["list"].([]any)
	wait, _ := doc["wait"].(map[string]any)
	if get["status"] != "completed" || get["id"] != exampleJob || len(list) == 0 || wait["status"] != "completed" {
		t.Errorf("document %v, want get (the example), list and wait (completed)", doc)
	}
	if len(doc) != 3 {
		t.Errorf("document keys %v, want get, list and wait", doc)
	}
	var want bytes.Buffer
	_ = json.Indent(&want, []byte(r.stdout), "", "  ")
	if want.String() != r.stdout {
		t.Errorf("the document is not indented by two spaces a level:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "running in-process at http://127.0.0.1:") || !strings.Contains(r.stderr, "$ losant joblog list") {
		t.Errorf("the story is not on stderr:\n%s", r.stderr)
	}
}

// TestDemoBar checks the demo with stderr on a terminal: a progress bar.
func TestDemoBar(t *testing.T) {
	t.Parallel()
	r := runApp(t, &app{isTerminal: func(io.Writer) bool { return true }}, nil, "demo", "--duration", "500ms")
	if r.code != ExitOK {
		t.Fatalf("exit code %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "100/100") || strings.Contains(r.stderr, "status ") {
		t.Errorf("want a progress bar on stderr: %q", r.stderr)
	}
}

func TestDemoUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"demo", "--outcome", "done"},
		{"demo", "--duration", "0s"},
		{"demo", "extra"},
	} {
		r := runCLI(t, nil, args...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, r.code, ExitUsage)
		}
		assertOneLine(t, r.stderr)
	}
}
