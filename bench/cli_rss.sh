#!/usr/bin/env bash
# Peak memory (RSS) of the losant command's transfers, each in its own
# process, at SIZES MiB (default 16 and 1024): it must stay flat, and under
# LIMIT_MB (100), whatever the file's size (issue 16).
#
#   export  `losant application export --save FILE` against bench/clibench
#           export, a stand-in API whose export answers 200 {url} at once
#           and serves a zip of the size from the same loopback server (the
#           local API's own exports are a few KiB). Measures the CLI's
#           export request and its download: streaming, resume bookkeeping,
#           the atomic write with its fsync. The saved file is compared
#           with the source.
#   import  `losant application import --file ZIP --wait` against
#           `losant serve`: the multipart upload streamed from the file,
#           then the wait for the job's counts.
#   serve   the local API's peak RSS (VmHWM) over its life: start, the
#           whole import's upload (written to a temporary file), the job
#           that reads every entry through its zip-bomb check, and the
#           polls. A fresh server for each size.
#   floor   `losant application get` against the same server: what the
#           command costs before any transfer.
#
# Peak RSS of a command is GNU time's %M; of the server, /proc's VmHWM.
# Usage: bench/cli_rss.sh            (about a minute, most of it writing
#                                     and reading the 1 GiB files)
#   SIZES="16 256" bench/cli_rss.sh
#   STRICT=1 bench/cli_rss.sh        exit 1 over LIMIT_MB or not flat
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SIZES="${SIZES:-16 1024}"
LIMIT_MB="${LIMIT_MB:-100}"
APP=575ec8687ae143cd83dc4a97
[[ -x /usr/bin/time ]] || { echo "cli_rss.sh: GNU time (/usr/bin/time) is required" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/losant-clirss.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/losant" ./cmd/losant
go build -o "$work/clibench" ./bench/clibench
export LOSANT_API_TOKEN=bench

# peak_kb CMD...: run CMD (stdout kept in $work/stdout) and print its peak
# RSS in KiB.
peak_kb() {
  /usr/bin/time -f '%M' -o "$work/time" "$@" > "$work/stdout" 2>> "$work/stderr" || {
    echo "cli_rss.sh: failed: $*" >&2; tail -5 "$work/stderr" >&2; exit 1; }
  tail -1 "$work/time"
}

# start_serve: a fresh local API; sets serve_pid and serve_url.
start_serve() {
  : > "$work/serve.log"
  "$work/losant" serve --listen 127.0.0.1:0 --token bench --job-duration 200ms 2> "$work/serve.log" &
  serve_pid=$!
  pids+=("$serve_pid")
  serve_url=""
  for _ in $(seq 100); do
    serve_url="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.log" | head -1)"
    [[ -n "$serve_url" ]] && break
    sleep 0.1
  done
  [[ -n "$serve_url" ]] || { echo "cli_rss.sh: losant serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

printf 'machine: %s CPUs, %s; %s\n' "$(nproc)" "$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)" "$(go version | cut -d' ' -f3-)"
printf 'commit: %s, %s\n\n' "$(git rev-parse --short HEAD 2>/dev/null || echo none)" "$(date -u '+%Y-%m-%d %H:%M UTC')"

start_serve
floor="$(peak_kb "$work/losant" application get --app "$APP" --url "$serve_url")"
stop "$serve_pid"

declare -A ex im sv counts
for size in $SIZES; do
  zip="$work/in-$size.zip"
  "$work/clibench" zip "$zip" "$size"

  "$work/clibench" export "$zip" > "$work/stub.url" &
  stub=$!
  pids+=("$stub")
  for _ in $(seq 50); do [[ -s "$work/stub.url" ]] && break; sleep 0.1; done
  ex[$size]="$(peak_kb "$work/losant" application export --app "$APP" --save "$work/out.zip" --url "$(head -1 "$work/stub.url")")"
  cmp -s "$zip" "$work/out.zip" || { echo "cli_rss.sh: the saved export differs from the served file" >&2; exit 1; }
  rm -f "$work/out.zip"
  stop "$stub"

  start_serve
  im[$size]="$(peak_kb "$work/losant" application import --app "$APP" --file "$zip" --wait --url "$serve_url")"
  sv[$size]="$(awk '/^VmHWM:/ { print $2 }' "/proc/$serve_pid/status")"
  counts[$size]="$(sed -n 's/^Output counters *//p' "$work/stdout")"
  stop "$serve_pid"
  rm -f "$zip"
done

status=0
echo "| process | $(for s in $SIZES; do printf '%s MiB | ' "$s"; done)"
echo "| --- | $(for _ in $SIZES; do printf -- '--- | '; done)"
row() {
  local name="$1"; shift
  local -n vals="$1"
  printf '| %s | ' "$name"
  local lo="" hi=""
  for s in $SIZES; do
    printf '%s MB | ' "$(mb "${vals[$s]}")"
    [[ -z "$lo" || "${vals[$s]}" -lt "$lo" ]] && lo="${vals[$s]}"
    [[ -z "$hi" || "${vals[$s]}" -gt "$hi" ]] && hi="${vals[$s]}"
  done
  echo
  # Flat: the largest size costs at most 16 MiB more than the smallest.
  if (( hi > LIMIT_MB * 1024 )) || (( hi - lo > 16 * 1024 )); then
    echo "MISS: $name peaks at $(mb "$hi") MB (limit $LIMIT_MB MB; spread $(mb $((hi - lo))) MB)"; status=1
  fi
}
row "losant application export --save" ex
row "losant application import --file --wait" im
row "losant serve (receiving the import)" sv
echo
echo "floor: losant application get peaks at $(mb "$floor") MB"
for s in $SIZES; do echo "import of $s MiB: $(numfmt --to=iec "$((s << 20))")B zip, job output: ${counts[$s]}"; done
[[ "${STRICT:-0}" == 1 ]] && exit "$status"
exit 0
