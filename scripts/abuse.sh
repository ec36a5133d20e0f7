#!/usr/bin/env bash
# Abuse test (issue 11, part 2): builds `losant serve`, starts it on a free
# loopback port with the spec's example data, and attacks it (the Go driver
# is TestAbuse in loadtest/abuse_test.go):
#
#   1. 1,000 connections send their request headers one byte a second
#      (slowloris) for 25 s, opened again whenever the server drops them,
#      while a normal client sends a request every 100 ms on a new
#      connection: each must get its answer within 1 s.
#   2. 10,000 requests with random malformed methods, paths, IDs, tokens,
#      queries and headers must all get a 4xx with Losant's JSON error body,
#      and 1,000 requests that are not valid HTTP net/http's own 4xx; no
#      5xx anywhere.
#
# Then it stops the server by its PID and fails if the server's stderr
# mentions a panic or an internal error. Prints the figures. Takes about a
# minute. Not part of `go test ./...`. Needs about 1,100 file descriptors
# per process; it raises the soft limit (ulimit -n) when it can.
#
#   scripts/abuse.sh
#   scripts/abuse.sh -abuse.slow=2000 -abuse.hold=1m -abuse.requests=100000 -abuse.seed=42
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need_fds=4096
soft=$(ulimit -Sn)
if [[ $soft != unlimited ]] && ((soft < need_fds)); then
	hard=$(ulimit -Hn)
	if [[ $hard == unlimited ]] || ((hard >= need_fds)); then
		ulimit -Sn "$need_fds"
	elif ((hard >= 2048)); then
		ulimit -Sn "$hard"
	else
		echo "abuse.sh: the open file limit is $soft (hard limit $hard); 1,000 slow connections need about 1,100 descriptors at each end. Raise the hard limit (ulimit -Hn as root, or /etc/security/limits.conf) and run again." >&2
		exit 1
	fi
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "building losant and the abuse driver..."
go build -o "$work/losant" ./cmd/losant
go test -c -o "$work/loadtest.test" ./loadtest

token="abuse-token"
log="$work/server.stderr"
"$work/losant" serve --listen 127.0.0.1:0 --token "$token" 2>"$log" &
server_pid=$!

url=""
for _ in $(seq 100); do
	url=$(sed -n 's/^listening on //p' "$log")
	[[ -n $url ]] && break
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "abuse.sh: losant serve exited before it listened:" >&2
		cat "$log" >&2
		exit 1
	fi
	sleep 0.1
done
if [[ -z $url ]]; then
	echo "abuse.sh: losant serve did not say where it listens within 10 s:" >&2
	cat "$log" >&2
	exit 1
fi
echo "losant serve (PID $server_pid) listening on $url; open file limit $(ulimit -Sn)"

status=0
"$work/loadtest.test" -test.count=1 -test.v -test.timeout=10m -test.run='^TestAbuse$' \
	-abuse -abuse.url="$url" -abuse.pid="$server_pid" -abuse.token="$token" "$@" || status=$?

server_status=0
kill -TERM "$server_pid"
wait "$server_pid" || server_status=$?
server_pid=""
if ((server_status != 0)); then
	echo "FAIL: losant serve exited with status $server_status after SIGTERM" >&2
	status=1
fi

if grep -qi 'panic' "$log"; then
	echo "FAIL: the server's stderr mentions a panic:" >&2
	grep -i -A 10 'panic' "$log" | head -40 >&2
	status=1
fi
if grep -q 'internal error' "$log"; then
	echo "FAIL: the server logged internal errors (500s):" >&2
	grep 'internal error' "$log" | head -5 >&2
	status=1
fi
echo "server stderr: $(wc -l <"$log") lines, $(grep -c 'http: ' "$log" || true) of them from net/http:"
grep 'http: ' "$log" | sed -E 's/[0-9]+(\.[0-9]+){3}:[0-9]+/ADDR/g' | sort | uniq -c | sort -rn | head -5 || true

if ((status == 0)); then
	echo "ok: the local API held under abuse"
else
	echo "FAIL: see above" >&2
fi
exit "$status"
