#!/usr/bin/env bash
# Holds openapi.yaml and the exported Go API (packages losant and api) to
# the last release's baseline in compat/baseline/: oasdiff and apidiff,
# both pinned in go.mod as tools, list the changes; a breaking one fails
# unless CHANGELOG.md's Unreleased acknowledges it under "### Breaking", and
# any change fails while Unreleased is empty. See the README's "Versioning
# and compatibility". scripts/test.sh and .ci/run run this first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec go run ./internal/compatcheck check
