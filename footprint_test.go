package losant_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// TestImportGraph: the SDK parses no OpenAPI document at run time, so
// neither kin-openapi nor a YAML library, nor the local API's generated
// package, may be among the root package's dependencies.
func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		lower := strings.ToLower(dep)
		switch {
		case strings.Contains(lower, "kin-openapi"), strings.Contains(lower, "yaml"),
			strings.HasSuffix(dep, "/losant-go/generated"), strings.HasSuffix(dep, "/internal/spec"),
			strings.Contains(lower, "oapi-codegen"):
			t.Errorf("the root package depends on %s: the SDK must not carry a spec parser (generate what it needs into internal/ops)", dep)
		}
	}
}

// maxExtraBinaryBytes is how much larger a hello-world program that reads
// a job log with the SDK may be than the same program written with
// net/http and encoding/json (issue 9: at most 4 MB).
const maxExtraBinaryBytes = 4_000_000

// TestBinaryFootprint builds internal/footprint's two hello-world programs
// and compares their sizes (sizes, not durations: they do not vary with
// the machine's load).
func TestBinaryFootprint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs; skipped with -short")
	}
	dir := t.TempDir()
	size := func(pkg string) int64 {
		bin := filepath.Join(dir, filepath.Base(pkg))
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
		fi, err := os.Stat(bin)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	sdk, floor := size("./internal/footprint/sdk"), size("./internal/footprint/floor")
	t.Logf("hello world with the SDK: %d bytes; with net/http + encoding/json: %d bytes; difference %d", sdk, floor, sdk-floor)
	if sdk-floor > maxExtraBinaryBytes {
		t.Errorf("the SDK adds %d bytes to a hello-world binary, over the %d budget", sdk-floor, maxExtraBinaryBytes)
	}
}

// BenchmarkNewClient measures building a client (the README quotes the
// first call of a fresh process, which scripts/footprint.sh measures).
func BenchmarkNewClient(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		c, err := losant.NewClient(losant.WithToken(testToken))
		if err != nil {
			b.Fatal(err)
		}
		_ = c
	}
}

// TestNewClientCost bounds what NewClient allocates: it reads its options
// and nothing else (no spec, no files), so its cost cannot creep up
// unnoticed. A count, not a duration.
func TestNewClientCost(t *testing.T) {
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := losant.NewClient(losant.WithToken(testToken)); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 40 {
		t.Errorf("NewClient makes %.0f allocations, want at most 40", allocs)
	}
}
