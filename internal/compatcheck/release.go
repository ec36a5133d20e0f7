package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// semver is a release version without the "v": 1.2.3, 0.2.0-rc.1.
var semver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$`)

// versionConst is the fallback version in version.go.
var versionConst = regexp.MustCompile(`(?m)^const Version = "[^"]*"$`)

// release moves CHANGELOG.md's Unreleased items under a heading for
// version dated today (UTC), leaving Unreleased empty, and sets the
// Version constant in version.go. scripts/release.sh then refreshes the
// baseline, commits and tags.
func (o *options) release(version string, now time.Time) error {
	version = strings.TrimPrefix(version, "v")
	if !semver.MatchString(version) {
		return fmt.Errorf("version %q is not semantic (want MAJOR.MINOR.PATCH, such as 0.2.0)", version)
	}
	clPath := filepath.Join(o.dir, "CHANGELOG.md")
	text, err := os.ReadFile(clPath)
	if err != nil {
		return err
	}
	moved, err := moveUnreleased(string(text), version, now.UTC().Format(time.DateOnly))
	if err != nil {
		return err
	}
	vPath := filepath.Join(o.dir, "version.go")
	src, err := os.ReadFile(vPath)
	if err != nil {
		return err
	}
	if !versionConst.Match(src) {
		return fmt.Errorf("version.go has no line `const Version = \"...\"` to set")
	}
	src = versionConst.ReplaceAll(src, []byte(`const Version = "`+version+`"`))
	if err := os.WriteFile(clPath, []byte(moved), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(vPath, src, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(o.out, "release: CHANGELOG.md's Unreleased is now [%s], version.go says %s\n", version, version)
	return nil
}

// moveUnreleased turns the Unreleased section's body into the body of a
// new "## [version] - date" section below an empty Unreleased heading.
func moveUnreleased(text, version, date string) (string, error) {
	cl, err := parseChangelog(text)
	if err != nil {
		return "", err
	}
	if len(cl.items) == 0 {
		return "", fmt.Errorf("CHANGELOG.md's Unreleased section is empty: nothing to release")
	}
	if regexp.MustCompile(`(?m)^##\s+\[?` + regexp.QuoteMeta(version) + `\]?`).MatchString(text) {
		return "", fmt.Errorf("CHANGELOG.md already has a section for %s", version)
	}
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		if unreleasedHeading.MatchString(strings.TrimSpace(l)) {
			out := strings.Join(lines[:i+1], "") + "\n## [" + version + "] - " + date + "\n"
			rest := strings.Join(lines[i+1:], "")
			return out + rest, nil
		}
	}
	return "", fmt.Errorf("CHANGELOG.md has no Unreleased heading")
}
