package losant_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// consumerMain is a program that imports the SDK as a user's would, at a
// version its go.mod requires, and makes one request.
const consumerMain = `package main

import (
	"context"
	"os"

	losant "github.com/losant-go/losant-go"
)

func main() {
	c, err := losant.NewClient(losant.WithToken("tok"), losant.WithBaseURL(os.Args[1]), losant.WithInsecureAllowHTTP(), losant.WithoutRetries())
	if err != nil {
		panic(err)
	}
	if _, err := c.ApplicationJobLog.Get(context.Background(), "` + appID + `", "` + jobID + `"); err != nil {
		panic(err)
	}
}
`

// A program built against losant-go v0.7.7 sends "losant-go/0.7.7" as its
// User-Agent: the version comes from the program's build info, not from
// the Version constant (which says otherwise).
func TestUserAgentReportsModuleVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	const required = "0.7.7"
	if losant.Version == required {
		t.Fatalf("the test needs a required version other than the constant %s", losant.Version)
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gosum, err := os.ReadFile("go.sum")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod": "module example.com/consumer\n\ngo 1.26.0\n\nrequire github.com/losant-go/losant-go v" + required +
			"\n\nreplace github.com/losant-go/losant-go => " + root + "\n",
		"go.sum":  string(gosum), // the SDK's own requirements' sums
		"main.go": consumerMain,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "consumer")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = dir
	// Offline: everything comes from the module cache this module filled.
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building a program that requires losant-go v%s: %v\n%s", required, err, out)
	}

	var mu sync.Mutex
	var userAgent string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		userAgent = r.Header.Get("User-Agent")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	if out, err := exec.Command(bin, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("running it: %v\n%s", err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := "losant-go/" + required + " ("; !strings.HasPrefix(userAgent, want) {
		t.Errorf("User-Agent = %q, want it to start %q", userAgent, want)
	}
}
