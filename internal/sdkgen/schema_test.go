package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// fixtureDoc is a spec whose components are the given YAML, indented
// under components.schemas.
func fixtureDoc(t *testing.T, schemas string) *openapi3.T {
	t.Helper()
	src := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n" + schemas
	doc, err := openapi3.NewLoader().LoadFromData([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const fixtureSchemas = `
    Status:
      type: string
      enum: [queued, failed]
    Log:
      type: object
      properties:
        kind: {type: string, enum: [a, b]}
    Q:
      type: object
      x-losant-max-depth: 3
      properties:
        $or: {type: array, items: {$ref: '#/components/schemas/Q'}}
        status: {type: string, nullable: true, x-losant-enum: '#/components/schemas/Status'}
        kind: {type: string, x-losant-enum: '#/components/schemas/Log/properties/kind'}
        at:
          description: a date
          anyOf:
            - {type: string, format: date-time}
            - {type: number, minimum: -5, maximum: 5}
`

// TestSchemaTableExtensions: the table carries x-losant-enum as the enum
// it names (also through properties), x-losant-max-depth as maxDepth, and
// format, minimum, maximum and a oneOf's description.
func TestSchemaTableExtensions(t *testing.T) {
	tab := newSchemaTable(fixtureDoc(t, fixtureSchemas))
	tab.add("Q")
	var got map[string]map[string]any
	if err := json.Unmarshal([]byte(tab.JSON()), &got); err != nil {
		t.Fatal(err)
	}
	props := got["Q"]["properties"].(map[string]any)
	for _, tt := range []struct{ what, got, want string }{
		{"maxDepth", fmt.Sprint(got["Q"]["maxDepth"]), "3"},
		{"status enum", fmt.Sprint(props["status"].(map[string]any)["enum"]), "[queued failed]"},
		{"status nullable", fmt.Sprint(props["status"].(map[string]any)["nullable"]), "true"},
		{"kind enum", fmt.Sprint(props["kind"].(map[string]any)["enum"]), "[a b]"},
		{"at", fmt.Sprint(props["at"]), "map[anyOf:[map[format:date-time type:string] map[maximum:5 minimum:-5 type:number]] description:a date]"},
		{"$or", fmt.Sprint(props["$or"]), "map[items:map[$ref:Q] type:array]"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %s, want %s", tt.what, tt.got, tt.want)
		}
	}
}

// TestSchemaTableRefuses: what the validator cannot check stops go
// generate with a message naming it, instead of going unchecked.
func TestSchemaTableRefuses(t *testing.T) {
	for _, tt := range []struct{ schema, want string }{
		{"type: string\n      x-losant-enum: '#/components/schemas/Nope'", "names no schema with an enum"},
		{"type: string\n      x-losant-enum: 'Status'", "want a reference #/components/schemas/NAME"},
		{"type: string\n      x-losant-enum: '#/components/schemas/Log/properties/nope'", "names no schema with an enum"},
		{"type: string\n      x-losant-enum: '#/components/schemas/Log/properties'", "names no schema with an enum"},
		{"type: object\n      x-losant-max-depth: 1.5", "must be a whole number"},
		{"type: number\n      multipleOf: 2", "multipleOf"},
		{"allOf: [{type: string}, {maxLength: 3}]", "allOf"}, // one schema alone is a described $ref
		{"oneOf: [{type: string}]\n      anyOf: [{type: number}]", "both oneOf and anyOf"},
	} {
		doc := fixtureDoc(t, fixtureSchemas+"    Bad:\n      "+tt.schema+"\n")
		got := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			newSchemaTable(doc).add("Bad")
			return ""
		}()
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want a panic saying %q", tt.schema, got, tt.want)
		}
	}
}
