package contract

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// envPublished names the folder holding Losant's published JSON Schemas.
const envPublished = "LOSANT_PUBLISHED_SCHEMAS"

// specPath is openapi.yaml, relative to this package's directory (where
// go test runs).
const specPath = "../../openapi.yaml"

// comparisons pairs each component schema of openapi.yaml with the file
// Losant publishes for it.
var comparisons = []struct{ component, file string }{
	{"ApplicationJobLog", "applicationJobLog.json"},
	{"Error", "error.json"},
	{"ApplicationJobLogs", "applicationJobLogs.json"},
}

// absent stands for a keyword, property or items schema that one side does
// not have.
const absent = "(absent)"

// intendedDifference is a difference between openapi.yaml and the published
// schema that is on purpose. Published and Ours are the keyword's value on
// each side as canonical JSON, or absent.
type intendedDifference struct {
	Path      string // schema path (see schemaNode.path), or "*" for every path
	Keyword   string
	Published string
	Ours      string
	WhereType string // if set, applies only where both sides have this JSON type
	Reason    string
}

// intendedDifferences lists every accepted difference. Anything else fails
// TestSpecMatchesPublishedSchemas, and an entry that no longer matches
// anything fails it too, so the list stays true.
var intendedDifferences = []intendedDifference{
	{
		Path: "*", Keyword: "format", WhereType: "number",
		Published: absent, Ours: `"double"`,
		Reason: "oapi-codegen turns a bare `type: number` into float32, which loses precision above 2^24 " +
			"(16,777,216); Losant's counters and epoch milliseconds exceed that, so every number in " +
			"openapi.yaml says `format: double` and the Go model decodes it to float64",
	},
}

// publishedDefect is a place in a published schema whose field definitions
// sit directly in the property, with no `type: object` and no `properties`
// wrapper (see shared/reference/README.md). The comparer reads it as the
// nested object it describes, which is how openapi.yaml models it.
type publishedDefect struct {
	Path   string
	Reason string
}

// publishedDefects lists every such place. An entry whose defect Losant has
// fixed fails TestSpecMatchesPublishedSchemas, so that it gets removed.
var publishedDefects = []publishedDefect{
	{
		Path:   "ApplicationJobLogs.items[].input",
		Reason: "the list's items repeat the job log schema with the same defect as ApplicationJobLog.input",
	},
	{
		Path:   "ApplicationJobLogs.items[].output",
		Reason: "the list's items repeat the job log schema with the same defect as ApplicationJobLog.output",
	},
	{
		Path: "ApplicationJobLog.input",
		Reason: "Losant's schema lists input's 11 fields without an object wrapper, so a validator ignores them; " +
			"the real payload is an object with those fields and openapi.yaml models it as one",
	},
	{
		Path: "ApplicationJobLog.output",
		Reason: "Losant's schema lists output's 20 fields without an object wrapper, so a validator ignores them; " +
			"the real payload is an object with those fields and openapi.yaml models it as one",
	},
}

// ignoredKeywords are not compared, on either side, for the reason given.
// Every keyword not listed here or in ignoredKeywordPrefixes is compared.
var ignoredKeywords = map[string]string{
	"description": "annotation: prose for readers; openapi.yaml documents every field, Losant's schema does not",
	"title":       "annotation: a display name, no effect on what a payload may contain",
	"example":     "annotation: openapi.yaml's examples are checked against their schemas by Redocly lint",
	"examples":    "annotation, as example",
	"$comment":    "annotation, as description",
	"$schema":     "the published files name their dialect (draft-07); openapi.yaml's is fixed by `openapi: 3.0.3`",
}

// ignoredKeywordPrefixes are keyword prefixes not compared, on either side,
// for the reason given.
var ignoredKeywordPrefixes = map[string]string{
	"x-": "extensions (x-go-name, x-go-type, ...) steer openapi.yaml's code generators (Go names and types); they do not change the wire format",
}

func ignored(keyword string) bool {
	if _, ok := ignoredKeywords[keyword]; ok {
		return true
	}
	for prefix := range ignoredKeywordPrefixes {
		if strings.HasPrefix(keyword, prefix) {
			return true
		}
	}
	return false
}

