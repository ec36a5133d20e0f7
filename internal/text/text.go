// Package text makes text from a server safe to print: one line, no
// control characters, bounded length. The SDK's errors and the CLI's
// output share it.
package text

import (
	"strings"
	"unicode"
)

// SingleLine turns control characters into spaces and folds every run of
// whitespace (line breaks included) into one space, so that text from a
// server cannot break an error message, a log line, a table or a terminal
// (no escape sequences get through).
func SingleLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)), " ")
}

// ExcerptLen is how much of an unexpected body an error quotes: enough to
// recognise a proxy's page, short enough for one log line.
const ExcerptLen = 200

// Excerpt returns the start of b as valid, single-line UTF-8 of at most
// ExcerptLen bytes.
func Excerpt(b []byte) string {
	if len(b) > ExcerptLen {
		b = b[:ExcerptLen]
	}
	return SingleLine(strings.ToValidUTF8(string(b), "?"))
}
