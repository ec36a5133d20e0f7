#!/usr/bin/env bash
# Mutation check (issue 17): each mutation below breaks one behaviour the
# SDK, the local API or the CLI promises, in a scratch copy of the
# repository, and runs the tests that should defend it. A mutation the
# tests still pass "survives": some promise has no test that fails when it
# breaks. Exits 1 if any mutation survives, no longer applies (its code
# moved: update the mutation), or does not build. Not part of CI; takes a
# few minutes on 2 cores (the build cache is shared with the real tree).
#
#   scripts/mutate.sh            every mutation
#   scripts/mutate.sh 504 shift  only those whose name contains one of the words
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$(pwd)

# name # file # perl substitution (applied with perl -0pi -e) # package # -run regexp
mutations=(
  "504 not retried # retry.go # s/, http.StatusGatewayTimeout:/:/ # . # ^TestFault"
  "429 not retried # retry.go # s/case http.StatusTooManyRequests, /case / # . # ^TestFault"
  "MaxRetryAfter ignored # retry.go # s/if v.after > p.MaxRetryAfter \\{/if false \\&\\& v.after > p.MaxRetryAfter {/ # . # ^TestFault"
  "Retry-After not honoured # retry.go # s/\\t\\t\\twait = v.after\\n// # . # ^TestFault429"
  "MaxElapsed ignored # retry.go # s/if time.Since\\(start\\)\\+wait > p.MaxElapsed \\{/if time.Since(start)+wait > p.MaxElapsed \\&\\& false {/ # . # ^TestFault"
  "context deadline ignored before a wait # retry.go # s/ok \\&\\& time.Until\\(dl\\) <= wait/ok \\&\\& dl.IsZero()/ # . # ^TestFault"
  "no such host retried # retry.go # s/errors.As\\(err, \\&dnsErr\\) \\&\\& dnsErr.IsNotFound/false \\&\\& dnsErr != nil/ # . # ^TestFailFast"
  "http answer to https retried # retry.go # s/case errors.As\\(err, \\&recordErr\\), strings.Contains/case false \\&\\& recordErr.Msg == \"\" \\&\\& strings.Contains/ # . # ^TestFailFast"
  "loopback refusal retried # retry.go # s/\\&\\& isLoopbackAddr\\(opErr.Addr\\)/\\&\\& isLoopbackAddr(opErr.Addr) \\&\\& false/ # . # ^TestFailFast"
  "every refusal final # retry.go # s/\\&\\& errors.As\\(err, \\&opErr\\) \\&\\& isLoopbackAddr\\(opErr.Addr\\)/\\&\\& (errors.As(err, \\&opErr) || true)/ # . # ^TestFailFast"
  "certificate errors retried # retry.go # s/return \"TLS certificate not trusted\"/return \"\"/ # . # ^TestFailFast"
  "retry notice not sent # request.go # s/if c.notify != nil \\{/if false \\&\\& c.notify != nil {/ # . # ^TestRetryNotify"
  "WithProgress on every poll # wait.go # s/merr != nil \\|\\| lastJSON == nil \\|\\| !bytes.Equal\\(cur, lastJSON\\)/merr != nil || lastJSON == nil || !bytes.Equal(cur, lastJSON) || true/ # . # ^TestWait"
  "All shift guard of one page # pages.go # s/\\|\\| older\\[key\\] \\|\\|/|| (older[key] \\&\\& false) ||/ # . # ^TestAll"
  "All ignores a short page # pages.go # s/len\\(items\\) == 0 \\|\\| len\\(items\\) < used/len(items) == 0/ # . # ^TestAll"
  "Content-Length pre-check removed # response.go # s/if resp.ContentLength > c.maxBody \\{/if false {/ # . # ^TestContentLengthOverCap"
  "chunked body not capped # response.go # s/body := \\&cappedReader\\{r: resp.Body, left: c.maxBody\\}/body := \\&cappedReader{r: resp.Body, left: 1 << 62}/ # . # ^TestChunkedOverCap"
  "query: unknown fields allowed # internal/ops/schema.go # s/if s.AdditionalProperties != nil \\&\\& !\\*s.AdditionalProperties \\{/if false {/ # ./internal/ops # ^TestCheckJSON"
  "query: patterns not checked # internal/ops/schema.go # s/m != nil \\&\\& !m\\(x\\)/m != nil \\&\\& !m(x) \\&\\& false/ # ./internal/ops # ^TestCheckJSON"
  "query: depth not bounded # internal/ops/schema.go # s/if nest > \\*s.MaxDepth \\{/if false {/ # ./internal/ops # ^TestCheckJSON"
  "query: maxItems not checked # internal/ops/schema.go # s/s.MaxItems != nil \\&\\& len\\(x\\) > \\*s.MaxItems/false/ # ./internal/ops # ^TestCheckJSON"
  "env: token ignored # env.go # s/t := os.Getenv\\(EnvToken\\); t != \"\"/t := os.Getenv(EnvToken); t != \"\" \\&\\& false/ # . # ^TestNewClient"
  "CLI: any scope accepted # internal/cli/serve.go # s/if err := checkScope\\(s\\); err != nil \\{/if err := checkScope(s); err != nil \\&\\& false {/ # ./internal/cli # ^TestServeBadInput"
  "CLI: Ctrl-C exits 1 # internal/cli/run.go # s/if ctx.Err\\(\\) != nil \\{\\n\\t\\treturn ExitInterrupted/if false \\&\\& ctx.Err() != nil {\\n\\t\\treturn ExitInterrupted/ # ./internal/cli # ^TestInterrupt"
  "CLI: retries silent # internal/cli/client.go # s/fmt.Fprintln\\(a.stderr, retryLine\\(n\\)\\)/_ = retryLine(n)/ # ./internal/cli # ^TestJoblogGet\$"
  "CLI: no hint when unreachable # internal/cli/exit.go # s/if errors.Is\\(err, losant.ErrUnreachable\\) \\{/if false \\&\\& errors.Is(err, losant.ErrUnreachable) {/ # ./internal/cli # ^TestConnectionFailure"
  "CLI: SDK option names in messages # internal/cli/exit.go # s/msg := sdkWords.Replace\\(err.Error\\(\\)\\)/msg := err.Error()/ # ./internal/cli # ^TestMessagesName"
  "CLI: list -o json indented unlike get # internal/cli/list.go # s/return writeIndented\\(j.w, raw, \"  \"\\)/return writeIndented(j.w, raw, \"\")/ # ./internal/cli # ^TestGetAndList"
  "CLI: --app completes file names # internal/cli/flags.go # s/cobra.NoFileCompletions/nil/ # ./internal/cli # ^TestCompletion"
  "CLI: demo -o json two documents # internal/cli/demo.go # s/if doc.Get, err = c.ApplicationJobLog.GetRaw\\(ctx, jf.app, jf.job\\); err != nil \\{/if doc.Get, err = c.ApplicationJobLog.GetRaw(ctx, jf.app, jf.job); writeRawJSON(a.stdout, doc.Get) != nil || err != nil {/ # ./internal/cli # ^TestDemoJSON"
  "env: empty URL taken as set # env.go # s/u := os.Getenv\\(EnvBaseURL\\); u != \"\"/u := os.Getenv(EnvBaseURL); true/ # . # ^TestNewClient"
  "env: environment over options # client.go # s/(\\tif err := envDefaults\\(\\&s\\); err != nil \\{\\n\\t\\treturn nil, err\\n\\t\\}\\n)(\\tfor _, opt := range opts \\{\\n(?:.*\\n)*?\\t\\}\\n)/\$2\$1/ # . # ^TestNewClient"
)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The working tree as it is (uncommitted changes included), without
# ignored files such as node_modules.
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar -cf - --null -T - | tar -xf - -C "$scratch"

