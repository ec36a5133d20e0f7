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
// ways:
//
//   - Losant's published advancedApplicationJobLogQuery.json, by a JSON
//     Schema validator;
//   - openapi.yaml's ApplicationJobLogQuery, by kin-openapi (what another
//     toolchain reading the spec would enforce);
//   - internal/ops.CheckJSON on the generated schema table: the SDK's
//     check before sending and the local API's on receipt, which also
//     enforces openapi.yaml's x-losant-enum and x-losant-max-depth.
//
// kin-openapi and CheckJSON must agree except where an x-losant extension
// refuses; openapi.yaml and the published schema must agree except where
// the corpus says why not.

// verdict is what a judge says of a query.
type verdict uint8

const (
	accept verdict = iota
	refuse
	// refuseByExtension: openapi.yaml's keywords accept it, an x-losant
	// extension (enum, max depth) refuses it, so CheckJSON refuses it.
	refuseByExtension
)

// corpusEntry is a query's expected verdict and, when openapi.yaml
// differs from Losant's published schema on it, why.
type corpusEntry struct {
	want  verdict
	drift string // "" when openapi.yaml and the published schema agree
}

// Reasons openapi.yaml is stricter than the published schema.
const (
	driftUnknownField = "the published schema sets no additionalProperties at its top level, so it lets any unknown " +
		"field through (where Losant's API then fails on it); openapi.yaml refuses unknown fields, so a typo is " +
		"caught before a request is sent (issue 10: an unknown field is a usage error)"
	driftEnumType = "the published schema lets status and resourceType take any scalar; openapi.yaml takes a string " +
		"(or null), checked against the enum by x-losant-enum, because no number or boolean is a status (issue 17)"
	driftDate = "the published schema lets the timestamps take any scalar; openapi.yaml takes a date (format " +
		"date-time or date) or epoch milliseconds, which is what the local API can compare, so \"yesterday\" is " +
		"refused before sending (issue 17)"
	driftDepth = "the published schema sets no nesting limit; openapi.yaml's x-losant-max-depth keeps matching bounded"
)

