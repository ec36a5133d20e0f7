#!/usr/bin/env bash
# The README's test command: the compatibility check (scripts/compat-check.sh)
# and then every test, with the race detector and each benchmark run once.
# Extra arguments go to go test before the package list.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/compat-check.sh
go test -race -count=1 -bench=. -benchtime=1x "$@" ./...