// schemaNode is one schema reduced to what the comparison looks at.
type schemaNode struct {
	// path names the schema: the component name, then ".name" for each
	// property and "[]" for array items, e.g.
	// ApplicationJobLog.output.validationErrors[].message.
	path string
	// keywords maps each keyword other than properties and items to its
	// value as canonical JSON.
	keywords   map[string]string
	properties map[string]*schemaNode
	items      *schemaNode
}

// canonicalJSON encodes v with sorted object keys and no insignificant
// whitespace, after a round trip through any so that both sides (YAML
// numbers, *uint64, *openapi3.Types, JSON float64) encode alike.
func canonicalJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return "", err
	}
	b, err = json.Marshal(generic)
	return string(b), err
}

// fromPublished reduces a published JSON Schema. defectUsed records which
// publishedDefects were found and repaired.
func fromPublished(path string, raw map[string]any, defectUsed map[string]bool) (*schemaNode, error) {
	if _, listed := defectUsed[path]; listed && isBareFieldMap(raw) {
		raw = map[string]any{"type": "object", "properties": raw}
		defectUsed[path] = true
	}
	n := &schemaNode{path: path, keywords: map[string]string{}}
	for k, v := range raw {
		switch k {
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: properties is %T, not an object", path, v)
			}
			n.properties = map[string]*schemaNode{}
			for name, pv := range props {
				pm, ok := pv.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s.%s: schema is %T, not an object", path, name, pv)
				}
				child, err := fromPublished(path+"."+name, pm, defectUsed)
				if err != nil {
					return nil, err
				}
				n.properties[name] = child
			}
		case "items":
			im, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: items is %T, not a schema object", path, v)
			}
			child, err := fromPublished(path+"[]", im, defectUsed)
			if err != nil {
				return nil, err
			}
			n.items = child
		default:
			c, err := canonicalJSON(v)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", path, k, err)
			}
			n.keywords[k] = c
		}
	}
	return n, nil
}

// isBareFieldMap reports whether raw is the published defect: a non-empty
// map of field schemas with no type and no properties of its own.
func isBareFieldMap(raw map[string]any) bool {
	if len(raw) == 0 {
		return false
	}
	if _, ok := raw["type"]; ok {
		return false
	}
	if _, ok := raw["properties"]; ok {
		return false
	}
	for _, v := range raw {
		if _, ok := v.(map[string]any); !ok {
			return false
		}
	}
	return true
}

// fromSpec reduces a resolved openapi.yaml schema.
func fromSpec(path string, ref *openapi3.SchemaRef) (*schemaNode, error) {
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("%s: unresolved schema", path)
	}
	s := ref.Value
	if len(s.AllOf) == 1 && len(s.Properties) == 0 && s.Type == nil {
		// allOf of one $ref is openapi.yaml's way to give a property its
		// own description (OpenAPI 3.0 ignores a $ref's siblings): the
		// property is the referenced schema, described.
		merged := *s.AllOf[0].Value
		merged.Description = s.Description
		s = &merged
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	n := &schemaNode{path: path, keywords: map[string]string{}}
	for k, v := range raw {
		if k == "properties" || k == "items" {
			continue // walked below through the resolved values
		}
		c, err := canonicalJSON(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, k, err)
		}
		n.keywords[k] = c
	}
	if s.Properties != nil {
		n.properties = map[string]*schemaNode{}
		for name, pr := range s.Properties {
			child, err := fromSpec(path+"."+name, pr)
			if err != nil {
				return nil, err
			}
			n.properties[name] = child
		}
	}
	if s.Items != nil {
		child, err := fromSpec(path+"[]", s.Items)
		if err != nil {
			return nil, err
		}
		n.items = child
	}
	return n, nil
}

// difference is one unexplained difference found by compareNodes.
type difference struct {
	Path      string
	Keyword   string // a schema keyword, or "property" / "items" for a missing subschema
	Published string
	Ours      string
}

func (d difference) String() string {
	return fmt.Sprintf("%s: %s: published %s, openapi.yaml %s", d.Path, d.Keyword, d.Published, d.Ours)
}

// comparison collects the differences of one or more compareNodes calls and
// which intendedDifferences explained some.
type comparison struct {
	diffs        []difference
	intendedUsed map[int]bool
}

func newComparison() *comparison { return &comparison{intendedUsed: map[int]bool{}} }

