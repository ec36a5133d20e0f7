package main

import (
	"strings"
	"testing"
)

func TestMatcher(t *testing.T) {
	for _, tt := range []struct {
		pattern    string
		translated bool
		contains   string
	}{
		{`^[A-Fa-f\d]{24}$`, true, "len(s) != 24"},
		{`^[a-z]{2,8}$`, true, "len(s) < 2 || len(s) > 8"},
		{`^[0-9]$`, true, "len(s) != 1"},
		{`^[a-z]+$`, false, ""},             // unbounded: left to regexp
		{`[a-z]{3}`, false, ""},             // not anchored
		{`^(ab|cd)$`, false, ""},            // alternation
		{`^[é]{2}$`, false, ""},             // not ASCII
		{`^[A-Fa-f\d]{24}$|^x$`, false, ""}, // alternation at the top
	} {
		got := matcher(tt.pattern)
		if (got != "") != tt.translated || !strings.Contains(got, tt.contains) {
			t.Errorf("matcher(%q) = %q, want translated=%v containing %q", tt.pattern, got, tt.translated, tt.contains)
		}
	}
}

func TestComment(t *testing.T) {
	long := strings.Repeat("word ", 40)
	for _, line := range strings.Split(strings.TrimSuffix(comment(long), "\n"), "\n") {
		if len(line) > 79 || !strings.HasPrefix(line, "//") {
			t.Errorf("comment line %q: want // and at most 79 columns", line)
		}
	}
	list := "Intro.\n\n- one\n- two"
	if got := comment(list); !strings.Contains(got, "// - one\n// - two\n") {
		t.Errorf("a list was refilled: %q", got)
	}
}

func TestLowerFirst(t *testing.T) {
	for in, want := range map[string]string{
		"ApplicationID": "applicationID", "JobID": "jobID", "ID": "id", "URLPath": "urlPath",
		"JSON text": "JSON text", "A Losant object ID": "a Losant object ID",
	} {
		if got := lowerFirst(in); got != want {
			t.Errorf("lowerFirst(%q) = %q, want %q", in, got, want)
		}
	}
}
