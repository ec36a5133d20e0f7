#!/usr/bin/env bash
# Runs the SDK-vs-floor benchmarks of bench_test.go and prints:
#   1. benchstat's comparison of impl=sdk against impl=floor (-col /impl),
#   2. a table of SDK/floor ratios (time, bytes and allocations per
#      operation, and the custom metrics) from benchstat's medians,
#   3. the issue-5 targets, each PASS or MISS.
#
# The floor is the hand-written client of bench_test.go: a reused
# http.Client (with as many idle connections per host as the SDK keeps) and
# encoding/json into the same struct, in the same process, against the same
# loopback server. Every -count round runs every scenario for both, one
# after the other, so drift on a noisy machine hits both alike; benchstat
# takes medians with confidence intervals.
#
# Then it runs BenchmarkDecodeMemory once (heap per body byte of 1, 16 and
# 64 MiB job logs, issue 11) and checks its targets.
#
# Usage: bench/run.sh            (about 4 minutes on 2 cores)
#   COUNT=20 BENCHTIME=1s bench/run.sh   more rounds, longer runs
#   STRICT=1 bench/run.sh                exit 1 when a target is missed
# Results stay in bench/out/ (raw go test output, benchstat text and CSV).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

COUNT="${COUNT:-20}"
BENCHTIME="${BENCHTIME:-0.5s}"
OUT="${OUT:-bench/out}"
mkdir -p "$OUT"
raw="$OUT/bench.txt" stat="$OUT/benchstat.txt" csv="$OUT/benchstat.csv"

machine() {
  printf 'machine: %s CPUs, %s; %s; GOMAXPROCS=%s\n' "$(nproc)" \
    "$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -1)" \
    "$(go version | cut -d' ' -f3-)" "${GOMAXPROCS:-$(nproc)}"
  printf 'commit: %s%s, %s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo none)" \
    "$([[ -n "$(git status --porcelain 2>/dev/null)" ]] && echo ' (with local changes)')" "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf 'run: -count %s -benchtime %s, load average before: %s\n' "$COUNT" "$BENCHTIME" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
}

machine | tee "$OUT/machine.txt"
echo "==> go test -bench (this takes a few minutes)"
go test -run '^$' -bench '^Benchmark(Get|Decode|Wait)$' -benchmem \
  -count "$COUNT" -benchtime "$BENCHTIME" -timeout 60m . > "$raw"

echo "==> benchstat -col /impl (pinned in go.mod: go tool benchstat)"
go tool benchstat -col /impl "$raw" | tee "$stat"
go tool benchstat -format csv -col /impl "$raw" > "$csv" 2>/dev/null

