#!/usr/bin/env bash
# Runs every fuzz target in the module, one after another, for DURATION each
# (default 30s; any -fuzztime value: 45s, 2m, 10000x; a bare number means
# seconds). Exits non-zero if any target finds a crash; Go saves the input
# that failed under the package's testdata/fuzz/<FuzzName>/, where plain
# `go test` then replays it until the bug is fixed.
#
#   scripts/fuzz.sh            # 30s per target
#   scripts/fuzz.sh 5m         # a longer run
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

duration="${1:-30s}"
[[ "$duration" =~ ^[0-9]+$ ]] && duration="${duration}s"

failed=()
for pkg in $(go list ./...); do
	# -list compiles the package's tests and prints the names that match.
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		printf '\n==> %s %s for %s\n' "$pkg" "$target" "$duration"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$duration" "$pkg"; then
			failed+=("$pkg $target")
		fi
	done
done

if ((${#failed[@]} > 0)); then
	printf '\nFAIL: crashes found by:\n' >&2
	printf '  %s\n' "${failed[@]}" >&2
	printf 'The failing inputs are in testdata/fuzz/<FuzzName>/ of each package.\n' >&2
	exit 1
fi
printf '\nok: every fuzz target ran %s without a crash\n' "$duration"
