package losant_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedCodeIsFresh regenerates generated/ from openapi.yaml with the
// pinned oapi-codegen, into a scratch file, and fails when the committed
// code differs: run `go generate ./...` and commit the result.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("builds oapi-codegen; skipped with -short")
	}
	cfg, err := os.ReadFile("oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const committed = "generated/losant.gen.go"
	if !bytes.Contains(cfg, []byte("output: "+committed)) {
		t.Fatalf("oapi-codegen.yaml no longer writes %s; update this test", committed)
	}
	scratch := filepath.Join(t.TempDir(), "losant.gen.go")
	tmpCfg := filepath.Join(t.TempDir(), "cfg.yaml")
	if err := os.WriteFile(tmpCfg, bytes.Replace(cfg, []byte("output: "+committed), []byte("output: "+scratch), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", tmpCfg, "openapi.yaml")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("oapi-codegen: %v\n%s", err, out)
	}
	want, err := os.ReadFile(scratch)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(committed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s is stale (first difference at line %d: have %q, want %q): run `go generate ./...` and commit", committed, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s is stale (%d lines, want %d): run `go generate ./...` and commit", committed, len(gl), len(wl))
	}
}