// report records a difference unless an intendedDifferences entry explains it.
func (c *comparison) report(pub, ours *schemaNode, d difference) {
	for i, in := range intendedDifferences {
		if (in.Path == "*" || in.Path == d.Path) && in.Keyword == d.Keyword &&
			in.Published == d.Published && in.Ours == d.Ours &&
			(in.WhereType == "" || (typeOf(pub) == in.WhereType && typeOf(ours) == in.WhereType)) {
			c.intendedUsed[i] = true
			return
		}
	}
	c.diffs = append(c.diffs, d)
}

func typeOf(n *schemaNode) string {
	if n == nil {
		return ""
	}
	var t string
	if json.Unmarshal([]byte(n.keywords["type"]), &t) != nil {
		return ""
	}
	return t
}

// compareNodes walks both schemas: keywords, properties (by name, at every
// level) and array items.
func (c *comparison) compareNodes(pub, ours *schemaNode) {
	path := ours.path
	for _, k := range sortedUnion(pub.keywords, ours.keywords) {
		if ignored(k) {
			continue
		}
		pv, pok := pub.keywords[k]
		ov, ook := ours.keywords[k]
		if !pok {
			pv = absent
		}
		if !ook {
			ov = absent
		}
		if k == "enum" && pok && ook {
			pv, ov = enumSet(pv), enumSet(ov)
		}
		if pv != ov {
			c.report(pub, ours, difference{Path: path, Keyword: k, Published: pv, Ours: ov})
		}
	}
	for _, name := range sortedUnion(pub.properties, ours.properties) {
		pp, ok1 := pub.properties[name]
		op, ok2 := ours.properties[name]
		switch {
		case ok1 && ok2:
			c.compareNodes(pp, op)
		case ok1:
			c.report(pp, nil, difference{Path: path + "." + name, Keyword: "property", Published: "defined", Ours: absent})
		default:
			c.report(nil, op, difference{Path: path + "." + name, Keyword: "property", Published: absent, Ours: "defined"})
		}
	}
	switch {
	case pub.items != nil && ours.items != nil:
		c.compareNodes(pub.items, ours.items)
	case pub.items != nil:
		c.report(pub.items, nil, difference{Path: path + "[]", Keyword: "items", Published: "defined", Ours: absent})
	case ours.items != nil:
		c.report(nil, ours.items, difference{Path: path + "[]", Keyword: "items", Published: absent, Ours: "defined"})
	}
}

// enumSet turns a canonical JSON array into the canonical JSON of its
// distinct values in sorted order, so enums compare as sets.
func enumSet(arr string) string {
	var values []any
	if json.Unmarshal([]byte(arr), &values) != nil {
		return arr // not an array: compared as written
	}
	var set []string
	for _, v := range values {
		c, err := canonicalJSON(v)
		if err != nil {
			return arr
		}
		set = append(set, c)
	}
	slices.Sort(set)
	set = slices.Compact(set)
	return "[" + strings.Join(set, ",") + "]"
}

func sortedUnion[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// compareAll compares every entry of comparisons. published maps a file name
// to its decoded content. defectUsed maps each publishedDefects path to
// whether it was found.
func compareAll(doc *openapi3.T, published map[string]map[string]any) (*comparison, map[string]bool, error) {
	c := newComparison()
	defectUsed := map[string]bool{}
	for _, d := range publishedDefects {
		defectUsed[d.Path] = false
	}
	for _, cmp := range comparisons {
		ref, ok := doc.Components.Schemas[cmp.component]
		if !ok {
			return nil, nil, fmt.Errorf("openapi.yaml has no components.schemas.%s", cmp.component)
		}
		ours, err := fromSpec(cmp.component, ref)
		if err != nil {
			return nil, nil, fmt.Errorf("openapi.yaml: %w", err)
		}
		raw, ok := published[cmp.file]
		if !ok {
			return nil, nil, fmt.Errorf("published schema %s not loaded", cmp.file)
		}
		pub, err := fromPublished(cmp.component, raw, defectUsed)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", cmp.file, err)
		}
		c.compareNodes(pub, ours)
	}
	return c, defectUsed, nil
}

