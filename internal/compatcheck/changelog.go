package main

import (
	"fmt"
	"regexp"
	"strings"
)

// unreleased is what the check reads from CHANGELOG.md: the items of its
// "Unreleased" section and, among them, those under a "Breaking" heading.
type unreleased struct {
	items    []string
	breaking []string
}

var (
	// A second-level heading "## [Unreleased]" (brackets optional), as in
	// Keep a Changelog.
	unreleasedHeading = regexp.MustCompile(`(?i)^##\s+\[?unreleased\]?\s*$`)
	// A third-level heading that starts with "Breaking" ("### Breaking",
	// "### Breaking changes").
	breakingHeading = regexp.MustCompile(`(?i)^###\s+breaking\b`)
	// A list item: "- text" or "* text", indented or not.
	listItem = regexp.MustCompile(`^\s*[-*]\s+`)
)

// parseChangelog reads the Unreleased section of a Keep a Changelog file.
// An item is a list line with the lines that continue it (non-blank, not a
// new item, not a heading); a nested item is an item of its own.
func parseChangelog(text string) (unreleased, error) {
	var u unreleased
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	start := -1
	for i, l := range lines {
		if unreleasedHeading.MatchString(strings.TrimSpace(l)) {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return u, fmt.Errorf("CHANGELOG.md has no \"## [Unreleased]\" section: add one at the top (Keep a Changelog format)")
	}
	inBreaking := false
	cur, curBreaking := "", false
	flush := func() {
		if cur == "" {
			return
		}
		u.items = append(u.items, cur)
		if curBreaking {
			u.breaking = append(u.breaking, cur)
		}
		cur = ""
	}
	for _, l := range lines[start:] {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "## ") || t == "##":
			flush()
			return u, nil
		case strings.HasPrefix(t, "#"):
			flush()
			inBreaking = breakingHeading.MatchString(t)
		case listItem.MatchString(l):
			flush()
			cur, curBreaking = listItem.ReplaceAllString(l, ""), inBreaking
		case t == "":
			flush()
		case cur != "":
			cur += " " + t
		}
	}
	flush()
	return u, nil
}

// acknowledges reports whether one item under "Breaking" names every key,
// each in backquotes as Markdown code: "`request-parameter-became-required`
// on `GET /applications/{applicationId}/jobLogs`" acknowledges the keys
// "request-parameter-became-required" and "GET /applications/{applicationId}/jobLogs".
// Backquotes make the match exact: `losant.Client.Get` does not acknowledge
// losant.Client.GetAll.
func (u unreleased) acknowledges(keys ...string) bool {
	for _, item := range u.breaking {
		all := true
		for _, k := range keys {
			if !strings.Contains(item, "`"+k+"`") {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
