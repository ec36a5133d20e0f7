package main

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// sdkSkipExt on a component schema keeps it out of the SDK's models: the
// query language's schemas, which the SDK checks queries against (from
// ops.gen.go's schema table) but which users write with JobLogQuery.
const sdkSkipExt = "x-go-sdk-skip"

// schemaTable collects component schemas, with what they reference, as
// the JSON the SDK's small validator reads (internal/ops/schema.go): only
// the keywords that validator implements, $refs by component name.
type schemaTable struct {
	doc      *openapi3.T
	schemas  map[string]any
	patterns map[string]bool
}

func newSchemaTable(doc *openapi3.T) *schemaTable {
	return &schemaTable{doc: doc, schemas: map[string]any{}, patterns: map[string]bool{}}
}

// add puts the component schema name, and every schema it references, in
// the table.
func (t *schemaTable) add(name string) {
	if _, ok := t.schemas[name]; ok {
		return
	}
	t.schemas[name] = nil // reserve: the schema may reference itself
	t.schemas[name] = t.convert(t.doc.Components.Schemas[name].Value)
}

func (t *schemaTable) convert(s *openapi3.Schema) map[string]any {
	out := map[string]any{}
	if s.Type != nil && len(*s.Type) > 0 {
		out["type"] = (*s.Type)[0]
	}
	if s.Nullable {
		out["nullable"] = true
	}
	if len(s.Enum) > 0 {
		out["enum"] = s.Enum
	}
	if s.Pattern != "" {
		out["pattern"] = s.Pattern
		t.patterns[s.Pattern] = true
	}
	if s.MinLength > 0 {
		out["minLength"] = s.MinLength
	}
	if s.MaxLength != nil {
		out["maxLength"] = *s.MaxLength
	}
	if s.MaxItems != nil {
		out["maxItems"] = *s.MaxItems
	}
	if s.MinProps > 0 {
		out["minProperties"] = s.MinProps
	}
	if s.MaxProps != nil {
		out["maxProperties"] = *s.MaxProps
	}
	if len(s.Properties) > 0 {
		props := map[string]any{}
		for k, v := range s.Properties {
			props[k] = t.ref(v)
		}
		out["properties"] = props
	}
	if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
		out["additionalProperties"] = false
	}
	if s.Items != nil {
		out["items"] = t.ref(s.Items)
	}
	if len(s.OneOf) > 0 {
		var list []any
		for _, v := range s.OneOf {
			list = append(list, t.ref(v))
		}
		out["oneOf"] = list
	}
	return out
}

func (t *schemaTable) ref(r *openapi3.SchemaRef) any {
	if r.Ref != "" {
		name := r.Ref[strings.LastIndexByte(r.Ref, '/')+1:]
		t.add(name)
		return map[string]any{"$ref": name}
	}
	return t.convert(r.Value)
}

// JSON is the table as one JSON object, keys sorted.
func (t *schemaTable) JSON() string {
	b, err := json.Marshal(t.schemas)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// Patterns lists the patterns the table's schemas use.
func (t *schemaTable) Patterns() []string {
	var out []string
	for p := range t.patterns {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
