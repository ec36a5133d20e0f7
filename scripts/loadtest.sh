#!/usr/bin/env bash
# Load test (issue 4, item 6): one losant.Client shared by 256 goroutines
# makes 100,000 Get calls against the local API (package api) on
# 127.0.0.1, then reports errors, retries, requests/s, connections opened,
# goroutines, open connections and socket descriptors before and after, and
# peak memory. Exits non-zero if any call failed or if goroutines,
# connections or sockets do not return to their baseline once the client
# closes its idle connections. Not part of `go test ./...`.
#
#   scripts/loadtest.sh
#   scripts/loadtest.sh -loadtest.requests=500000 -loadtest.workers=1024
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec go test -count=1 -v -timeout 30m -run '^TestLoad$' ./loadtest -args -loadtest "$@"
