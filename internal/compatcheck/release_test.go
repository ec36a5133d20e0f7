package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/losant-go/losant-go/internal/testrepo"
)

// scripts/release.sh in a scratch repository (a copy of this one, made a
// git repository with a bare "origin"): it moves Unreleased to the
// version, sets the constant, refreshes the baseline from the tree,
// commits and tags, pushes nothing, and refuses what it must; and
// `losant version` built after the tag reports the version Go derives
// from it.
func TestReleaseScript(t *testing.T) {
	if testing.Short() {
		t.Skip("runs scripts/release.sh in a scratch repository")
	}
	dir := testrepo.Copy(t)
	s := scratch{t: t, dir: dir}
	// Baseline the copy as it is, so the release does not depend on the
	// real tree's baseline being fresh, then add a function to release.
	if err := s.options(&bytes.Buffer{}).baseline(); err != nil {
		t.Fatal(err)
	}
	s.write("zz_release_planted.go", "package losant\n\n// ReleasePlanted is added by TestReleaseScript.\nfunc ReleasePlanted() {}\n")
	testrepo.Init(t, dir)
	origin := filepath.Join(t.TempDir(), "origin.git")
	testrepo.Git(t, dir, "clone", "-q", "--bare", dir, origin)
	testrepo.Git(t, dir, "remote", "add", "origin", origin)
	before := testrepo.Git(t, dir, "rev-parse", "HEAD")

	release := func(args ...string) (string, error) {
		return testrepo.Run(dir, nil, "bash", append([]string{"scripts/release.sh"}, args...)...)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"1.2"}, "not semantic"},
		{[]string{"v01.2.3"}, "not semantic"},
		{nil, "usage"},
	} {
		if out, err := release(bad.args...); err == nil || !strings.Contains(out, bad.want) {
			t.Errorf("release.sh %q: err %v, output %q; want a failure saying %q", bad.args, err, out, bad.want)
		}
	}
	s.write("README.md", "dirty\n")
	if out, err := release("0.2.0"); err == nil || !strings.Contains(out, "uncommitted changes") {
		t.Errorf("release.sh on a dirty tree: err %v, output %q; want a refusal", err, out)
	}
	testrepo.Git(t, dir, "checkout", "-q", "--", "README.md")

	today := time.Now().UTC().Format(time.DateOnly)
	out, err := release("v0.2.0")
	if err != nil {
		t.Fatalf("release.sh v0.2.0: %v\n%s", err, out)
	}
	if !strings.Contains(out, "committed and tagged v0.2.0 locally (nothing pushed)") {
		t.Errorf("release.sh output lacks its summary:\n%s", out)
	}

	changelog := s.read("CHANGELOG.md")
	if !strings.Contains(changelog, "## [Unreleased]\n\n## [0.2.0] - "+today+"\n") {
		t.Errorf("CHANGELOG.md has no empty Unreleased above \"## [0.2.0] - %s\":\n%s", today, changelog)
	}
	if u, err := parseChangelog(changelog); err != nil || len(u.items) != 0 {
		t.Errorf("Unreleased after the release: %q (err %v), want nothing", u.items, err)
	}
	if v := s.read("version.go"); !strings.Contains(v, `const Version = "0.2.0"`) {
		t.Errorf("version.go does not say 0.2.0:\n%s", v)
	}
	listing := s.read(baselineDir + "/losant.txt")
	for _, want := range []string{`const Version = "0.2.0"`, "func ReleasePlanted()"} {
		if !strings.Contains(listing, want) {
			t.Errorf("the refreshed baseline listing lacks %q", want)
		}
	}
	if st := testrepo.Git(t, dir, "status", "--porcelain"); st != "" {
		t.Errorf("release.sh left changes uncommitted:\n%s", st)
	}
	if subject := testrepo.Git(t, dir, "log", "-1", "--format=%s"); subject != "Release v0.2.0\n" {
		t.Errorf("last commit = %q, want \"Release v0.2.0\"", subject)
	}
	if parent := testrepo.Git(t, dir, "rev-parse", "HEAD~1"); parent != before {
		t.Errorf("the release commit's parent = %s, want the commit before it %s", parent, before)
	}
	if typ := testrepo.Git(t, dir, "cat-file", "-t", "v0.2.0"); typ != "tag\n" {
		t.Errorf("v0.2.0 is a %q, want an annotated tag", typ)
	}
	if tagged, head := testrepo.Git(t, dir, "rev-parse", "v0.2.0^{commit}"), testrepo.Git(t, dir, "rev-parse", "HEAD"); tagged != head {
		t.Errorf("v0.2.0 points at %s, want HEAD %s", tagged, head)
	}
	if tags := testrepo.Git(t, origin, "tag", "--list"); tags != "" {
		t.Errorf("origin has tags %q: release.sh pushed", tags)
	}
	if head := testrepo.Git(t, origin, "rev-parse", "main"); head != before {
		t.Errorf("origin's main = %q, was %q: release.sh pushed", head, before)
	}

	// The released tree passes the check, and the same version again is
	// refused.
	if out, err := testrepo.Run(dir, nil, "bash", "scripts/compat-check.sh"); err != nil || !strings.Contains(out, "match compat/baseline/") {
		t.Errorf("compat-check.sh after the release: %v\n%s", err, out)
	}
	if out, err := release("0.2.0"); err == nil || !strings.Contains(out, "already exists") {
		t.Errorf("releasing 0.2.0 twice: err %v, output %q; want a refusal", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, baselineDir, "losant.export")); err != nil {
		t.Error(err)
	}

	// Go reads the tag: the losant command built one commit after it
	// reports a pseudo-version after 0.2.0 (the constant says 0.2.0).
	testrepo.Git(t, dir, "commit", "-q", "--allow-empty", "-m", "after the release")
	bin := filepath.Join(t.TempDir(), "losant")
	if out, err := testrepo.Run(dir, []string{"GOFLAGS=-buildvcs=true"}, "go", "build", "-o", bin, "./cmd/losant"); err != nil {
		t.Fatalf("building the losant command: %v\n%s", err, out)
	}
	out, err = testrepo.Run(dir, nil, bin, "version")
	if err != nil || !strings.HasPrefix(out, "0.2.1-0.") {
		t.Errorf("losant version one commit after v0.2.0: %q (err %v), want a pseudo-version 0.2.1-0.…", out, err)
	}
}
