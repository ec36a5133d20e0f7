package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/losant-go/losant-go/internal/testrepo"
)

// tools are oasdiff and apidiff, built once from the versions pinned in
// go.mod so that each check below runs them without a go tool lookup.
var tools struct{ oasdiff, apidiff string }

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

// shared is the one scratch copy the check tests use in turn: copying
// the repository and type-checking it in a new place is the slow part.
var shared scratch

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "compatcheck")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := setUp(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	if err := goleak.Find(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return code
}

// setUp builds oasdiff and apidiff once, at the versions pinned in
// go.mod, and makes the shared scratch copy: the repository with a planted
// operation in openapi.yaml and a planted type in packages losant and api,
// baselined, as if they had been released.
func setUp(dir string) error {
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", bin+"/", "github.com/oasdiff/oasdiff", "golang.org/x/exp/cmd/apidiff")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the pinned tools: %v\n%s", err, out)
	}
	tools.oasdiff, tools.apidiff = filepath.Join(bin, "oasdiff"), filepath.Join(bin, "apidiff")
	shared = scratch{dir: filepath.Join(dir, "repo"), saved: map[string]string{}}
	if err := os.Mkdir(shared.dir, 0o755); err != nil {
		return err
	}
	if err := testrepo.CopyTo(shared.dir); err != nil {
		return err
	}
	if err := plant(shared.dir); err != nil {
		return err
	}
	if err := shared.options(&bytes.Buffer{}).baseline(); err != nil {
		return err
	}
	var out bytes.Buffer
	if err := shared.options(&out).check(); err != nil || !strings.Contains(out.String(), "match compat/baseline/") {
		return fmt.Errorf("right after the baseline, check = %v, want it to pass saying nothing changed:\n%s", err, out.String())
	}
	for _, name := range []string{"openapi.yaml", "CHANGELOG.md", plantedFile, "api/" + plantedFile, baselineDir + "/losant.txt"} {
		b, err := os.ReadFile(filepath.Join(shared.dir, name))
		if err != nil {
			return err
		}
		shared.saved[name] = string(b)
	}
	return nil
}

// scratch is a copy of the repository whose baseline was made after the
// planting, so the planted spec and Go code are what was "released".
type scratch struct {
	t     *testing.T
	dir   string
	saved map[string]string // the files tests change, as baselined
}

// newScratch hands the shared scratch to test t with every file a test
// changes put back as baselined (setUp checked that nothing differs then).
func newScratch(t *testing.T) scratch {
	t.Helper()
	s := shared
	s.t = t
	for name, text := range s.saved {
		s.write(name, text)
	}
	return s
}

func (s scratch) options(out *bytes.Buffer) *options {
	return &options{dir: s.dir, oasdiff: []string{tools.oasdiff}, apidiff: []string{tools.apidiff}, out: out}
}

// check runs the check as scripts/compat-check.sh does and returns what
// it printed.
func (s scratch) check() (string, error) {
	var out bytes.Buffer
	err := s.options(&out).check()
	return out.String(), err
}

func (s scratch) read(name string) string {
	s.t.Helper()
	b, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		s.t.Fatal(err)
	}
	return string(b)
}

func (s scratch) write(name, text string) {
	s.t.Helper()
	if err := os.WriteFile(filepath.Join(s.dir, name), []byte(text), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// edit replaces old, which must occur exactly once, with new.
func (s scratch) edit(name, old, new string) {
	s.t.Helper()
	text := s.read(name)
	if n := strings.Count(text, old); n != 1 {
		s.t.Fatalf("%s holds %q %d times, want once", name, old, n)
	}
	s.write(name, strings.Replace(text, old, new, 1))
}

// acknowledge adds item under a "### Breaking" heading at the top of
// CHANGELOG.md's Unreleased section.
func (s scratch) acknowledge(item string) {
	s.t.Helper()
	text := s.read("CHANGELOG.md")
	i := strings.Index(text, "## [Unreleased]\n")
	if i < 0 {
		s.t.Fatal("CHANGELOG.md has no \"## [Unreleased]\" line")
	}
	i += len("## [Unreleased]\n")
	s.write("CHANGELOG.md", text[:i]+"\n### Breaking\n\n- "+item+"\n"+text[i:])
}

// emptyUnreleased leaves CHANGELOG.md with nothing unreleased.
func (s scratch) emptyUnreleased() {
	s.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2026-01-01\n\n- first release\n")
}

func wantFail(t *testing.T, out string, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("check passed, want it to fail:\n%s", out)
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("the check's output lacks %q:\n%s", w, out)
		}
	}
}

func wantPass(t *testing.T, out string, err error, wants ...string) {
	t.Helper()
	if err != nil {
		t.Errorf("check failed (%v), want it to pass:\n%s", err, out)
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("the check's output lacks %q:\n%s", w, out)
		}
	}
}
