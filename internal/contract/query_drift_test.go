package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/losant-go/losant-go/internal/ops"
)

// The advanced query language is compared by behaviour, not by keyword:
// Losant publishes it as draft-07 JSON Schema (type arrays, nested oneOf),
// openapi.yaml must say it in OpenAPI 3.0 (nullable, $refs), so the two
// cannot match keyword for keyword. Instead every query of a corpus that
// exercises each field, operator, limit and combinator is judged three
// ways, and all three must agree:
//
//   - Losant's published advancedApplicationJobLogQuery.json, by a JSON
//     Schema validator;
//   - openapi.yaml's ApplicationJobLogQuery, by kin-openapi (what the
//     local API enforces);
//   - the SDK's own check (internal/ops.CheckJSON on the generated schema
//     table), which refuses a bad query before it is sent.

// queryIntended lists the queries on which openapi.yaml is meant to
// disagree with the published schema, and why.
var queryIntended = map[string]string{
	`{"color":"red"}`: "the published schema sets no additionalProperties at its top level, so it lets any unknown " +
		"field through (where Losant's API then fails on it); openapi.yaml refuses unknown fields, so a typo is " +
		"caught before a request is sent (issue 10: an unknown field is a usage error)",
	`{"$and":[{"colour":"red"}]}`: "as above, inside $and",
}

// queryCorpus returns the queries to judge, each with whether openapi.yaml
// must accept it.
func queryCorpus() map[string]bool {
	id := `"575ec8687ae143cd83dc4a97"`
	many := func(v string, n int) string { return "[" + strings.TrimSuffix(strings.Repeat(v+",", n), ",") + "]" }
	c := map[string]bool{
		`{}`: true,
		`{"name":"ArchiveData","status":{"$in":["errored","failed","completed"]}}`: true,
		`{"color":"red"}`:                                       false,
		`{"$and":[{"colour":"red"}]}`:                           false,
		`{"$and":[{"name":"a"},{"status":"failed"}]}`:           true,
		`{"$or":[{"name":"a"},{"$nor":[{"status":"failed"}]}]}`: true,
		`{"$and":` + many(`{"name":"a"}`, 100) + `}`:            true,
		`{"$and":` + many(`{"name":"a"}`, 101) + `}`:            false,
		`{"$or":{"name":"a"}}`:                                  false,
		`{"$nor":[1]}`:                                          false,
		`[]`:                                                    false,
		`"name"`:                                                false,
	}
	for _, f := range []string{"id", "resourceId"} {
		c[`{"`+f+`":`+id+`}`] = true
		c[`{"`+f+`":null}`] = true
		c[`{"`+f+`":"nope"}`] = false
		c[`{"`+f+`":5}`] = false
		for _, op := range []string{"$eq", "$ne", "$gt", "$lt", "$gte", "$lte"} {
			c[`{"`+f+`":{"`+op+`":`+id+`}}`] = true
			c[`{"`+f+`":{"`+op+`":null}}`] = true
			c[`{"`+f+`":{"`+op+`":"575ec"}}`] = false
		}
		c[`{"`+f+`":{"$in":[`+id+`]}}`] = true
		c[`{"`+f+`":{"$nin":`+many(id, 100)+`}}`] = true
		c[`{"`+f+`":{"$nin":`+many(id, 101)+`}}`] = false
		c[`{"`+f+`":{"$in":["x"]}}`] = false
		c[`{"`+f+`":{"$eq":`+id+`,"$ne":`+id+`}}`] = false // ID conditions take exactly one operator
		c[`{"`+f+`":{}}`] = false
		c[`{"`+f+`":{"$startsWith":"57"}}`] = false
	}
	for _, f := range []string{"name", "status", "resourceType", "runQueuedAt", "runStartedAt", "runCompletedAt"} {
		c[`{"`+f+`":"x"}`] = true
		c[`{"`+f+`":5}`] = true
		c[`{"`+f+`":true}`] = true
		c[`{"`+f+`":null}`] = true
		c[`{"`+f+`":[1]}`] = false
		for _, op := range []string{"$eq", "$ne", "$gt", "$lt", "$gte", "$lte"} {
			c[`{"`+f+`":{"`+op+`":"2025-06-10T04:00:00.000Z"}}`] = true
			c[`{"`+f+`":{"`+op+`":1749528000000}}`] = true
			c[`{"`+f+`":{"`+op+`":null}}`] = true
			c[`{"`+f+`":{"`+op+`":{}}}`] = false
		}
		for _, op := range []string{"$startsWith", "$endsWith", "$contains"} {
			c[`{"`+f+`":{"`+op+`":"Arch","$ci":true}}`] = true
			c[`{"`+f+`":{"`+op+`":""}}`] = false
			c[`{"`+f+`":{"`+op+`":5}}`] = false
		}
		c[`{"`+f+`":{"$gte":"a","$lt":"b"}}`] = true
		c[`{"`+f+`":{"$ci":"yes"}}`] = false
		c[`{"`+f+`":{"$in":["a",1,true]}}`] = true
		c[`{"`+f+`":{"$in":[null]}}`] = false
		c[`{"`+f+`":{"$nin":`+many(`"a"`, 101)+`}}`] = false
		c[`{"`+f+`":{"$regex":"A.*"}}`] = false
		c[`{"`+f+`":{}}`] = true
	}
	return c
}

