// Package testrepo gives tests a scratch copy of this repository to change
// freely: the compatibility check's planted breaking changes, a release,
// a build stamped with a version tag. The copy is of the files on disk
// (committed or not), not a git worktree, so nothing a test does reaches
// the real tree.
package testrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Root returns the module root above the working directory.
func Root() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testrepo: no go.mod above the working directory")
		}
		dir = parent
	}
}

// skipped are what a copy leaves out: git's own data, and npm installs.
// In a git worktree .git is a file that points at the main repository's
// data: a copy that kept it would commit and tag in the real repository.
var skipped = map[string]bool{".git": true, "node_modules": true}

// Copy copies the repository's files into a new temporary directory that
// the test removes when it ends, and returns its path.
func Copy(tb testing.TB) string {
	tb.Helper()
	dst := tb.TempDir()
	if err := CopyTo(dst); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// CopyTo copies the repository's files into the existing directory dst.
func CopyTo(dst string) error {
	src, err := Root()
	if err != nil {
		return err
	}
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if skipped[d.Name()] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, info.Mode().Perm())
	})
	if err != nil {
		return fmt.Errorf("testrepo: copying %s: %v", src, err)
	}
	return nil
}

// Git runs git in dir as a fixed test identity and returns its combined
// output, failing the test on an error.
func Git(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := Run(dir, nil, "git", args...)
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Init makes dir a git repository with everything in it committed, as a
// fresh clone would be. dir must not be (or point at) a repository yet.
func Init(tb testing.TB, dir string) {
	tb.Helper()
	if _, err := os.Lstat(filepath.Join(dir, ".git")); !errors.Is(err, fs.ErrNotExist) {
		tb.Fatalf("testrepo: %s already has a .git (%v): refusing to commit into another repository", dir, err)
	}
	Git(tb, dir, "init", "-q", "-b", "main")
	Git(tb, dir, "add", "-A")
	Git(tb, dir, "commit", "-q", "-m", "scratch copy")
}

// Run runs a command in dir with env added to the test's environment (and
// git's identity set, and git kept from looking for a repository above
// dir) and returns its combined output.
func Run(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=losant-go test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=losant-go test", "GIT_COMMITTER_EMAIL=test@example.invalid",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}
