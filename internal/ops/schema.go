package ops

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The SDK checks a JSON-encoded query parameter (the list's advanced
// query) against openapi.yaml's schema before sending it, and the local
// API checks the query it receives with the same function: one judge, so
// a query one accepts the other accepts. The schemas come from the
// generator as JSON (schemasJSON in ops.gen.go), holding only the
// keywords below; this small validator reads them. It is ours, not a JSON
// Schema library's, because a library would add hundreds of kilobytes to
// every user's binary (issue 9's footprint budget) to check one small
// language, and OpenAPI 3.0's nullable is not JSON Schema anyway.
//
// Keywords: type, nullable, enum, pattern (the generated matchers),
// format (date-time and date, see ParseTime), minimum, maximum,
// minLength, maxLength, maxItems, minProperties, maxProperties,
// properties, additionalProperties: false, items, oneOf, anyOf, and $ref to
// another schema of the table by name. Two of openapi.yaml's extensions
// arrive as keywords: x-losant-enum as enum, x-losant-max-depth as
// maxDepth (how deeply a self-referencing schema may nest).

// schema is one node of the table.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 string             `json:"type"`
	Nullable             bool               `json:"nullable"`
	Enum                 []any              `json:"enum"`
	Pattern              string             `json:"pattern"`
	Format               string             `json:"format"`
	Minimum              *float64           `json:"minimum"`
	Maximum              *float64           `json:"maximum"`
	MinLength            int                `json:"minLength"`
	MaxLength            *int               `json:"maxLength"`
	MaxItems             *int               `json:"maxItems"`
	MinProperties        int                `json:"minProperties"`
	MaxProperties        *int               `json:"maxProperties"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Items                *schema            `json:"items"`
	OneOf                []*schema          `json:"oneOf"`
	AnyOf                []*schema          `json:"anyOf"`
	MaxDepth             *int               `json:"maxDepth"`
	Description          string             `json:"description"`
}

// table parses schemasJSON once, on the first check (not in NewClient).
var table = sync.OnceValues(func() (map[string]*schema, error) {
	var t map[string]*schema
	if err := json.Unmarshal([]byte(schemasJSON), &t); err != nil {
		return nil, fmt.Errorf("ops: the generated schema table does not parse: %w", err)
	}
	return t, nil
})

// maxJSONDepth bounds how deeply the JSON text may nest before its meaning
// is looked at, so a hostile or runaway value cannot exhaust the stack. It
// never changes a verdict: the deepest query the schema's maxDepth allows
// nests about 2*maxDepth+3 levels (TestJSONDepthBoundsNoValidQuery).
const maxJSONDepth = 64

// CheckJSON validates the JSON text raw against the named component
// schema. A value that breaks a rule is a *PathError; the error names the first place that breaks a rule, as a JSON
// path such as `$or[1].status: unknown operator "$regex" (allowed: ...)`.
// An object that repeats a key is refused, as is more than one JSON value.
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
	dec.UseNumber() // numbers as written: 1e400 is refused, not made infinite
	v, err := decode(dec, "", 0)
	if err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fail("", "not JSON: more data after the first value")
	}
	if s.Type == "object" {
		if _, ok := v.(map[string]any); !ok {
			return fail("", "must be a JSON object, got %s", kindOf(v))
		}
	}
	return check(t, s, v, "", 0)
}

// decode reads one JSON value, as encoding/json would into an any but
// refusing a repeated key (which encoding/json would silently drop) and
// nesting deeper than maxJSONDepth.
func decode(dec *json.Decoder, path string, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, notJSON(err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if depth >= maxJSONDepth {
		return nil, fail("", "JSON nested more than %d levels deep", maxJSONDepth)
	}
	if d == '[' {
		list := []any{}
		for dec.More() {
			v, err := decode(dec, path+"["+strconv.Itoa(len(list))+"]", depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := dec.Token()
		return list, notJSON(err)
	}
	obj := map[string]any{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, notJSON(err)
		}
		k := tok.(string) // the decoder allows only a string here
		if _, dup := obj[k]; dup {
			return nil, fail(path, "duplicate key %s", quote(k))
		}
		if obj[k], err = decode(dec, join(path, k), depth+1); err != nil {
			return nil, err
		}
	}
	_, err = dec.Token()
	return obj, notJSON(err)
}

// notJSON words a decoder error; nil stays nil.
func notJSON(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fail("", "not JSON: the text ends before the JSON does")
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fail("", "not JSON: %v (at byte %d)", syn, syn.Offset)
	}
	return fail("", "not JSON: %v", err)
}

// check validates v against s. nest counts the schemas with a maxDepth
// that enclose v: the outermost query is at 0, a sub-query of its $or at 1.
func check(t map[string]*schema, s *schema, v any, path string, nest int) error {
	if s.Ref != "" {
		return check(t, t[s.Ref], v, path, nest)
	}
	if s.MaxDepth != nil {
		if nest > *s.MaxDepth {
			return fail(path, "queries nested more than %d levels deep", *s.MaxDepth)
		}
		nest++
	}
	if len(s.OneOf) > 0 {
		return checkForms(t, s, s.OneOf, true, v, path, nest)
	}
	if len(s.AnyOf) > 0 {
		return checkForms(t, s, s.AnyOf, false, v, path, nest)
	}
	if v == nil {
		if s.Nullable || s.Type == "" {
			return nil
		}
		return fail(path, "is null, want %s", article(s.Type))
	}
	if s.Type != "" && !fitsType(s.Type, v) {
		return fail(path, "is %s, want %s", kindOf(v), article(s.Type))
	}
	switch x := v.(type) {
	case string:
		if n := utf8.RuneCountInString(x); n < s.MinLength || (s.MaxLength != nil && n > *s.MaxLength) {
			if n == 0 && s.MinLength == 1 {
				return fail(path, "is empty, want a non-empty string")
			}
			return fail(path, "has %d characters, want %d to %s", n, s.MinLength, limit(s.MaxLength))
		}
		if s.Pattern != "" {
			if m := schemaPatterns[s.Pattern]; m != nil && !m(x) {
				return fail(path, "%s does not match %s", quote(x), s.Pattern)
			}
		}
		if f, ok := formats[s.Format]; ok && !f.valid(x) {
			return fail(path, "%s is not %s", quote(x), f.want)
		}
	case json.Number:
		f, err := strconv.ParseFloat(x.String(), 64)
		if err != nil {
			return fail(path, "number %s is out of range", x)
		}
		if s.Minimum != nil && f < *s.Minimum {
			return fail(path, "%s is below the minimum, %s", x, number(*s.Minimum))
		}
		if s.Maximum != nil && f > *s.Maximum {
			return fail(path, "%s is above the maximum, %s", x, number(*s.Maximum))
		}
	case []any:
		if s.MaxItems != nil && len(x) > *s.MaxItems {
			return fail(path, "has %d items, at most %d are allowed", len(x), *s.MaxItems)
		}
		if s.Items != nil {
			for i, item := range x {
				if err := check(t, s.Items, item, path+"["+strconv.Itoa(i)+"]", nest); err != nil {
					return err
				}
			}
		}
	case map[string]any:
		if len(x) < s.MinProperties || (s.MaxProperties != nil && len(x) > *s.MaxProperties) {
			want := fmt.Sprintf("%d to %s", s.MinProperties, limit(s.MaxProperties))
			if s.MaxProperties != nil && *s.MaxProperties == s.MinProperties {
				want = fmt.Sprintf("exactly %d", s.MinProperties)
			}
			return fail(path, "has %d keys (%s), want %s", len(x), strings.Join(sortedKeys(x), ", "), want)
		}
		for _, k := range sortedKeys(x) {
			ps, known := s.Properties[k]
			if !known {
				if s.AdditionalProperties != nil && !*s.AdditionalProperties {
					return unknownKey(s, path, k)
				}
				continue
			}
			if err := check(t, ps, x[k], join(path, k), nest); err != nil {
				return err
			}
		}
	}
	if len(s.Enum) > 0 && !slices.ContainsFunc(s.Enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		return fail(path, "%s is not one of %s", show(v), list(s.Enum))
	}
	return nil
}

// checkForms validates v against s's forms: exactly one of them (oneOf),
// or at least one (anyOf).
func checkForms(t map[string]*schema, s *schema, forms []*schema, one bool, v any, path string, nest int) error {
	var fitting []error // failures of the forms of v's type
	matched := 0
	for _, alt := range forms {
		err := check(t, alt, v, path, nest)
		switch {
		case err == nil:
			matched++
		case fits(t, alt, v):
			fitting = append(fitting, err)
		}
	}
	switch {
	case matched == 1, matched > 1 && !one:
		return nil
	case matched > 1:
		return fail(path, "matches more than one form")
	case len(fitting) == 0:
		return fail(path, "is %s, want %s", kindOf(v), orList(wants(t, s, nil)))
	case len(fitting) > 1 && s.Description != "" && allAt(fitting, path):
		// Several forms of v's type (a date-time, a date) and none took
		// it: say what the value must be, not what the first form wanted.
		return fail(path, "%s is not %s", show(v), s.Description)
	}
	return closest(fitting)
}

// closest picks, among the failures of the forms that fit the value's
// type, the one that got furthest into the value: the form the caller
// meant. An object with an unknown operator fails in the object form,
// not with "is an object, want a string".
func closest(errs []error) error {
	best := errs[0]
	for _, e := range errs[1:] {
		if pe, ok := e.(*PathError); ok {
			if bp, ok := best.(*PathError); ok && len(pe.Path) > len(bp.Path) {
				best = e
			}
		}
	}
	return best
}

// allAt reports whether every error is a *PathError at path.
func allAt(errs []error, path string) bool {
	for _, e := range errs {
		if pe, ok := e.(*PathError); !ok || pe.Path != path {
			return false
		}
	}
	return true
}

// fits reports whether v has a type one of s's forms takes.
func fits(t map[string]*schema, s *schema, v any) bool {
	if s.Ref != "" {
		return fits(t, t[s.Ref], v)
	}
	if forms := slices.Concat(s.OneOf, s.AnyOf); len(forms) > 0 {
		return slices.ContainsFunc(forms, func(alt *schema) bool { return fits(t, alt, v) })
	}
	if v == nil {
		return s.Nullable || s.Type == ""
	}
	return s.Type == "" || fitsType(s.Type, v)
}

// wants lists the types s's forms take, each once, in order.
func wants(t map[string]*schema, s *schema, out []string) []string {
	if s.Ref != "" {
		return wants(t, t[s.Ref], out)
	}
	if forms := slices.Concat(s.OneOf, s.AnyOf); len(forms) > 0 {
		for _, alt := range forms {
			out = wants(t, alt, out)
		}
		return out
	}
	w := "any value"
	if s.Type != "" {
		w = article(s.Type)
	}
	if !slices.Contains(out, w) {
		out = append(out, w)
	}
	return out
}

// unknownKey is the error for a key s does not allow: an operator when it
// starts with $ (as in Losant's language), a field otherwise, listing the
// allowed ones of the same kind.
func unknownKey(s *schema, path, k string) error {
	what, op := "field", strings.HasPrefix(k, "$")
	if op {
		what = "operator"
	}
	var allowed []string
	for name := range s.Properties {
		if strings.HasPrefix(name, "$") == op {
			allowed = append(allowed, name)
		}
	}
	sort.Strings(allowed)
	if len(allowed) == 0 {
		return fail(path, "unknown %s %s", what, quote(k))
	}
	return fail(path, "unknown %s %s (allowed: %s)", what, quote(k), strings.Join(allowed, ", "))
}

// format is a string format the validator checks.
type format struct {
	valid func(string) bool
	want  string // for messages: "a date-time (RFC 3339, ...)"
}

// formats are the formats CheckJSON checks; TestTableFormatsAreKnown
// fails when the table uses another.
var formats = map[string]format{
	"date-time": {func(s string) bool { _, ok := parseDateTime(s); return ok },
		"an RFC 3339 date-time, such as 2025-06-10T04:00:00.000Z"},
	"date": {func(s string) bool { _, err := time.Parse(time.DateOnly, s); return err == nil },
		"a date, such as 2025-06-10"},
}

// parseDateTime parses an RFC 3339 date-time, with any fraction of a
// second and any offset.
func parseDateTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// ParseTime reads a string date of a query as CheckJSON's date-time and
// date formats accept it: an RFC 3339 date-time, or a date alone
// (2025-06-10), which is midnight UTC as JavaScript reads it.
func ParseTime(s string) (time.Time, bool) {
	if t, ok := parseDateTime(s); ok {
		return t, true
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// PathError is a value that breaks a rule of its schema, at a place in
// the value. Its Error is Path and Problem joined by ": ".
type PathError struct {
	// Path locates the problem in the value, in JavaScript notation
	// ($or[1].status.$in[2]); empty for the value as a whole.
	Path string
	// Problem says what is wrong, such as `unknown operator "$regex"
	// (allowed: ...)`.
	Problem string
}

