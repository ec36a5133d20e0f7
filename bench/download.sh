#!/usr/bin/env bash
# Download throughput: losant.Client.DownloadFile against `curl -o`, the
# same file from the same loopback server (bench/dlbench serve, which hands
# the file to the kernel's sendfile), each client in its own process.
#
# Every round runs both, in alternating order, on a file of SIZE_MIB MiB;
# the medians of the wall times give the ratio SDK throughput / curl
# throughput (issue 16 asks for at least 0.8). Both outputs are checked
# against the source's sha256. DownloadFile also fsyncs the file before
# it puts it in place (the atomic write); curl does not sync.
#
# Usage: bench/download.sh                  (256 MiB, 11 rounds: about 30 s)
#   SIZE_MIB=1024 ROUNDS=11 bench/download.sh
#   STRICT=1 bench/download.sh              exit 1 when the ratio is under 0.8
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB="${SIZE_MIB:-256}"
ROUNDS="${ROUNDS:-11}"
command -v curl >/dev/null || { echo "download.sh: curl is required" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/losant-dlbench.XXXXXX")"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/dlbench" ./bench/dlbench
head -c "$((SIZE_MIB << 20))" /dev/urandom > "$work/source.zip"
want="$(sha256sum < "$work/source.zip" | cut -d' ' -f1)"

"$work/dlbench" serve "$work/source.zip" > "$work/url" &
server_pid=$!
for _ in $(seq 50); do [[ -s "$work/url" ]] && break; sleep 0.1; done
url="$(head -1 "$work/url")"
[[ -n "$url" ]] || { echo "download.sh: the server did not start" >&2; exit 1; }

now() { date +%s%N; }
run_curl() { curl -sS --fail -o "$work/curl.zip" "$url"; }
run_sdk() { "$work/dlbench" get "$url" "$work/sdk.zip" >/dev/null; }
# time_ms CMD: remove both outputs (so that neither client pays for
# truncating the last round's file), then run CMD and print its wall time
# in milliseconds.
time_ms() {
  rm -f "$work/curl.zip" "$work/sdk.zip"
  local t0; t0="$(now)"; "$@"; echo $(( ($(now) - t0) / 1000000 ))
}

printf 'machine: %s CPUs, %s; %s\n' "$(nproc)" \
  "$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)" "$(go version | cut -d' ' -f3-)"
printf 'commit: %s, %s; file %d MiB in %s; %d rounds\n' "$(git rev-parse --short HEAD 2>/dev/null || echo none)" \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "$SIZE_MIB" "$work" "$ROUNDS"

run_curl; run_sdk # warm-up: page cache, connection setup paths
curl_ms=() sdk_ms=()
for ((i = 1; i <= ROUNDS; i++)); do
  if ((i % 2)); then
    c="$(time_ms run_curl)"; s="$(time_ms run_sdk)"
  else
    s="$(time_ms run_sdk)"; c="$(time_ms run_curl)"
  fi
  curl_ms+=("$c"); sdk_ms+=("$s")
  printf 'round %d: curl %5d ms, sdk %5d ms\n' "$i" "$c" "$s"
done

run_curl; run_sdk # the files to check
for f in curl sdk; do
  got="$(sha256sum < "$work/$f.zip" | cut -d' ' -f1)"
  [[ "$got" == "$want" ]] || { echo "download.sh: $f's file differs from the source" >&2; exit 1; }
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cm="$(median "${curl_ms[@]}")" sm="$(median "${sdk_ms[@]}")"
awk -v c="$cm" -v s="$sm" -v mib="$SIZE_MIB" -v strict="${STRICT:-0}" 'BEGIN {
  ratio = c / s
  printf "download %d MiB, median of rounds: curl %.0f ms (%.0f MiB/s), DownloadFile %.0f ms (%.0f MiB/s): %.2fx curl %s\n",
    mib, c, mib * 1000 / c, s, mib * 1000 / s, ratio, (ratio >= 0.8 ? "PASS (>= 0.8)" : "MISS (< 0.8)")
  exit (strict && ratio < 0.8) ? 1 : 0
}'
