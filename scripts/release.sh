#!/usr/bin/env bash
# Cuts a release locally: scripts/release.sh VERSION (0.2.0 or v0.2.0).
#   1. refuses a dirty tree, a version that is not MAJOR.MINOR.PATCH, an
#      existing tag, an empty Unreleased, and a failing compatibility check;
#   2. moves CHANGELOG.md's Unreleased to "## [VERSION] - today (UTC)" and
#      sets the fallback constant in version.go;
#   3. refreshes the baseline (scripts/baseline.sh) from this tree;
#   4. commits "Release vVERSION" and makes the annotated tag vVERSION.
# It never pushes: check the commit, then `git push origin main vVERSION`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

fail() { printf 'release: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 1 ]] || fail "usage: scripts/release.sh VERSION (such as 0.2.0)"
version="${1#v}"
tag="v$version"
[[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] ||
	fail "version '$1' is not semantic: want MAJOR.MINOR.PATCH, such as 0.2.0"
[[ -z "$(git status --porcelain)" ]] || fail "the working tree has uncommitted changes: commit or stash them first"
! git rev-parse -q --verify "refs/tags/$tag" >/dev/null || fail "tag $tag already exists"

scripts/compat-check.sh
go run ./internal/compatcheck release "$version"
[[ -z "$(gofmt -l version.go)" ]] || fail "version.go is not gofmt-clean after the edit"
scripts/baseline.sh
git add CHANGELOG.md version.go compat/baseline
git commit -q -m "Release $tag"
git tag -a "$tag" -m "losant-go $tag"
printf 'release: committed and tagged %s locally (nothing pushed)\n' "$tag"
