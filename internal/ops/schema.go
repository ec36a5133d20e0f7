package ops

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The SDK checks a JSON-encoded query parameter (the list's advanced
// query) against openapi.yaml's schema before sending it. The schemas come
// from the generator as JSON (schemasJSON in ops.gen.go), holding only the
// keywords below; this small validator reads them. It is ours, not a JSON
// Schema library's, because a library would add hundreds of kilobytes to
// every user's binary (issue 9's footprint budget) to check one small
// language, and OpenAPI 3.0's nullable is not JSON Schema anyway.
//
// Keywords: type, nullable, enum, pattern (the generated matchers),
// minLength, maxLength, maxItems, minProperties, maxProperties,
// properties, additionalProperties: false, items, oneOf, and $ref to
// another schema of the table by name.

// schema is one node of the table.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Nullable             bool               `json:"nullable"`
	Enum                 []any              `json:"enum"`
	Pattern              string             `json:"pattern"`
	MinLength            int                `json:"minLength"`
	MaxLength            *int               `json:"maxLength"`
	MaxItems             *int               `json:"maxItems"`
	MinProperties        int                `json:"minProperties"`
	MaxProperties        *int               `json:"maxProperties"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Items                *schema            `json:"items"`
	OneOf                []*schema          `json:"oneOf"`
}

// table parses schemasJSON once, on the first check (not in NewClient).
var table = sync.OnceValues(func() (map[string]*schema, error) {
	var t map[string]*schema
	if err := json.Unmarshal([]byte(schemasJSON), &t); err != nil {
		return nil, fmt.Errorf("ops: the generated schema table does not parse: %w", err)
	}
	return t, nil
})

// maxDepth bounds how deeply a value may nest, so a hostile or runaway
// query cannot exhaust the stack.
const maxDepth = 32

// CheckJSON validates the JSON text raw against the named component
// schema. The error names the first place that breaks a rule, as a JSON
// path such as `$or[1].status: unknown field "$regex"`.
func CheckJSON(name string, raw []byte) error {
	t, err := table()
	if err != nil {
		return err
	}
	s, ok := t[name]
	if !ok {
		return fmt.Errorf("ops: no schema %q in the generated table", name)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("not JSON: %v", err)
	}
	return check(t, s, v, "", 0)
}

func check(t map[string]*schema, s *schema, v any, path string, depth int) error {
	if depth > maxDepth {
		return fail(path, "nested more than %d levels deep", maxDepth)
	}
	if s.Ref != "" {
		return check(t, t[s.Ref], v, path, depth+1)
	}
	if len(s.OneOf) > 0 {
		var errs []error
		matched := 0
		for _, alt := range s.OneOf {
			if err := check(t, alt, v, path, depth+1); err != nil {
				errs = append(errs, err)
			} else {
				matched++
			}
		}
		switch {
		case matched == 1:
			return nil
		case matched > 1:
			return fail(path, "matches more than one form")
		}
		return closest(errs)
	}
	if v == nil {
		if s.Nullable || s.Type == "" {
			return nil
		}
		return fail(path, "is null, want %s", article(s.Type))
	}
	switch x := v.(type) {
	case string:
		if s.Type != "" && s.Type != "string" {
			return fail(path, "is a string, want %s", article(s.Type))
		}
		if n := len([]rune(x)); n < s.MinLength || (s.MaxLength != nil && n > *s.MaxLength) {
			return fail(path, "has %d characters, want %d to %s", n, s.MinLength, limit(s.MaxLength))
		}
		if s.Pattern != "" {
			if m := schemaPatterns[s.Pattern]; m != nil && !m(x) {
				return fail(path, "%s does not match %s", Quote(x), s.Pattern)
			}
		}
	case json.Number:
		if s.Type != "" && s.Type != "number" && !(s.Type == "integer" && !strings.ContainsAny(x.String(), ".eE")) {
			return fail(path, "is a number, want %s", article(s.Type))
		}
	case bool:
		if s.Type != "" && s.Type != "boolean" {
			return fail(path, "is a boolean, want %s", article(s.Type))
		}
	case []any:
		if s.Type != "" && s.Type != "array" {
			return fail(path, "is an array, want %s", article(s.Type))
		}
		if s.MaxItems != nil && len(x) > *s.MaxItems {
			return fail(path, "has %d items, at most %d are allowed", len(x), *s.MaxItems)
		}
		if s.Items != nil {
			for i, item := range x {
				if err := check(t, s.Items, item, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
					return err
				}
			}
		}
	case map[string]any:
		if s.Type != "" && s.Type != "object" {
			return fail(path, "is an object, want %s", article(s.Type))
		}
		if len(x) < s.MinProperties || (s.MaxProperties != nil && len(x) > *s.MaxProperties) {
			return fail(path, "has %d keys, want %d to %s", len(x), s.MinProperties, limit(s.MaxProperties))
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, known := s.Properties[k]
			if !known {
				if s.AdditionalProperties != nil && !*s.AdditionalProperties {
					return fail(path, "unknown field %q (allowed: %s)", k, strings.Join(sortedKeys(s.Properties), ", "))
				}
				continue
			}
			if err := check(t, ps, x[k], join(path, k), depth+1); err != nil {
				return err
			}
		}
	}
	if len(s.Enum) > 0 {
		for _, e := range s.Enum {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				return nil
			}
		}
		return fail(path, "%v is not one of %v", v, s.Enum)
	}
	return nil
}

// pathError is a broken rule at a place in the value.
type pathError struct {
	path, msg string
}

func (e *pathError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

// Where is the JSON path of the place that breaks a rule, "" for the
// value as a whole.
func (e *pathError) Where() string { return e.path }

func fail(path, format string, args ...any) error {
	return &pathError{path: path, msg: fmt.Sprintf(format, args...)}
}

// closest picks, among the failures of every form of a oneOf, the one
// that got furthest into the value: the form the caller meant.
func closest(errs []error) error {
	best := errs[0]
	for _, e := range errs[1:] {
		if pe, ok := e.(*pathError); ok {
			if bp, ok := best.(*pathError); ok && len(pe.path) > len(bp.path) {
				best = e
			}
		}
	}
	return best
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func article(typ string) string {
	switch typ {
	case "object", "array", "integer":
		return "an " + typ
	}
	return "a " + typ
}

func limit(p *int) string {
	if p == nil {
		return "any"
	}
	return strconv.Itoa(*p)
}

func sortedKeys(m map[string]*schema) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