func (e *PathError) Error() string {
	if e.Path == "" {
		return e.Problem
	}
	return e.Path + ": " + e.Problem
}

func fail(path, format string, args ...any) error {
	return &PathError{Path: path, Problem: fmt.Sprintf(format, args...)}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fitsType reports whether the JSON value v (not null) is of the schema
// type typ. A whole number is an integer.
func fitsType(typ string, v any) bool {
	switch x := v.(type) {
	case string:
		return typ == "string"
	case json.Number:
		return typ == "number" || typ == "integer" && !strings.ContainsAny(x.String(), ".eE")
	case bool:
		return typ == "boolean"
	case []any:
		return typ == "array"
	case map[string]any:
		return typ == "object"
	}
	return false
}

// kindOf names the JSON type of v for messages: "a string", "null".
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	}
	return "an object"
}

// show writes a scalar for a message: a string quoted and cut short.
func show(v any) string {
	if s, ok := v.(string); ok {
		return quote(s)
	}
	if v == nil {
		return "null"
	}
	return fmt.Sprint(v)
}

// list joins enum values for a message: queued, inProgress, completed.
func list(vs []any) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return strings.Join(out, ", ")
}

// orList joins alternatives: "a string, a number or an object".
func orList(ws []string) string {
	if len(ws) < 2 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " or " + ws[len(ws)-1]
}

// number writes a bound as JSON writes it, without an exponent.
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

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

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
