package ops

import (
	"slices"
	"strings"
	"testing"
)

// TestTableFormatsAreKnown: every format the generated table uses is one
// CheckJSON checks, so no rule of the spec is silently skipped.
func TestTableFormatsAreKnown(t *testing.T) {
	tab, err := table()
	if err != nil {
		t.Fatal(err)
	}
	var walk func(name string, s *schema)
	walk = func(name string, s *schema) {
		if s == nil {
			return
		}
		if s.Format != "" {
			if _, ok := formats[s.Format]; !ok {
				t.Errorf("%s uses format %q, which CheckJSON does not check", name, s.Format)
			}
		}
		if s.Ref != "" && tab[s.Ref] == nil {
			t.Errorf("%s refers to %s, which is not in the table", name, s.Ref)
		}
		for _, p := range s.Properties {
			walk(name, p)
		}
		for _, alt := range slices.Concat(s.OneOf, s.AnyOf) {
			walk(name, alt)
		}
		walk(name, s.Items)
	}
	for name, s := range tab {
		walk(name, s)
	}
}

// TestJSONDepthBoundsNoValidQuery: the JSON depth bound refuses only
// values the schema refuses anyway. The deepest valid query (sub-queries
// at maxDepth, holding a condition with an array) nests 2*maxDepth+3 JSON
// levels, well inside maxJSONDepth.
func TestJSONDepthBoundsNoValidQuery(t *testing.T) {
	tab, err := table()
	if err != nil {
		t.Fatal(err)
	}
	d := tab["ApplicationJobLogQuery"].MaxDepth
	if d == nil {
		t.Fatal("ApplicationJobLogQuery has no maxDepth: openapi.yaml lost x-losant-max-depth")
	}
	if 2**d+3 >= maxJSONDepth {
		t.Errorf("maxJSONDepth %d would refuse valid queries %d levels deep", maxJSONDepth, 2**d+3)
	}
	deepest := strings.Repeat(`{"$or":[`, *d) + `{"status":{"$in":["queued"]}}` + strings.Repeat(`]}`, *d)
	if err := CheckJSON("ApplicationJobLogQuery", []byte(deepest)); err != nil {
		t.Errorf("the deepest valid query: %v", err)
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"2025-06-10T04:00:00.000Z":    "2025-06-10T04:00:00Z",
		"2025-06-10T06:00:00.5+02:00": "2025-06-10T04:00:00.5Z",
		"2025-06-10":                  "2025-06-10T00:00:00Z",
		"yesterday":                   "",
		"2025-06-10T04:00:00":         "", // no offset
		"2025-13-10":                  "",
		"":                            "",
	} {
		got, ok := ParseTime(in)
		if ok != (want != "") || ok && got.UTC().Format("2006-01-02T15:04:05.999999999Z07:00") != want {
			t.Errorf("ParseTime(%q) = %v, %v; want %q", in, got, ok, want)
		}
	}
}

func TestQuote(t *testing.T) {
	long := strings.Repeat("é", 50)
	if got, want := quote(long), `"`+strings.Repeat("é", 40)+`"...`; got != want {
		t.Errorf("quote(50 × é) = %s, want %s", got, want)
	}
	if got := quote("a\nb"); got != `"a\nb"` {
		t.Errorf("quote(a newline b) = %s", got)
	}
}
