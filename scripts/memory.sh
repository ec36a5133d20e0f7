#!/usr/bin/env bash
# Client memory (issue 11): the peak RSS of `losant joblog get`, with its
# default settings, against a loopback server (testdata/memserver) that
# sends job logs made of many validation errors and download URLs:
#   - under:   an accepted body just under DefaultMaxResponseBytes, with a
#              Content-Length;
#   - cl:      256 MiB with a Content-Length (refused before it is read);
#   - chunked: 256 MiB chunked (refused at the cap);
#   - empty:   a body just under the cap of nothing but empty validation
#              errors ({},{},...): the table (the typed model) refuses it
#              for holding too many values, -o json prints it as it came.
# Each is run with the table output (the typed model) and with -o json
# (GetRaw, the bytes as they arrived). Prints the peak RSS of each and exits
# 1 if any reaches LIMIT_MB (default 200 MB, 10^6 bytes), or if a body is
# not accepted or refused as it should be. Not part of `go test ./...`;
# about 30 s on 2 cores.
#
#   scripts/memory.sh
#   LIMIT_MB=150 HUGE_MIB=1024 scripts/memory.sh
#   RSS_FROM=proc scripts/memory.sh       read VmHWM even if GNU time is there
#
# Peak RSS comes from GNU time (/usr/bin/time -v, "Maximum resident set
# size") when it is installed, else from VmHWM in /proc/PID/status, read
# until the process exits (VmHWM only grows, but the last read may miss a
# final rise).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

LIMIT_MB="${LIMIT_MB:-200}"
HUGE_MIB="${HUGE_MIB:-256}"
dir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

echo "==> building the CLI and the server"
go build -o "$dir/losant" ./cmd/losant
go build -o "$dir/memserver" ./testdata/memserver

"$dir/memserver" -huge $((HUGE_MIB << 20)) >"$dir/url" 2>"$dir/server.log" &
server_pid=$!
for _ in $(seq 100); do [[ -s "$dir/url" ]] && break; sleep 0.05; done
url="$(head -1 "$dir/url")"
[[ -n "$url" ]] || { echo "the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }

gnu_time=""
if [[ "${RSS_FROM:-}" != proc && -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then gnu_time=/usr/bin/time; fi
echo "==> peak RSS from $([[ -n "$gnu_time" ]] && echo "$gnu_time -v" || echo "VmHWM in /proc/PID/status")"

# peak_kib CMD...: runs CMD (stdout to /dev/null, stderr to $dir/err) and
# sets rss (KiB) and status.
peak_kib() {
  status=0
  if [[ -n "$gnu_time" ]]; then
    "$gnu_time" -v -o "$dir/time" "$@" >/dev/null 2>"$dir/err" || status=$?
    rss="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$dir/time")"
    return
  fi
  "$@" >/dev/null 2>"$dir/err" &
  local pid=$! hwm
  rss=0
  while kill -0 "$pid" 2>/dev/null; do
    hwm="$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null || true)"
    [[ -n "$hwm" && "$hwm" -gt "$rss" ]] && rss="$hwm"
    sleep 0.01
  done
  wait "$pid" || status=$?
}

export LOSANT_API_TOKEN=memory-test-token
fail=0
printf '%-44s %-7s %10s  %s\n' body output "peak RSS" verdict
for mode in under cl chunked empty-table empty-json; do
  outputs="table json"
  case "$mode" in
    under) what="just under the cap, Content-Length" want=0 ;;
    cl) what="${HUGE_MIB} MiB, Content-Length" want=1 ;;
    chunked) what="${HUGE_MIB} MiB, chunked" want=1 ;;
    empty-table) what="just under the cap, only {},{},..." want=1 outputs=table ;;
    empty-json) what="just under the cap, only {},{},..." want=0 outputs=json ;;
  esac
  route="${mode%%-*}"
  for output in $outputs; do
    peak_kib "$dir/losant" joblog get --url "$url/$route" \
      --app 575ec8687ae143cd83dc4a97 --job 575ec76c7ae143cd83dc4a96 -o "$output"
    mb="$(awk -v k="$rss" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')"
    verdict=ok
    if [[ "$status" != "$want" ]] || { [[ "$want" == 1 ]] && ! grep -q "response too large" "$dir/err"; }; then
      verdict="FAIL: exit $status, want $want: $(head -c 300 "$dir/err")"
      fail=1
    elif awk -v m="$mb" -v l="$LIMIT_MB" 'BEGIN { exit !(m >= l) }'; then
      verdict="FAIL: >= $LIMIT_MB MB"
      fail=1
    fi
    printf '%-44s %-7s %7s MB  %s\n' "$what" "$output" "$mb" "$verdict"
  done
done
echo "==> what the server wrote of each body"
sed 's/^memserver: /  /' "$dir/server.log"
exit "$fail"
