#!/usr/bin/env bash
# Footprint figures of the README (issue 9): the size of a hello-world
# program that reads a job log with the SDK against the same program
# written with net/http + encoding/json, and how long the first NewClient
# of a fresh process takes (median of 21 processes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
go build -o "$dir/sdk" ./internal/footprint/sdk
go build -o "$dir/floor" ./internal/footprint/floor
sdk=$(stat -c %s "$dir/sdk"); floor=$(stat -c %s "$dir/floor")
printf 'hello world, SDK:                  %8d bytes\n' "$sdk"
printf 'hello world, net/http + encoding/json: %8d bytes\n' "$floor"
printf 'difference:                        %8d bytes (%.2f MB)\n' $((sdk - floor)) "$(echo "($sdk - $floor) / 1000000" | bc -l)"
for _ in $(seq 21); do "$dir/sdk" -measure; done | sort -n | awk '{a[NR]=$1} END {printf "first NewClient of a process: median %.1f µs, max %.1f µs (21 processes)\n", a[11]/1000, a[NR]/1000}'
