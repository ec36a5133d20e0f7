package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseChangelog(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		items    []string
		breaking []string
	}{
		{
			name: "empty Unreleased, items in a release",
			text: "# Changelog\n\n## [Unreleased]\n\n### Added\n\n## [0.1.0] - 2026-01-01\n\n- old\n",
		},
		{
			name:     "items, a breaking one continued on the next line, and the next release left out",
			text:     "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- `losant version`.\n\n### Breaking\n\n- `losant.Client.Get` now takes\n  a context.\n* star item\n\n### Fixed\n\n- a fix\n\n## [0.1.0] - 2026-01-01\n\n### Breaking\n\n- old\n",
			items:    []string{"`losant version`.", "`losant.Client.Get` now takes a context.", "star item", "a fix"},
			breaking: []string{"`losant.Client.Get` now takes a context.", "star item"},
		},
		{
			name:     "heading without brackets, Breaking changes, nested item",
			text:     "## Unreleased\n### Breaking changes\n- outer\n  - inner\n",
			items:    []string{"outer", "inner"},
			breaking: []string{"outer", "inner"},
		},
		{
			name:  "a heading that only starts with Breaking's letters is not Breaking",
			text:  "## [Unreleased]\n### Breakingly good\n- fast\n",
			items: []string{"fast"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := parseChangelog(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.items, u.items); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.breaking, u.breaking); diff != "" {
				t.Errorf("breaking (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseChangelogWithoutUnreleased(t *testing.T) {
	_, err := parseChangelog("# Changelog\n\n## [0.1.0] - 2026-01-01\n- x\n")
	if err == nil || !strings.Contains(err.Error(), "Unreleased") {
		t.Errorf("err = %v, want one naming the missing Unreleased section", err)
	}
}

func TestAcknowledges(t *testing.T) {
	u, err := parseChangelog("## [Unreleased]\n### Added\n- `losant.Client.List` added\n### Breaking\n" +
		"- `request-parameter-became-required` on `GET /a/{id}`: page is required.\n" +
		"- `losant.Client.Get` takes a context.\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		keys []string
		want bool
	}{
		{[]string{"request-parameter-became-required", "GET /a/{id}"}, true},
		{[]string{"request-parameter-became-required", "GET /b"}, false},            // another operation
		{[]string{"request-parameter-enum-value-removed", "GET /a/{id}"}, false},    // another rule
		{[]string{"request-parameter-became-required", "losant.Client.Get"}, false}, // keys from two items
		{[]string{"losant.Client.Get"}, true},                                       //
		{[]string{"losant.Client.GetAll"}, false},                                   // a longer name
		{[]string{"api.Client.Get"}, false},                                         // the name in another package
		{[]string{"losant.Client"}, false},                                          // a prefix, without its own backquotes
		{[]string{"losant.Client.List"}, false},                                     // named, but not under Breaking
	}
	for _, tt := range tests {
		if got := u.acknowledges(tt.keys...); got != tt.want {
			t.Errorf("acknowledges(%q) = %v, want %v", tt.keys, got, tt.want)
		}
	}
}

func TestMoveUnreleased(t *testing.T) {
	in := "# Changelog\n\nintro\n\n## [Unreleased]\n\n### Added\n\n- new thing\n\n## [0.1.0] - 2026-01-01\n\n- old\n"
	want := "# Changelog\n\nintro\n\n## [Unreleased]\n\n## [0.2.0] - 2026-12-02\n\n### Added\n\n- new thing\n\n## [0.1.0] - 2026-01-01\n\n- old\n"
	got, err := moveUnreleased(in, "0.2.0", "2026-12-02")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("moveUnreleased (-want +got):\n%s", diff)
	}
	u, err := parseChangelog(got)
	if err != nil || len(u.items) != 0 {
		t.Errorf("after the move Unreleased has %q (err %v), want nothing", u.items, err)
	}
	for _, bad := range []struct{ text, version, wantErr string }{
		{"## [Unreleased]\n\n### Added\n\n## [0.1.0]\n- old\n", "0.2.0", "empty"},
		{"## [Unreleased]\n- new\n## [0.2.0] - 2026-01-01\n- old\n", "0.2.0", "already has"},
	} {
		if _, err := moveUnreleased(bad.text, bad.version, "2026-12-02"); err == nil || !strings.Contains(err.Error(), bad.wantErr) {
			t.Errorf("moveUnreleased(%q) err = %v, want one containing %q", bad.text, err, bad.wantErr)
		}
	}
}

func TestParseAPIDiff(t *testing.T) {
	out := "Incompatible changes:\n- (*Planted).Method: removed\n- Planted.Field: changed from string to *string\nCompatible changes:\n- (*Planted).Other: added\n"
	inc, comp := parseAPIDiff(out)
	wantInc := []goChange{{"(*Planted).Method", "removed"}, {"Planted.Field", "changed from string to *string"}}
	if diff := cmp.Diff(wantInc, inc, cmp.AllowUnexported(goChange{})); diff != "" {
		t.Errorf("incompatible (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]goChange{{"(*Planted).Other", "added"}}, comp, cmp.AllowUnexported(goChange{})); diff != "" {
		t.Errorf("compatible (-want +got):\n%s", diff)
	}
	if got := inc[0].ackKey("losant"); got != "losant.Planted.Method" {
		t.Errorf("ackKey = %q, want losant.Planted.Method", got)
	}
}
