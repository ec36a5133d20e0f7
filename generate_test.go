package losant_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedCodeIsFresh regenerates everything gen.go generates from
// openapi.yaml, into a scratch directory, and fails when a committed file
// differs: run `go generate ./...` and commit the result.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generators; skipped with -short")
	}
	scratch := t.TempDir()
	const server = "generated/losant.gen.go"
	cfg, err := os.ReadFile("oapi-codegen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(cfg, []byte("output: "+server)) {
		t.Fatalf("oapi-codegen.yaml no longer writes %s; update this test", server)
	}
	sdkRoot := filepath.Join(scratch, "sdk")
	if err := os.MkdirAll(sdkRoot, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sdkRoot, "go.mod"), gomod, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("go", "run", "./internal/sdkgen", "-spec", "openapi.yaml", "-root", sdkRoot, "-server-config", "oapi-codegen.yaml").CombinedOutput(); err != nil {
		t.Fatalf("sdkgen: %v\n%s", err, out)
	}
	serverOut := filepath.Join(sdkRoot, server)
	for committed, fresh := range map[string]string{
		server:                    serverOut,
		"models.gen.go":           filepath.Join(sdkRoot, "models.gen.go"),
		"operations.gen.go":       filepath.Join(sdkRoot, "operations.gen.go"),
		"internal/ops/ops.gen.go": filepath.Join(sdkRoot, "internal", "ops", "ops.gen.go"),
	} {
		want, err := os.ReadFile(fresh)
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
					t.Errorf("%s is stale (first difference at line %d: have %q, want %q): run `go generate ./...` and commit", committed, i+1, gl[i], wl[i])
					break
				}
			}
			if len(gl) != len(wl) {
				t.Errorf("%s is stale (%d lines, want %d): run `go generate ./...` and commit", committed, len(gl), len(wl))
			}
		}
	}
}

// TestNoDeadGeneratedCode: the SDK has its own request path, so oapi-codegen
// must not generate an HTTP client nobody calls; generated/ holds what the
// local API uses (models, strict server, embedded spec).
func TestNoDeadGeneratedCode(t *testing.T) {
	src, err := os.ReadFile("generated/losant.gen.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, clientCode := range []string{"type Client struct", "func NewClient(", "ClientWithResponses"} {
		if bytes.Contains(src, []byte(clientCode)) {
			t.Errorf("generated/losant.gen.go holds %q: turn the client off in oapi-codegen.yaml, the SDK does not use it", clientCode)
		}
	}
	if !bytes.Contains(src, []byte("StrictServerInterface")) {
		t.Error("generated/losant.gen.go has no strict server: the local API needs it")
	}
}
