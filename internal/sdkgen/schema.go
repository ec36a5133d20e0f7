package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// sdkSkipExt on a component schema keeps it out of the SDK's models: the
// query language's schemas, which the SDK checks queries against (from
// ops.gen.go's schema table) but which users write with JobLogQuery.
const sdkSkipExt = "x-go-sdk-skip"

// Extensions on the query language's schemas, for the rules JSON Schema
// cannot say. Other toolchains ignore them; the SDK's check and the local
// API both enforce them through internal/ops.CheckJSON.
const (
	// maxDepthExt (an integer) on a schema that references itself bounds
	// how deeply it may nest in a value: the outermost value is at depth 0.
	maxDepthExt = "x-losant-max-depth"
	// enumExt (a local reference such as
	// '#/components/schemas/ApplicationJobLogStatus') restricts a string to
	// the enum of the schema it names. It is an extension, not the
	// schema's own enum, so that responses may still carry values the spec
	// does not list.
	enumExt = "x-losant-enum"
)

// schemaTable collects component schemas, with what they reference, as
// the JSON the SDK's small validator reads (internal/ops/schema.go): only
// the keywords that validator implements, $refs by component name,
// x-losant-enum resolved to the enum it names and x-losant-max-depth as
// maxDepth. A keyword or extension it cannot carry panics, so that
// go generate fails rather than leave a rule unchecked.
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
	if len(s.AllOf) == 1 && s.Type == nil && len(s.Properties) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
		// allOf of one schema is openapi.yaml's way of describing a $ref
		// (OpenAPI 3.0 ignores a $ref's siblings): that schema.
		if r, ok := t.ref(s.AllOf[0]).(map[string]any); ok {
			return r
		}
	}
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
	if ref, ok := s.Extensions[enumExt]; ok {
		out["enum"] = t.enumOf(ref)
	}
	if d, ok := s.Extensions[maxDepthExt]; ok {
		n, ok := d.(float64)
		if !ok || n < 0 || n != float64(int(n)) {
			panic(fmt.Sprintf("sdkgen: %s must be a whole number, got %v", maxDepthExt, d))
		}
		out["maxDepth"] = int(n)
	}
	if s.Format != "" && s.Format != "double" && s.Format != "float" && s.Format != "int32" && s.Format != "int64" {
		// (A number's width is the Go type's business, not a rule.)
		out["format"] = s.Format
	}
	if s.Min != nil {
		out["minimum"] = *s.Min
	}
	if s.Max != nil {
		out["maximum"] = *s.Max
	}
	if s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() || s.MultipleOf != nil || len(s.AllOf) > 0 || s.Not != nil {
		panic("sdkgen: a query schema uses exclusiveMinimum, exclusiveMaximum, multipleOf, allOf or not, " +
			"which internal/ops.CheckJSON does not check; teach it first")
	}
	if len(s.OneOf) > 0 && len(s.AnyOf) > 0 {
		panic("sdkgen: a query schema has both oneOf and anyOf, which internal/ops.CheckJSON does not check; teach it first")
	}
	if len(s.AnyOf) > 0 {
		var list []any
		for _, v := range s.AnyOf {
			list = append(list, t.ref(v))
		}
		out["anyOf"] = list
	}
	if (len(s.OneOf) > 0 || len(s.AnyOf) > 0) && s.Description != "" {
		// What the value must be, for the message when a value fits none
		// of the forms of its type (a string that is no kind of date).
		out["description"] = strings.TrimSpace(s.Description)
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
	if s.MinItems > 0 {
		out["minItems"] = s.MinItems
	}
	if s.UniqueItems {
		out["uniqueItems"] = true
	}
	if len(s.Required) > 0 {
		out["required"] = s.Required
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

// enumOf resolves an x-losant-enum reference, a JSON pointer into
// components/schemas that may walk down properties
// ('#/components/schemas/ApplicationJobLog/properties/resourceType'), to
// the enum of the schema it names.
func (t *schemaTable) enumOf(ref any) []any {
	r, _ := ref.(string)
	rest, ok := strings.CutPrefix(r, "#/components/schemas/")
	if !ok {
		panic(fmt.Sprintf("sdkgen: %s %v: want a reference #/components/schemas/NAME[/properties/FIELD...]", enumExt, ref))
	}
	parts := strings.Split(rest, "/")
	target := t.doc.Components.Schemas[parts[0]]
	for i := 1; target != nil && i+1 < len(parts) && parts[i] == "properties"; i += 2 {
		target = target.Value.Properties[parts[i+1]]
	}
	if target == nil || target.Value == nil || len(target.Value.Enum) == 0 || len(parts)%2 == 0 {
		panic(fmt.Sprintf("sdkgen: %s %s names no schema with an enum", enumExt, r))
	}
	return target.Value.Enum
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