// publishedDir returns the folder named by LOSANT_PUBLISHED_SCHEMAS, or
// skips the test when the variable is unset.
func publishedDir(t *testing.T) string {
	t.Helper()
	dir, ok := os.LookupEnv(envPublished)
	if !ok || dir == "" {
		t.Skipf("%s is unset: skipping the drift check against Losant's published JSON Schemas. "+
			"Run it with %s=/absolute/path/to/losant-published-schemas go test ./internal/contract/",
			envPublished, envPublished)
	}
	if !filepath.IsAbs(dir) {
		t.Fatalf("%s=%q must be an absolute path (go test runs in the package directory, internal/contract)",
			envPublished, dir)
	}
	return dir
}

// loadPublished reads every published file of comparisons from dir.
func loadPublished(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, cmp := range comparisons {
		p := filepath.Join(dir, cmp.file)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s is set but a published schema cannot be read: %v", envPublished, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: not a JSON object: %v", p, err)
		}
		out[cmp.file] = m
	}
	return out
}

// loadSpec loads openapi.yaml with every $ref resolved.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatalf("load %s: %v", specPath, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("validate %s: %v", specPath, err)
	}
	return doc
}

// TestSpecMatchesPublishedSchemas fails on every difference between
// openapi.yaml and Losant's published schemas that intendedDifferences,
// publishedDefects and ignoredKeywords do not explain.
func TestSpecMatchesPublishedSchemas(t *testing.T) {
	dir := publishedDir(t)
	published := loadPublished(t, dir)
	doc := loadSpec(t)

	c, defectUsed, err := compareAll(doc, published)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range c.diffs {
		t.Errorf("drift from Losant's published schema: %s", d)
	}
	for i, in := range intendedDifferences {
		if !c.intendedUsed[i] {
			t.Errorf("intendedDifferences[%d] (%s %s: published %s, openapi.yaml %s) no longer occurs: remove it",
				i, in.Path, in.Keyword, in.Published, in.Ours)
		}
	}
	for _, d := range publishedDefects {
		if !defectUsed[d.Path] {
			t.Errorf("publishedDefects %s: the published schema no longer has this defect: remove the entry", d.Path)
		}
	}
	if len(c.diffs) > 0 {
		t.Logf("to accept a difference on purpose, add it to intendedDifferences with its reason; otherwise fix openapi.yaml")
	}
}

