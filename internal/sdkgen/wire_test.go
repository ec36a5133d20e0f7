package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestWire is the generator's end-to-end test, and what "Adding an
// operation" in the README promises: it adds testdata/fixture.yaml's Widget
// operations to a copy of openapi.yaml in a scratch copy of the module,
// regenerates it, and runs testdata/wire/*_test.go.txt there, which call
// the generated methods against httptest servers and check the bytes on
// the wire and each answer decoded into its own field. No hand-written SDK
// code is added.
func TestWire(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a copy of the module; skipped with -short")
	}
	scratch, specPath := fixtureModule(t)
	if err := run(specPath, scratch, ""); err != nil {
		t.Fatalf("generating the SDK with the fixture's operations added: %v", err)
	}
	tests, err := filepath.Glob(filepath.Join("testdata", "wire", "*_test.go.txt"))
	if err != nil || len(tests) == 0 {
		t.Fatalf("no wire tests: %v", err)
	}
	for _, f := range tests {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(scratch, strings.TrimSuffix(filepath.Base(f), ".txt")), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-count=1", "-run", "TestWire", ".")
	cmd.Dir = scratch
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the wire tests failed in the regenerated module: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// TestWireLocalAPI follows step 3 of "Adding an operation" on the fixture:
// regenerated with the local API's package (generated/), the api package
// no longer builds until the new operations have handlers, and the build
// error names them; with testdata/wire/api/widgets.go.txt it builds, and
// the generated SDK is served by the local API.
func TestWireLocalAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a copy of the module; skipped with -short")
	}
	scratch, specPath := fixtureModule(t, "./api")
	if err := run(specPath, scratch, filepath.Join(scratch, "oapi-codegen.yaml")); err != nil {
		t.Fatalf("generating with the fixture's operations: %v", err)
	}
	goCmd := func(args ...string) ([]byte, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = scratch
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		return cmd.CombinedOutput()
	}
	out, err := goCmd("build", "./api")
	if err == nil || !strings.Contains(string(out), "Widget") {
		t.Fatalf("the api package built without the new operations' handlers (%v):\n%s", err, out)
	}
	for src, dst := range map[string]string{
		"api/widgets.go.txt":          filepath.Join("api", "widgets.go"),
		"api/widget_wire_test.go.txt": filepath.Join("api", "widget_wire_test.go"),
	} {
		b, err := os.ReadFile(filepath.Join("testdata", "wire", src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(scratch, dst), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := goCmd("test", "-count=1", "-run", "TestWireLocalAPI", "./api"); err != nil {
		t.Fatalf("the local API with the fixture's handlers: %v\n%s", err, out)
	}
}

// fixtureModule makes a scratch copy of the module (what pkgs need, "."
// when none are named) with oapi-codegen.yaml, and writes there
// openapi.yaml merged with the fixture's operations, whose path it
// returns.
func fixtureModule(t *testing.T, pkgs ...string) (scratch, specPath string) {
	t.Helper()
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	scratch = t.TempDir()
	copyModule(t, repo, scratch, pkgs...)
	cfg, err := os.ReadFile(filepath.Join(repo, "oapi-codegen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(scratch, "oapi-codegen.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	specPath = filepath.Join(scratch, "openapi.json")
	spec := mergedSpec(t, filepath.Join(repo, "openapi.yaml"), filepath.Join("testdata", "fixture.yaml"))
	if err := os.WriteFile(specPath, spec, 0o644); err != nil {
		t.Fatal(err)
	}
	return scratch, specPath
}

// copyModule copies what the SDK package needs to build: go.mod, go.sum,
// the root package's non-test files and the internal packages it imports.
func copyModule(t *testing.T, repo, dst string, pkgs ...string) {
	t.Helper()
	cp := func(rel string) {
		b, err := os.ReadFile(filepath.Join(repo, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cp("go.mod")
	cp("go.sum")
	// The module's packages the SDK imports, as go list finds them.
	if len(pkgs) == 0 {
		pkgs = []string{"."}
	}
	list := exec.Command("go", append([]string{"list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}"}, pkgs...)...)
	list.Dir = repo
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const module = "github.com/losant-go/losant-go/"
	var dirs []string
	for _, p := range strings.Fields(string(out)) {
		if rel, ok := strings.CutPrefix(p, module); ok && rel != "" {
			dirs = append(dirs, rel)
		}
	}
	if len(dirs) == 0 {
		t.Fatal("the SDK imports none of the module's packages? go list said: " + string(out))
	}
	for _, dir := range append(dirs, "") { // "": the root package
		root := filepath.Join(repo, dir)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && path != root {
				return fs.SkipDir // each package on its own
			}
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			rel, _ := filepath.Rel(repo, path)
			cp(rel)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// mergedSpec is base with fixture's paths, parameters and schemas added
// (those base already has are kept), as JSON.
func mergedSpec(t *testing.T, base, fixture string) []byte {
	t.Helper()
	load := func(p string) *openapi3.T {
		doc, err := openapi3.NewLoader().LoadFromFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	doc, fx := load(base), load(fixture)
	for path, item := range fx.Paths.Map() {
		if doc.Paths.Value(path) != nil {
			t.Fatalf("fixture path %s is already in openapi.yaml: rename it", path)
		}
		doc.Paths.Set(path, item)
	}
	for name, p := range fx.Components.Parameters {
		if _, ok := doc.Components.Parameters[name]; !ok {
			doc.Components.Parameters[name] = p
		}
	}
	for name, s := range fx.Components.Schemas {
		if _, ok := doc.Components.Schemas[name]; !ok {
			doc.Components.Schemas[name] = s
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
