package cli

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/losant-go/losant-go/internal/ops"
)

// What the local API serves and accepts, read from the operation table
// internal/sdkgen generated from openapi.yaml: nothing here repeats the
// spec by hand.

// servedOperations lists every operation of openapi.yaml, one per line,
// for serve's and demo's help.
func servedOperations() string {
	var b strings.Builder
	for _, op := range ops.All {
		fmt.Fprintf(&b, "  %s %s  (%s)\n", op.Method, op.Path, op.ID)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// knownScopes are the token scopes at least one operation accepts, sorted.
func knownScopes() []string {
	var all []string
	for _, op := range ops.All {
		all = append(all, op.Scopes...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}

// checkScope returns nil when some operation accepts scope, else an error
// naming the known scopes closest to it.
func checkScope(scope string) error {
	known := knownScopes()
	if slices.Contains(known, scope) {
		return nil
	}
	return fmt.Errorf("no operation of the API accepts the scope %q; did you mean %s? (NAME=%s makes a token every operation refuses)", scope, strings.Join(closest(scope, known, 3), ", "), noScope)
}

// closest returns up to n of candidates, those nearest to s by edit
// distance (case-insensitively) first.
func closest(s string, candidates []string, n int) []string {
	type scored struct {
		c string
		d int
	}
	all := make([]scored, len(candidates))
	for i, c := range candidates {
		all[i] = scored{c, editDistance(strings.ToLower(s), strings.ToLower(c))}
	}
	slices.SortStableFunc(all, func(a, b scored) int { return cmp.Compare(a.d, b.d) })
	out := make([]string, 0, n)
	for _, x := range all[:min(n, len(all))] {
		out = append(out, x.c)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes
// (scopes are ASCII). Written here: a dependency for a dozen lines is not
// worth it.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