filter=("$@")
killed=0
bad=0
for m in "${mutations[@]}"; do
  name=${m%% # *} rest=${m#* # }
  file=${rest%% # *} rest=${rest#* # }
  run=${rest##* # } rest=${rest% # *}
  pkg=${rest##* # } expr=${rest% # *}
  if [ ${#filter[@]} -gt 0 ]; then
    keep=0
    for w in "${filter[@]}"; do [[ "$name" == *"$w"* ]] && keep=1; done
    [ $keep = 1 ] || continue
  fi
  cp "$repo/$file" "$scratch/$file"
  perl -0pi -e "$expr" "$scratch/$file"
  if cmp -s "$repo/$file" "$scratch/$file"; then
    echo "NOT APPLIED  $name ($file no longer has the code it mutates: update scripts/mutate.sh)"
    bad=$((bad + 1))
    continue
  fi
  if ! out=$(cd "$scratch" && go test -count=1 -run '^$' "$pkg" 2>&1); then
    echo "NO BUILD     $name"
    echo "$out" | sed 's/^/    /' | head -20
    bad=$((bad + 1))
  elif out=$(cd "$scratch" && timeout 600 go test -count=1 -failfast -run "$run" "$pkg" 2>&1); then
    echo "SURVIVED     $name ($file; go test -run '$run' $pkg still passes)"
    bad=$((bad + 1))
  else
    first=$(echo "$out" | grep -m1 -E -- '--- FAIL|panic:|^FAIL' || true)
    echo "killed       $name: ${first#"${first%%[![:space:]]*}"}"
    killed=$((killed + 1))
  fi
  cp "$repo/$file" "$scratch/$file"
done
echo "==> $killed killed, $bad survived or did not apply"
[ "$bad" = 0 ]
