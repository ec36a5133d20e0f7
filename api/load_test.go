package api_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/losant-go/losant-go/api"
)

const (
	seedApp = "5f0c8a1b2c3d4e5f60718293"
	seedA   = "5f0c8a1b2c3d4e5f607182a1"
	seedB   = "5f0c8a1b2c3d4e5f607182b2"
)

// entry returns a job log JSON object for a seed file; extra is spliced in.
func entry(id, extra string) string {
	s := `{"id":"` + id + `","applicationId":"` + seedApp + `","status":"inProgress"`
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "joblogs.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadFileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		index   int      // LoadError.Index
		id      string   // LoadError.ID
		want    []string // substrings of the message
	}{
		{"not JSON", "[\n" + entry(seedA, "") + ",\n  {oops}\n]", -1, "", []string{"not JSON", "line 3, column 4"}},
		{"truncated", "[" + entry(seedA, ""), -1, "", []string{"not JSON"}},
		{"empty", "  \n", -1, "", []string{"empty"}},
		{"an object", entry(seedA, ""), -1, "", []string{"JSON object", "want a JSON array"}},
		{"null", "null", -1, "", []string{"null"}},
		{"status of the wrong type", "[" + entry(seedA, "") + "," + strings.Replace(entry(seedB, ""), `"inProgress"`, `5`, 1) + "]", 1, seedB, []string{"at /status", "allowed values"}},
		{"status not in the enum", "[" + strings.Replace(entry(seedA, ""), `"inProgress"`, `"done"`, 1) + "]", 0, seedA, []string{"at /status", "allowed values"}},
		{"nested field of the wrong type", "[" + entry(seedA, `"progress":{"completed":1,"total":"100"}`) + "]", 0, seedA, []string{"at /progress/total", "number"}},
		{"bad date-time", "[" + entry(seedA, `"runQueuedAt":"yesterday"`) + "]", 0, seedA, []string{"at /runQueuedAt", "date-time"}},
		{"malformed id", "[" + entry("xyz", "") + "]", 0, "xyz", []string{"at /id"}},
		{"no id", `[{"applicationId":"` + seedApp + `"}]`, 0, "", []string{"entry [0]: has no id"}},
		{"no applicationId", "[" + entry(seedA, "") + `,{"id":"` + seedB + `"}]`, 1, seedB, []string{"has no applicationId"}},
		{"not an object", "[" + entry(seedA, "") + ", 42]", 1, "", []string{"at /: ", "object"}},
		{"duplicate", "[" + entry(seedA, "") + "," + entry(seedB, "") + "," + entry(seedA, "") + "]", 2, seedA, []string{"entry [0] has the same applicationId and id"}},
		{"number too large", "[" + entry(seedA, `"progress":{"total":1e999}`) + "]", 0, seedA, []string{"at /progress/total"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeFile(t, tc.content)
			store, err := api.LoadFile(path)
			if err == nil {
				t.Fatalf("LoadFile succeeded (%d job logs); want an error", len(store.List()))
			}
			msg := err.Error()
			t.Log(msg)
			if !strings.HasPrefix(msg, "api: "+path+": ") || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line starting with the file name", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			var le *api.LoadError
			if !errors.As(err, &le) || le.Path != path || le.Index != tc.index || le.ID != tc.id {
				t.Fatalf("error %#v: want a *LoadError for entry %d, id %q", err, tc.index, tc.id)
			}
			if tc.index >= 0 && !strings.Contains(msg, "entry [") {
				t.Errorf("message %q does not name the entry", msg)
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nope.json")
	_, err := api.LoadFile(path)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming %s and matching fs.ErrNotExist", err, path)
	}
}

// TestLoadFileServesEntriesAsWritten: what a file holds is what clients get,
// including fields openapi.yaml does not list and numbers' exact digits.
func TestLoadFileServesEntriesAsWritten(t *testing.T) {
	t.Parallel()
	a := entry(seedA, `"input":{"start":1749528000000,"end":1749614399999},"progress":{"completed":0.1,"total":12345678901234567890},"runQueuedAt":"2025-06-10T04:00:00.000Z","customField":{"nested":[1,2.50,"x"]}`)
	b := entry(seedB, "")
	path := writeFile(t, "[\n  "+a+",\n  "+b+"\n]\n")
	store, err := api.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(store.List()); n != 2 {
		t.Fatalf("%d job logs, want 2", n)
	}
	srv := newServer(t, api.Options{Store: store})
	for id, want := range map[string]string{seedA: a, seedB: b} {
		got := do(t, srv, "GET", jobLogPath(seedApp, id), "x")
		if got.status != 200 || strings.TrimSpace(string(got.body)) != want {
			t.Errorf("GET %s: %d %s\nwant 200 %s", id, got.status, got.body, want)
		}
	}
}

func TestLoadFileEmptyArray(t *testing.T) {
	t.Parallel()
	store, err := api.LoadFile(writeFile(t, "[]"))
	if err != nil || len(store.List()) != 0 {
		t.Fatalf("LoadFile([]) = %v, %v; want an empty store", store, err)
	}
}

// TestLoadFileObjectForm: the object form holds applications beside job
// logs; an application with job logs exists without being listed.
func TestLoadFileObjectForm(t *testing.T) {
	t.Parallel()
	const listed, implicit = "5a5a5a5a5a5a5a5a5a5a5a5a", "5c5c5c5c5c5c5c5c5c5c5c5c"
	path := writeFile(t, `{
  "applications": [{"id": "`+listed+`", "name": "Listed", "custom": 1.50}],
  "jobLogs": [`+entry(seedA, "")+`, {"id": "`+seedB+`", "applicationId": "`+implicit+`"}]
}`)
	store, err := api.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(store.List()); n != 2 {
		t.Errorf("%d job logs, want 2", n)
	}
	srv := newServer(t, api.Options{Store: store})
	for id, want := range map[string]string{
		listed:   `{"id":"` + listed + `","name":"Listed","custom":1.50,"applicationId":"` + listed + `"}`,
		implicit: `{"id":"` + implicit + `","applicationId":"` + implicit + `","name":"Application ` + implicit + `"}`,
	} {
		if r := do(t, srv, "GET", "/applications/"+id, "x"); r.status != 200 || !jsonEqual(t, r.body, want) {
			t.Errorf("GET %s: %d %s, want %s", id, r.status, r.body, want)
		}
	}
	if r := do(t, srv, "GET", "/applications/5d5d5d5d5d5d5d5d5d5d5d5d", "x"); r.status != 404 {
		t.Errorf("an application neither listed nor with job logs: %d, want 404", r.status)
	}
	if _, ok := store.Application(listed); !ok {
		t.Error("Store.Application does not find the listed application")
	}
}

func TestLoadFileObjectFormErrors(t *testing.T) {
	t.Parallel()
	const app = "5a5a5a5a5a5a5a5a5a5a5a5a"
	tests := []struct {
		name, content string
		list          string
		index         int
		want          string
	}{
		{"unknown key", `{"jobLogs":[],"devices":[]}`, "", -1, `the key "devices"`},
		{"applications not an array", `{"applications":{}}`, "", -1, "want an array"},
		{"application without id", `{"applications":[{"name":"x"}]}`, "applications", 0, "applications[0]: has no id"},
		{"application breaking the schema", `{"applications":[{"id":"` + app + `","name":""}]}`, "applications", 0, "at /name"},
		{"applicationId other than id", `{"applications":[{"id":"` + app + `","applicationId":"` + seedA + `"}]}`, "applications", 0, "differs"},
		{"duplicate application", `{"applications":[{"id":"` + app + `"},{"id":"` + app + `"}]}`, "applications", 1, "applications[0] has the same id"},
		{"bad job log", `{"jobLogs":[` + entry(seedA, "") + `,{"id":"` + seedB + `"}]}`, "jobLogs", 1, "jobLogs[1] (id " + seedB + "): has no applicationId"},
		{"more after the object", `{"jobLogs":[]} []`, "", -1, "more data"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := api.LoadFile(writeFile(t, tc.content))
			var le *api.LoadError
			if !errors.As(err, &le) || le.List != tc.list || le.Index != tc.index || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadFile: %v, want a *LoadError for %s[%d] saying %q", err, tc.list, tc.index, tc.want)
			}
		})
	}
}
