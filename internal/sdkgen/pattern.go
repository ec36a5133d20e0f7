package main

import (
	"fmt"
	"regexp/syntax"
	"strings"
)

// matcher returns the body of a Go func(s string) bool that reports whether
// s matches pattern, for patterns of the form ^[class]{m,n}$ over ASCII
// (Losant's IDs: ^[A-Fa-f\d]{24}$), or "" when the pattern has another
// form and the regexp package must match it. A loop over bytes keeps the
// regexp engine (about 100 KB) out of every user's binary and costs
// nanoseconds; internal/ops's tests check it against regexp.
func matcher(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	if re.Op != syntax.OpConcat || len(re.Sub) != 3 {
		return ""
	}
	begin, rep, end := re.Sub[0], re.Sub[1], re.Sub[2]
	if begin.Op != syntax.OpBeginText || end.Op != syntax.OpEndText {
		return ""
	}
	var class *syntax.Regexp
	minLen, maxLen := 1, 1
	switch rep.Op {
	case syntax.OpCharClass:
		class = rep
	case syntax.OpRepeat:
		if rep.Sub[0].Op != syntax.OpCharClass || rep.Max < 0 {
			return ""
		}
		class, minLen, maxLen = rep.Sub[0], rep.Min, rep.Max
	default:
		return ""
	}
	var conds []string
	for i := 0; i+1 < len(class.Rune); i += 2 {
		lo, hi := class.Rune[i], class.Rune[i+1]
		if hi > 0x7f {
			return ""
		}
		if lo == hi {
			conds = append(conds, fmt.Sprintf("c == %q", lo))
		} else {
			conds = append(conds, fmt.Sprintf("%q <= c && c <= %q", lo, hi))
		}
	}
	if len(conds) == 0 {
		return ""
	}
	lenCheck := fmt.Sprintf("len(s) != %d", minLen)
	if minLen != maxLen {
		lenCheck = fmt.Sprintf("len(s) < %d || len(s) > %d", minLen, maxLen)
	}
	return fmt.Sprintf(`if %s {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(%s) {
			return false
		}
	}
	return true`, lenCheck, strings.Join(conds, " || "))
}
