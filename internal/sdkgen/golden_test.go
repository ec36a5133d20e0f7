package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from what sdkgen writes now")

// goldenFiles are the files sdkgen writes, by their golden copy's name.
var goldenFiles = map[string]string{
	"models.gen.go.golden":     "models.gen.go",
	"operations.gen.go.golden": "operations.gen.go",
	"ops.gen.go.golden":        filepath.Join("internal", "ops", "ops.gen.go"),
}

// TestGolden generates the SDK from testdata/fixture.yaml, which holds every
// construct sdkgen generates, and compares it with testdata/golden. After a
// deliberate change to the generator, run
//
//	go test ./internal/sdkgen -run TestGolden -update
//
// and review the golden files' diff: it is what the change does to
// generated code.
func TestGolden(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module github.com/losant-go/losant-go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(filepath.Join("testdata", "fixture.yaml"), root, ""); err != nil {
		t.Fatal(err)
	}
	for golden, file := range goldenFiles {
		got, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "golden", golden)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
			for i := range min(len(gl), len(wl)) {
				if gl[i] != wl[i] {
					t.Errorf("%s differs from %s at line %d:\n got %q\nwant %q\n(run with -update after a deliberate change)", file, path, i+1, gl[i], wl[i])
					break
				}
			}
			if len(gl) != len(wl) {
				t.Errorf("%s has %d lines, %s %d", file, len(gl), path, len(wl))
			}
		}
	}
}

// TestGoldenConstructs checks the golden files hold what each construct of
// the fixture must become, so that -update cannot bless a regression
// unnoticed.
func TestGoldenConstructs(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ops, models, table := read("operations.gen.go.golden"), read("models.gen.go.golden"), read("ops.gen.go.golden")
	for _, c := range []struct{ construct, file, want string }{
		{"a required JSON body ($ref) is a typed argument", ops, "func (s *WidgetService) Export(ctx context.Context, applicationID string, widgetID string, body *WidgetExportPost, opts ...RequestOption) (*WidgetExportResponse, error)"},
		{"a job-starting operation's only answer is the job", ops, "opts ...RequestOption) (*Job, error)"},
		{"a job-starting operation with several answers has Job()", ops, "func (r *WidgetExportResponse) Job() *Job"},
		{"the JSON body is checked against its schema", ops, `jsonBody("WidgetExportPost", body, true)`},
		{"an optional inline JSON body becomes a named model", ops, `jsonBody("WidgetCloneBody", body, false)`},
		{"a multipart body is a form type", ops, "body *WidgetImportForm"},
		{"a file part is a reader", ops, "Bundle io.Reader"},
		{"a JSON part is its model", ops, "Options *WidgetImportOptions"},
		{"a required part is checked", ops, `invalidArg("body.bundle", "is required`},
		{"several 2xx: a response type with a field per status", ops, "JSON202 *JobEnqueued"},
		{"a 201 is decoded into its own field", ops, "JSON201 *Widget"},
		{"a 204-only operation returns an error alone", ops, "func (s *WidgetService) Delete(ctx context.Context, widgetID string, opts ...RequestOption) error"},
		{"an operation's own header is a params field", ops, "XTraceID string"},
		{"the header is sent", ops, `h.Set("X-Trace-Id", p.XTraceID)`},
		{"a required query parameter is checked", ops, `invalidArg("date", "is required")`},
		{"a query pattern is checked", ops, `ops.MatchPattern("^[0-9]{1,15}$", p.Date)`},
		{"an unexploded array is joined", ops, `strings.Join(vals, ",")`},
		{"an exploded array repeats", ops, `q["tag"] = vals`},
		{"a number parameter is a float64", ops, "Ratio float64"},
		{"the shared header is a generated option", ops, "func WithLosantDomain(value string) SharedOption"},
		{"a paged operation gets All", ops, "func (s *WidgetService) All(ctx context.Context, params *WidgetListParams, opts ...RequestOption) iter.Seq2[*Widget, error]"},
		{"and AllRaw", ops, "func (s *WidgetService) AllRaw("},
		{"Client gets the service field", ops, "Widget *WidgetService"},
		{"a boolean enum is a plain bool", models, "JobQueued *bool"},
		{"a union is a type with As/From methods", models, "func (t WidgetShape) AsWidgetCircle() (WidgetCircle, error)"},
		{"numbers are float64", models, "Radius *float64"},
		{"an anyOf is a union type too", models, "func (t WidgetLabel) AsWidgetSquare() (WidgetSquare, error)"},
		{"the table lists the shared header", table, `Headers: []string{"losantdomain"}`},
		{"the table lists the 2xx statuses", table, "Success: map[int]bool{200: true, 201: true, 202: true}"},
		{"a bodiless 204", table, "Success: map[int]bool{204: false}"},
	} {
		// gofmt aligns fields: compare with runs of spaces as one.
		if !strings.Contains(strings.Join(strings.Fields(c.file), " "), c.want) {
			t.Errorf("%s: the golden output lacks %q", c.construct, c.want)
		}
	}
	for _, banned := range []string{"oapi-codegen/runtime", "openapi_types", "MergeWidget"} {
		if strings.Contains(models+ops, banned) {
			t.Errorf("generated SDK code holds %q: the SDK must not need oapi-codegen's runtime", banned)
		}
	}
}
