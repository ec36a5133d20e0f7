#!/usr/bin/env bash
# Upload throughput: losant.Client.Application.Import (a streamed multipart
# body, an *os.File as the importBundle part, so its Content-Length is known
# up front) against `curl -F importBundle=@FILE`, the same file to the same
# loopback sink (bench/ulbench serve, which reads and discards the body),
# each client in its own process.
#
# Every round runs both, in alternating order, on a file of SIZE_MIB MiB;
# the medians of the wall times give the ratio SDK throughput / curl
# throughput (issue 16 asks for at least 0.8). After every timed run the
# sink's receipt (GET /last) must show the whole file arrived: its size and
# CRC-32, and, for the SDK, a Content-Length set before sending.
#
# Usage: bench/upload_sdk.sh                (256 MiB, 11 rounds: about 30 s)
#   SIZE_MIB=1024 ROUNDS=11 bench/upload_sdk.sh
#   STRICT=1 bench/upload_sdk.sh            exit 1 when the ratio is under 0.8
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZE_MIB="${SIZE_MIB:-256}"
ROUNDS="${ROUNDS:-11}"
command -v curl >/dev/null || { echo "upload_sdk.sh: curl is required" >&2; exit 2; }
command -v python3 >/dev/null || { echo "upload_sdk.sh: python3 is required (the file's CRC-32)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/losant-ulbench.XXXXXX")"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/ulbench" ./bench/ulbench
head -c "$((SIZE_MIB << 20))" /dev/urandom > "$work/source.zip"
size=$((SIZE_MIB << 20))
crc="$(python3 -c 'import sys, zlib
c = 0
with open(sys.argv[1], "rb") as f:
    while b := f.read(1 << 20): c = zlib.crc32(b, c)
print(c)' "$work/source.zip")"

"$work/ulbench" serve > "$work/url" &
server_pid=$!
for _ in $(seq 50); do [[ -s "$work/url" ]] && break; sleep 0.1; done
url="$(head -1 "$work/url")"
[[ -n "$url" ]] || { echo "upload_sdk.sh: the sink did not start" >&2; exit 1; }
import_url="$url/applications/575ec8687ae143cd83dc4a97/import"

now() { date +%s%N; }
run_curl() { curl -sS --fail -o /dev/null -H 'Authorization: Bearer bench-token' -F "importBundle=@$work/source.zip;type=application/zip" "$import_url"; }
run_sdk() { "$work/ulbench" put "$url" "$work/source.zip" >/dev/null; }
# check WHO: the sink's receipt of the last import is the whole file; the
# SDK's request carried a Content-Length (it knows the file's size).
check() {
  local got; got="$(curl -sS --fail "$url/last")"
  python3 - "$1" "$size" "$crc" "$got" <<'PY'
import json, sys
who, size, crc, got = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
if got["bytes"] != size or got["crc32"] != crc:
    sys.exit(f"upload_sdk.sh: {who} sent {got['bytes']} bytes with CRC-32 {got['crc32']}, want {size} and {crc}")
if who == "sdk" and got["contentLength"] <= size:
    sys.exit(f"upload_sdk.sh: the SDK's request had Content-Length {got['contentLength']}, want the body's size, over {size}")
PY
}
time_ms() { local t0; t0="$(now)"; "$@"; echo $(( ($(now) - t0) / 1000000 )); }

printf 'machine: %s CPUs, %s; %s\n' "$(nproc)" \
  "$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)" "$(go version | cut -d' ' -f3-)"
printf 'commit: %s, %s; file %d MiB in %s; %d rounds\n' "$(git rev-parse --short HEAD 2>/dev/null || echo none)" \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "$SIZE_MIB" "$work" "$ROUNDS"

run_curl; check curl; run_sdk; check sdk # warm-up: page cache, connection setup paths
curl_ms=() sdk_ms=()
for ((i = 1; i <= ROUNDS; i++)); do
  if ((i % 2)); then
    c="$(time_ms run_curl)"; check curl; s="$(time_ms run_sdk)"; check sdk
  else
    s="$(time_ms run_sdk)"; check sdk; c="$(time_ms run_curl)"; check curl
  fi
  curl_ms+=("$c"); sdk_ms+=("$s")
  printf 'round %d: curl %5d ms, sdk %5d ms\n' "$i" "$c" "$s"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cm="$(median "${curl_ms[@]}")" sm="$(median "${sdk_ms[@]}")"
awk -v c="$cm" -v s="$sm" -v mib="$SIZE_MIB" -v strict="${STRICT:-0}" 'BEGIN {
  ratio = c / s
  printf "upload %d MiB, median of rounds: curl -F %.0f ms (%.0f MiB/s), Application.Import %.0f ms (%.0f MiB/s): %.2fx curl %s\n",
    mib, c, mib * 1000 / c, s, mib * 1000 / s, ratio, (ratio >= 0.8 ? "PASS (>= 0.8)" : "MISS (< 0.8)")
  exit (strict && ratio < 0.8) ? 1 : 0
}'