// TestComparerReportsDrift proves that the comparer sees drift: it mutates a
// copy of the published schemas (or a freshly loaded openapi.yaml) and
// expects exactly the listed differences.
func TestComparerReportsDrift(t *testing.T) {
	dir := publishedDir(t)
	original := loadPublished(t, dir)

	type mutation struct {
		name      string
		published func(files map[string]map[string]any) // mutates the published copy
		ours      func(doc *openapi3.T)                 // mutates the loaded openapi.yaml
		want      []difference
	}
	jobLog := func(files map[string]map[string]any) map[string]any { return files["applicationJobLog.json"] }
	errSchema := func(files map[string]map[string]any) map[string]any { return files["error.json"] }
	ourJobLog := func(doc *openapi3.T) *openapi3.Schema { return doc.Components.Schemas["ApplicationJobLog"].Value }

	cases := []mutation{
		{
			name: "no mutation",
			want: nil,
		},
		{
			name: "enum reordered (enums are sets)",
			published: func(f map[string]map[string]any) {
				e := obj(jobLog(f), "properties", "status")["enum"].([]any)
				slices.Reverse(e)
			},
			want: nil,
		},
		{
			name: "extra published property",
			published: func(f map[string]map[string]any) {
				obj(jobLog(f), "properties", "progress", "properties")["percent"] = map[string]any{"type": "number"}
			},
			want: []difference{{"ApplicationJobLog.progress.percent", "property", "defined", absent}},
		},
		{
			name: "extra field inside the defective input",
			published: func(f map[string]map[string]any) {
				obj(jobLog(f), "properties", "input")["timezone"] = map[string]any{"type": "string"}
			},
			want: []difference{{"ApplicationJobLog.input.timezone", "property", "defined", absent}},
		},
		{
			name: "published property removed from array items",
			published: func(f map[string]map[string]any) {
				delete(obj(jobLog(f), "properties", "output", "validationErrors", "items", "properties"), "id")
			},
			want: []difference{{"ApplicationJobLog.output.validationErrors[].id", "property", absent, "defined"}},
		},
		{
			name: "enum value added",
			published: func(f map[string]map[string]any) {
				s := obj(jobLog(f), "properties", "status")
				s["enum"] = append(s["enum"].([]any), "cancelled")
			},
			want: []difference{{"ApplicationJobLog.status", "enum",
				`["cancelled","completed","errored","failed","inProgress","queued"]`,
				`["completed","errored","failed","inProgress","queued"]`}},
		},
		{
			name: "pattern changed",
			published: func(f map[string]map[string]any) {
				obj(jobLog(f), "properties", "jobId")["pattern"] = `^[a-f\d]{24}$`
			},
			want: []difference{{"ApplicationJobLog.jobId", "pattern", `"^[a-f\\d]{24}$"`, `"^[A-Fa-f\\d]{24}$"`}},
		},
		{
			name: "type changed (format double no longer intended)",
			published: func(f map[string]map[string]any) {
				obj(jobLog(f), "properties", "output", "written")["type"] = "integer"
			},
			want: []difference{
				{"ApplicationJobLog.output.written", "format", absent, `"double"`},
				{"ApplicationJobLog.output.written", "type", `"integer"`, `"number"`},
			},
		},
		{
			name: "format changed",
			published: func(f map[string]map[string]any) {
				obj(jobLog(f), "properties", "runQueuedAt")["format"] = "date"
			},
			want: []difference{{"ApplicationJobLog.runQueuedAt", "format", `"date"`, `"date-time"`}},
		},
		{
			name: "maxLength changed in array items",
			published: func(f map[string]map[string]any) {
				obj(jobLog(f), "properties", "input", "emails", "items")["maxLength"] = 2048
			},
			want: []difference{{"ApplicationJobLog.input.emails[]", "maxLength", "2048", "1024"}},
		},
		{
			name: "new keyword",
			published: func(f map[string]map[string]any) {
				jobLog(f)["required"] = []any{"id"}
			},
			want: []difference{{"ApplicationJobLog", "required", `["id"]`, absent}},
		},
		{
			name: "error body changed",
			published: func(f map[string]map[string]any) {
				obj(errSchema(f), "properties", "message")["type"] = "object"
			},
			want: []difference{{"Error.message", "type", `"object"`, `"string"`}},
		},
		{
			name: "openapi.yaml gains an enum value",
			ours: func(doc *openapi3.T) {
				s := ourJobLog(doc).Properties["requestedByType"].Value
				s.Enum = append(s.Enum, "robot")
			},
			want: []difference{{"ApplicationJobLog.requestedByType", "enum",
				`["apiToken","device","flow","system","user"]`,
				`["apiToken","device","flow","robot","system","user"]`}},
		},
		{
			name: "openapi.yaml gains an error property",
			ours: func(doc *openapi3.T) {
				doc.Components.Schemas["Error"].Value.Properties["code"] = openapi3.NewSchemaRef("", openapi3.NewIntegerSchema())
			},
			want: []difference{{"Error.code", "property", absent, "defined"}},
		},
		{
			name: "openapi.yaml drops an items schema",
			ours: func(doc *openapi3.T) {
				ourJobLog(doc).Properties["output"].Value.Properties["downloadUrls"].Value.Items = nil
			},
			want: []difference{{"ApplicationJobLog.output.downloadUrls[]", "items", "defined", absent}},
		},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			published := deepCopy(t, original)
			if tc.published != nil {
				tc.published(published)
			}
			doc := loadSpec(t)
			if tc.ours != nil {
				tc.ours(doc)
			}
			c, _, err := compareAll(doc, published)
			if err != nil {
				t.Fatal(err)
			}
			// The cases change the job log schema, which the list's items
			// share: the items' copies of each difference are expected too
			// and checked by TestSpecMatchesPublishedSchemas, not here.
			got := slices.DeleteFunc(slices.Clone(c.diffs), func(d difference) bool {
				return strings.HasPrefix(d.Path, "ApplicationJobLogs.")
			})
			if !slices.Equal(got, tc.want) {
				t.Errorf("differences reported:\n%s\nwant:\n%s", lines(got), lines(tc.want))
			}
		})
	}
}

// obj walks nested JSON objects by key and fails loudly (panics) when the
// published layout is not what a mutation expects.
func obj(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			panic(fmt.Sprintf("published schema: no object at %q", k))
		}
		m = next
	}
	return m
}

func deepCopy(t *testing.T, files map[string]map[string]any) map[string]map[string]any {
	t.Helper()
	b, err := json.Marshal(files)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func lines(ds []difference) string {
	if len(ds) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s\n", d)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
