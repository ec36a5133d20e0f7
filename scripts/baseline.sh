#!/usr/bin/env bash
# Makes the current openapi.yaml and exported Go API the compatibility
# baseline: writes compat/baseline/openapi.yaml and, for packages losant
# and api, the export data apidiff reads (NAME.export) and the listing a
# reviewer reads (NAME.txt), both from one type-check. scripts/release.sh
# runs it; run it by hand only to re-base on purpose (and commit the diff).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec go run ./internal/compatcheck baseline
