package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
			// The job logs printed: the example one, the export, the clone
			// and the import (completed), then the simulated one.
			statuses := regexp.MustCompile(`(?m)^Status\s+(\S+)$`).FindAllStringSubmatch(r.stdout, -1)
			if len(statuses) != 5 || statuses[4][1] != tt.status {
				t.Fatalf("job log statuses %v, want 4 completed then %s:\n%s", statuses, tt.status, r.stdout)
			}
			for _, s := range statuses[:4] {
				if s[1] != "completed" {
					t.Errorf("job log statuses %v, want the first four completed", statuses)
				}
			}
			for _, w := range []string{`Name\s+ApplicationExport`, `Download 1\s+http`, `Name\s+ApplicationClone`, `Output application\s+[0-9a-f]{24}`,
				`Name\s+ApplicationImport`, `Output counters\s+created [1-9]`} {
				if !regexp.MustCompile(`(?m)^` + w).MatchString(r.stdout) {
					t.Errorf("stdout does not hold %q:\n%s", w, r.stdout)
				}
			}
			// The zip was saved with progress, then removed with its directory.
			saved := regexp.MustCompile(`(?m)^saved (\S+) \((\d+) bytes\)$`).FindStringSubmatch(r.stderr)
			if saved == nil || !strings.Contains(r.stderr, "download 100%") {
				t.Errorf("stderr does not show the zip's download:\n%s", r.stderr)
			} else if _, err := os.Stat(filepath.Dir(saved[1])); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the demo left %s behind: %v", filepath.Dir(saved[1]), err)
			}
			// Both applications' job logs listed after the import.
			if !regexp.MustCompile(`(?m)^[0-9a-f]{24}\s+ApplicationExport\s+completed`).MatchString(r.stdout) ||
				!regexp.MustCompile(`(?m)^[0-9a-f]{24}\s+ApplicationImport\s+completed`).MatchString(r.stdout) {
				t.Errorf("stdout does not list the export and import jobs:\n%s", r.stdout)
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
	export, _ := doc["export"].(map[string]any)
	clone, _ := doc["clone"].(map[string]any)
	imported, _ := doc["import"].(map[string]any)
	lists, _ := doc["lists"].(map[string]any)
	exportOut, _ := export["output"].(map[string]any)
	importOut, _ := imported["output"].(map[string]any)
	if export["name"] != "ApplicationExport" || exportOut["downloadUrls"] == nil || clone["status"] != "completed" ||
		imported["name"] != "ApplicationImport" || importOut["created"] == nil {
		t.Errorf("document %v, want the export, clone and import (completed, with counts)", doc)
	}
	for _, k := range []string{"application", "clone"} {
		if l, _ := lists[k].([]any); len(l) == 0 {
			t.Errorf("lists.%s is empty: %v", k, lists)
		}
	}
	if len(doc) != 7 {
		t.Errorf("document keys %v, want get, list, export, clone, import, lists and wait", doc)
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