func TestQueryLanguageMatchesPublished(t *testing.T) {
	dir := publishedDir(t)
	raw, err := os.ReadFile(filepath.Join(dir, "advancedApplicationJobLogQuery.json"))
	if err != nil {
		t.Fatal(err)
	}
	published := compilePublishedQuery(t, raw)

	doc := loadSpec(t)
	ours := doc.Components.Schemas["ApplicationJobLogQuery"].Value
	corpus := queryCorpus()
	usedIntended := map[string]bool{}
	for q, wantOK := range corpus {
		v := decode(t, q)
		pubOK := published.Validate(v) == nil
		specOK := ours.VisitJSON(v, openapi3.MultiErrors()) == nil
		sdkErr := ops.CheckJSON("ApplicationJobLogQuery", []byte(q))
		if specOK != wantOK {
			t.Errorf("openapi.yaml says %v for %s, want %v", specOK, q, wantOK)
		}
		if (sdkErr == nil) != specOK {
			t.Errorf("the SDK's check says %v (%v) for %s, openapi.yaml %v", sdkErr == nil, sdkErr, q, specOK)
		}
		if pubOK != specOK {
			if _, ok := queryIntended[q]; ok {
				usedIntended[q] = true
				continue
			}
			t.Errorf("drift from Losant's published query schema on %s: published %v, openapi.yaml %v", q, pubOK, specOK)
		}
	}
	for q, why := range queryIntended {
		if !usedIntended[q] {
			t.Errorf("intended difference no longer differs, remove it: %s (%s)", q, why)
		}
	}
}

// compilePublishedQuery compiles Losant's schema, whose sub-queries refer
// to #/definitions/advancedApplicationJobLogQuery, a definition the file
// leaves to the document that includes it: here, the file itself.
func compilePublishedQuery(t *testing.T, raw []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	m := doc.(map[string]any)
	m["definitions"] = map[string]any{"advancedApplicationJobLogQuery": map[string]any{"$ref": "#"}}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("query.json", m); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("query.json")
	if err != nil {
		t.Fatalf("compiling the published query schema: %v", err)
	}
	return s
}

func decode(t *testing.T, q string) any {
	t.Helper()
	var v any
	dec := json.NewDecoder(strings.NewReader(q))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("corpus entry %s: %v", q, err)
	}
	return v
}

// TestQueryCorpusIsRich guards the corpus itself: every field and
// operator of the language appears in it.
func TestQueryCorpusIsRich(t *testing.T) {
	all := fmt.Sprint(queryCorpus())
	for _, w := range []string{"$and", "$or", "$nor", "$eq", "$ne", "$gt", "$lt", "$gte", "$lte", "$in", "$nin",
		"$startsWith", "$endsWith", "$contains", "$ci", `"id"`, "resourceId", "name", "status", "resourceType",
		"runQueuedAt", "runStartedAt", "runCompletedAt"} {
		if !strings.Contains(all, w) {
			t.Errorf("the corpus never uses %s", w)
		}
	}
}