// queryCorpus returns the queries to judge.
func queryCorpus() map[string]corpusEntry {
	id := `"575ec8687ae143cd83dc4a97"`
	many := func(v string, n int) string { return "[" + strings.TrimSuffix(strings.Repeat(v+",", n), ",") + "]" }
	nested := func(depth int) string { return strings.Repeat(`{"$or":[`, depth) + `{}` + strings.Repeat(`]}`, depth) }
	ok, no := corpusEntry{want: accept}, corpusEntry{want: refuse}
	c := map[string]corpusEntry{
		`{}`: ok,
		`{"name":"ArchiveData","status":{"$in":["errored","failed","completed"]}}`: ok,
		`{"color":"red"}`:                                       {refuse, driftUnknownField},
		`{"$and":[{"colour":"red"}]}`:                           {refuse, driftUnknownField},
		`{"$and":[{"name":"a"},{"status":"failed"}]}`:           ok,
		`{"$or":[{"name":"a"},{"$nor":[{"status":"failed"}]}]}`: ok,
		`{"$and":` + many(`{"name":"a"}`, 100) + `}`:            ok,
		`{"$and":` + many(`{"name":"a"}`, 101) + `}`:            no,
		`{"$or":{"name":"a"}}`:                                  no,
		`{"$nor":[1]}`:                                          no,
		`[]`:                                                    no,
		`"name"`:                                                no,
		nested(16):                                              ok,
		nested(17):                                              {refuseByExtension, driftDepth},
	}
	for _, f := range []string{"id", "resourceId"} {
		c[`{"`+f+`":`+id+`}`] = ok
		c[`{"`+f+`":null}`] = ok
		c[`{"`+f+`":"nope"}`] = no
		c[`{"`+f+`":5}`] = no
		for _, op := range []string{"$eq", "$ne", "$gt", "$lt", "$gte", "$lte"} {
			c[`{"`+f+`":{"`+op+`":`+id+`}}`] = ok
			c[`{"`+f+`":{"`+op+`":null}}`] = ok
			c[`{"`+f+`":{"`+op+`":"575ec"}}`] = no
		}
		c[`{"`+f+`":{"$in":[`+id+`]}}`] = ok
		c[`{"`+f+`":{"$nin":`+many(id, 100)+`}}`] = ok
		c[`{"`+f+`":{"$nin":`+many(id, 101)+`}}`] = no
		c[`{"`+f+`":{"$in":["x"]}}`] = no
		c[`{"`+f+`":{"$eq":`+id+`,"$ne":`+id+`}}`] = no // ID conditions take exactly one operator
		c[`{"`+f+`":{}}`] = no
		c[`{"`+f+`":{"$startsWith":"57"}}`] = no
	}
	// What every field other than an ID takes alike.
	for _, f := range []string{"name", "status", "resourceType", "runQueuedAt", "runStartedAt", "runCompletedAt"} {
		c[`{"`+f+`":null}`] = ok
		c[`{"`+f+`":[1]}`] = no
		for _, op := range []string{"$eq", "$ne", "$gt", "$lt", "$gte", "$lte"} {
			c[`{"`+f+`":{"`+op+`":null}}`] = ok
			c[`{"`+f+`":{"`+op+`":{}}}`] = no
		}
		for _, op := range []string{"$startsWith", "$endsWith", "$contains"} {
			c[`{"`+f+`":{"`+op+`":"Arch","$ci":true}}`] = ok
			c[`{"`+f+`":{"`+op+`":""}}`] = no
			c[`{"`+f+`":{"`+op+`":5}}`] = no
		}
		c[`{"`+f+`":{"$ci":"yes"}}`] = no
		c[`{"`+f+`":{"$in":[null]}}`] = no
		c[`{"`+f+`":{"$regex":"A.*"}}`] = no
		c[`{"`+f+`":{}}`] = ok
	}
	// name: any scalar, compared as text.
	c[`{"name":"x"}`] = ok
	c[`{"name":5}`] = ok
	c[`{"name":true}`] = ok
	c[`{"name":{"$gte":"a","$lt":"b"}}`] = ok
	c[`{"name":{"$eq":1749528000000}}`] = ok
	c[`{"name":{"$in":["a",1,true]}}`] = ok
	c[`{"name":{"$nin":`+many(`"a"`, 101)+`}}`] = no
	// status and resourceType: the values of their enums.
	for f, good := range map[string]string{"status": `"failed"`, "resourceType": `"device"`} {
		c[`{"`+f+`":`+good+`}`] = ok
		c[`{"`+f+`":"x"}`] = corpusEntry{want: refuseByExtension}
		c[`{"`+f+`":5}`] = corpusEntry{refuse, driftEnumType}
		c[`{"`+f+`":true}`] = corpusEntry{refuse, driftEnumType}
		for _, op := range []string{"$eq", "$ne"} {
			c[`{"`+f+`":{"`+op+`":`+good+`}}`] = ok
			c[`{"`+f+`":{"`+op+`":"done"}}`] = corpusEntry{want: refuseByExtension}
			c[`{"`+f+`":{"`+op+`":1749528000000}}`] = corpusEntry{refuse, driftEnumType}
		}
		c[`{"`+f+`":{"$gte":"a","$lt":"b"}}`] = ok // ranges compare text: any string
		c[`{"`+f+`":{"$in":[`+good+`]}}`] = ok
		c[`{"`+f+`":{"$nin":[`+good+`,"done"]}}`] = corpusEntry{want: refuseByExtension}
		c[`{"`+f+`":{"$in":[`+good+`,1,true]}}`] = corpusEntry{refuse, driftEnumType}
		c[`{"`+f+`":{"$nin":`+many(good, 101)+`}}`] = no
	}
	// The timestamps: dates.
	for _, f := range []string{"runQueuedAt", "runStartedAt", "runCompletedAt"} {
		c[`{"`+f+`":"2025-06-10T04:00:00.000Z"}`] = ok
		c[`{"`+f+`":"2025-06-10"}`] = ok
		c[`{"`+f+`":1749528000000}`] = ok
		c[`{"`+f+`":"x"}`] = corpusEntry{refuse, driftDate}
		c[`{"`+f+`":true}`] = corpusEntry{refuse, driftDate}
		for _, op := range []string{"$eq", "$ne", "$gt", "$lt", "$gte", "$lte"} {
			c[`{"`+f+`":{"`+op+`":"2025-06-10T04:00:00.000+02:00"}}`] = ok
			c[`{"`+f+`":{"`+op+`":1749528000000}}`] = ok
			c[`{"`+f+`":{"`+op+`":"yesterday"}}`] = corpusEntry{refuse, driftDate}
		}
		c[`{"`+f+`":{"$gte":"2025-06-01","$lt":"2025-07-01"}}`] = ok
		c[`{"`+f+`":{"$in":["2025-06-10",1749528000000]}}`] = ok
		c[`{"`+f+`":{"$in":["a",1,true]}}`] = corpusEntry{refuse, driftDate}
		c[`{"`+f+`":{"$nin":`+many(`0`, 101)+`}}`] = no
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
	for q, e := range queryCorpus() {
		v := decode(t, q)
		pubOK := published.Validate(v) == nil
		specOK := ours.VisitJSON(v, openapi3.MultiErrors()) == nil
		sdkErr := ops.CheckJSON("ApplicationJobLogQuery", []byte(q))
		if (sdkErr == nil) != (e.want == accept) {
			t.Errorf("CheckJSON says %v for %s, want %v", sdkErr, q, e.want == accept)
		}
		if wantSpec := e.want != refuse; specOK != wantSpec {
			t.Errorf("openapi.yaml (kin-openapi) says %v for %s, want %v", specOK, q, wantSpec)
		}
		switch {
		case pubOK != specOK && e.drift == "":
			t.Errorf("drift from Losant's published query schema on %s: published %v, openapi.yaml %v", q, pubOK, specOK)
		case pubOK == specOK && e.drift != "" && e.want != refuseByExtension:
			t.Errorf("intended difference no longer differs, remove it: %s (%s)", q, e.drift)
		case e.want == refuseByExtension && !pubOK:
			t.Errorf("%s: the published schema refuses it too, so the extension is not what refuses it", q)
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