echo
echo "==> SDK/floor (medians; below 1 means the SDK is faster or smaller)"
# benchstat's CSV: one table per unit. Its first line names the columns
# (",floor,,sdk,,,"), its second the unit; rows are name, then median and
# CI per column, then the delta and p of the second column against the first.
status=0
awk -F, -v strict="${STRICT:-0}" '
  NF == 0 { unit = ""; next }
  $1 == "" && ($2 == "sdk" || $2 == "floor") { for (i = 2; i <= NF; i++) col[$i] = i; next }
  $1 == "" { unit = $2; next }
  unit == "" || $1 == "geomean" || unit == "B/s" { next }
  {
    name = $1; sub(/-[0-9]+$/, "", name)
    if (!(name in seen)) { seen[name] = 1; order[++n] = name }
    sdk[name, unit] = $(col["sdk"]); floor[name, unit] = $(col["floor"])
  }
  function ratio(name, u) { return ((name, u) in sdk) && floor[name, u] > 0 ? sdk[name, u] / floor[name, u] : -1 }
  function fmt_ratio(r) { return r < 0 ? "" : sprintf("%.2f", r) }
  function human(v, u) {
    if (u == "sec/op") return v >= 1e-3 ? sprintf("%.2f ms", v * 1e3) : sprintf("%.1f µs", v * 1e6)
    if (u == "B/op" || u == "B/poll") return v >= 1048576 ? sprintf("%.2f MiB", v / 1048576) : v >= 1024 ? sprintf("%.1f KiB", v / 1024) : sprintf("%d B", v)
    return sprintf("%.4g", v)
  }
  END {
    printf "| scenario | time sdk | time floor | time | B/op | allocs/op | other |\n"
    printf "| --- | --- | --- | --- | --- | --- | --- |\n"
    for (i = 1; i <= n; i++) {
      s = order[i]; other = ""
      if ((s, "peak-heap/body") in sdk) other = sprintf("peak heap/body %.2f vs %.2f", sdk[s, "peak-heap/body"], floor[s, "peak-heap/body"])
      if ((s, "allocs/poll") in sdk) other = sprintf("allocs/poll %.1f vs %.1f, B/poll %s vs %s", sdk[s, "allocs/poll"], floor[s, "allocs/poll"], human(sdk[s, "B/poll"], "B/poll"), human(floor[s, "B/poll"], "B/poll"))
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", s, human(sdk[s, "sec/op"], "sec/op"), human(floor[s, "sec/op"], "sec/op"),
        fmt_ratio(ratio(s, "sec/op")), fmt_ratio(ratio(s, "B/op")), fmt_ratio(ratio(s, "allocs/op")), other
    }
    print ""
    print "==> targets (issue 5)"
    miss = 0
    miss += check("small body, 1 goroutine: SDK time <= 1.05x floor", ratio("Get/size=small/conc=1", "sec/op"), "<=", 1.05)
    miss += check("small body, 16 goroutines: SDK time <= 1.05x floor", ratio("Get/size=small/conc=16", "sec/op"), "<=", 1.05)
    miss += check("large body, 1 goroutine: SDK >= 2x faster (time <= 0.50x)", ratio("Get/size=large/conc=1", "sec/op"), "<=", 0.5)
    miss += check("large body, 16 goroutines: SDK >= 1.5x faster (time <= 0.67x)", ratio("Get/size=large/conc=16", "sec/op"), "<=", 1 / 1.5)
    miss += check("large body, 1 goroutine: bytes per Get <= 0.5x floor", ratio("Get/size=large/conc=1", "B/op"), "<=", 0.5)
    miss += check("large body, 16 goroutines: bytes per Get <= 0.5x floor", ratio("Get/size=large/conc=16", "B/op"), "<=", 0.5)
    miss += check("large body: SDK peak heap while decoding <= 3x body size", sdk["Decode/size=large", "peak-heap/body"], "<=", 3)
    # No growth per poll: 16 times the polls cost no more per poll (2% slack for noise).
    miss += check("Wait: allocs per poll at 32 polls <= at 2 polls", sdk["Wait/polls=32", "allocs/poll"] / sdk["Wait/polls=2", "allocs/poll"], "<=", 1.02)
    miss += check("Wait: bytes per poll at 32 polls <= at 2 polls", sdk["Wait/polls=32", "B/poll"] / sdk["Wait/polls=2", "B/poll"], "<=", 1.02)
    if (strict && miss > 0) exit 1
  }
  function check(what, v, op, limit) {
    ok = (v >= 0 && v <= limit)
    printf "%s  %-66s measured %.2f (limit %.2f)\n", ok ? "PASS" : "MISS", what, v, limit
    return ok ? 0 : 1
  }
' "$csv" || status=$?

echo
echo "==> client memory (issue 11): heap per body byte, one decode each (bench/README.md)"
go test -run '^$' -bench '^BenchmarkDecodeMemory$' -benchtime 1x -count 1 -timeout 10m . > "$OUT/memory.txt"
# Rows: name, then value-unit pairs; print kept and allocated per body byte.
awk -v strict="${STRICT:-0}" '
  /^BenchmarkDecodeMemory\// {
    name = $1; sub(/^BenchmarkDecodeMemory\//, "", name); sub(/-[0-9]+$/, "", name)
    for (i = 3; i < NF; i++) { if ($(i+1) == "live-heap/body") live = $i; if ($(i+1) == "peak-heap/body") peak = $i }
    printf "%-44s kept %6.2f  allocated %6.2f\n", name, live, peak
    # Targets: the model of a job log allocates at most 2.5 times the body,
    # the raw object at most 1.1 times (it was 4).
    if (name ~ /^size=[0-9]+MiB\/out=model$/ && peak > 2.5) { print "MISS  model decode allocates more than 2.5x the body"; miss++ }
    if (name ~ /\/out=raw$/ && peak > 1.1) { print "MISS  raw decode allocates more than 1.1x the body"; miss++ }
  }
  END { if (!miss) print "PASS  model decode <= 2.5x the body, raw <= 1.1x"; if (strict && miss) exit 1 }
' "$OUT/memory.txt" || status=$?
exit "$status"
