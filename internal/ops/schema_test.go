package ops_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/internal/ops"
)

// nested returns a query whose $or nests depth levels of sub-queries
// around inner: nested(1, x) is {"$or":[x]}.
func nested(depth int, inner string) string {
	return strings.Repeat(`{"$or":[`, depth) + inner + strings.Repeat(`]}`, depth)
}

// items returns a JSON array of n copies of v.
func items(n int, v string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(v+",", n), ",") + "]"
}

// TestCheckJSON: each query is accepted, or refused with an error that
// says where and what, in words a caller can act on.
func TestCheckJSON(t *testing.T) {
	const statuses = "queued, inProgress, completed, errored, failed"
	id := `"575ec8687ae143cd83dc4a97"`
	for _, tt := range []struct {
		query string
		want  string // "" when accepted; else the whole error text
	}{
		{`{}`, ""},
		{`{"name":"ArchiveData","status":{"$in":["errored","failed"]}}`, ""},
		{`{"status":null}`, ""},
		{`{"status":{"$ne":null}}`, ""},
		{`{"status":{"$gt":"f","$startsWith":"x"}}`, ""},
		{`{"resourceType":"device"}`, ""},
		{`{"runQueuedAt":{"$gte":"2025-06-10T04:00:00.000+02:00","$lt":"2025-06-11"}}`, ""},
		{`{"runQueuedAt":{"$gte":1749528000000}}`, ""},
		{`{"runQueuedAt":{"$in":["2025-06-10",0]}}`, ""},
		{`{"runQueuedAt":{"$startsWith":"2025-06","$ci":true}}`, ""},
		{`{"id":{"$in":[` + id + `]}}`, ""},
		{nested(16, `{"status":"queued"}`), ""},
		{`{"$and":` + items(100, `{}`) + `}`, ""},
		{`{"name":{"$nin":` + items(100, `1`) + `}}`, ""},

		{`[]`, `must be a JSON object, got an array`},
		{`null`, `must be a JSON object, got null`},
		{`"status"`, `must be a JSON object, got a string`},
		{`{"name":`, `not JSON: the text ends before the JSON does`},
		{`{} {}`, `not JSON: more data after the first value`},
		{`{"name":"a","name":"b"}`, `duplicate key "name"`},
		{`{"$or":[{"status":{"$eq":"failed","$eq":"queued"}}]}`, `$or[0].status: duplicate key "$eq"`},
		{`{"name":{"$regex":"A.*"}}`, `name: unknown operator "$regex" (allowed: $ci, $contains, $endsWith, $eq, $gt, $gte, $in, $lt, $lte, $ne, $nin, $startsWith)`},
		{`{"$or":[{"id":{"$regex":"a"}}]}`, `$or[0].id: unknown operator "$regex" (allowed: $eq, $gt, $gte, $in, $lt, $lte, $ne, $nin)`},
		{`{"$where":"1"}`, `unknown operator "$where" (allowed: $and, $nor, $or)`},
		{`{"color":"red"}`, `unknown field "color" (allowed: id, name, resourceId, resourceType, runCompletedAt, runQueuedAt, runStartedAt, status)`},
		{`{"status":"done"}`, `status: "done" is not one of ` + statuses},
		{`{"status":{"$in":["failed","done"]}}`, `status.$in[1]: "done" is not one of ` + statuses},
		{`{"status":{"$ne":"FAILED"}}`, `status.$ne: "FAILED" is not one of ` + statuses},
		{`{"status":5}`, `status: is a number, want a string or an object`},
		{`{"resourceType":"devices"}`, `resourceType: "devices" is not one of application, dashboard, datatable, event, device, notebook, deviceRecipe`},
		{`{"runQueuedAt":{"$gte":"yesterday"}}`, `runQueuedAt.$gte: "yesterday" is not a date: an RFC 3339 date-time such as 2025-06-10T04:00:00.000Z, a date alone such as 2025-06-10 (midnight UTC), or milliseconds since the Unix epoch`},
		{`{"runQueuedAt":true}`, `runQueuedAt: is a boolean, want a string, a number or an object`},
		{`{"runQueuedAt":{"$in":[null]}}`, `runQueuedAt.$in[0]: is null, want a string or a number`},
		{`{"runQueuedAt":9e15}`, `runQueuedAt: 9e15 is above the maximum, 8640000000000000`},
		{`{"name":1e400}`, `name: number 1e400 is out of range`},
		{`{"name":[1]}`, `name: is an array, want a string, a number, a boolean or an object`},
		{`{"name":{"$startsWith":""}}`, `name.$startsWith: is empty, want a non-empty string`},
		{`{"id":"575ec"}`, `id: "575ec" does not match ^[A-Fa-f\d]{24}$`},
		{`{"id":{}}`, `id: has 0 keys (), want exactly 1`},
		{nested(17, `{}`), strings.Repeat(`$or[0].`, 16) + `$or[0]: queries nested more than 16 levels deep`},
		{`{"$and":` + items(101, `{}`) + `}`, `$and: has 101 items, at most 100 are allowed`},
		{`{"status":{"$nin":` + items(101, `"queued"`) + `}}`, `status.$nin: has 101 items, at most 100 are allowed`},
		{strings.Repeat(`[`, 70) + strings.Repeat(`]`, 70), `JSON nested more than 64 levels deep`},
	} {
		err := ops.CheckJSON("ApplicationJobLogQuery", []byte(tt.query))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("CheckJSON(%.80s)\n got: %s\nwant: %s", tt.query, got, tt.want)
		}
	}
	if err := ops.CheckJSON("NoSuchSchema", []byte(`{}`)); err == nil {
		t.Error("CheckJSON of an unknown schema succeeded")
	}
}

// TestQueryRulesFollowSpec reads openapi.yaml and checks that CheckJSON
// enforces its extensions as written there: every status and resource
// type its enums list is taken and nothing else, and sub-queries nest to
// x-losant-max-depth and no deeper.
func TestQueryRulesFollowSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	schemas := doc.Components.Schemas
	for field, enum := range map[string][]any{
		"status":       schemas["ApplicationJobLogStatus"].Value.Enum,
		"resourceType": schemas["ApplicationJobLog"].Value.Properties["resourceType"].Value.Enum,
	} {
		if len(enum) == 0 {
			t.Fatalf("%s: openapi.yaml lists no values", field)
		}
		for _, v := range enum {
			for _, q := range []string{`{"%s":%q}`, `{"%s":{"$in":[%q]}}`} {
				if err := ops.CheckJSON("ApplicationJobLogQuery", []byte(fmt.Sprintf(q, field, v))); err != nil {
					t.Errorf("%s %q, listed in openapi.yaml: %v", field, v, err)
				}
			}
			if err := ops.CheckJSON("ApplicationJobLogQuery", []byte(fmt.Sprintf(`{"%s":"%vx"}`, field, v))); err == nil {
				t.Errorf("%s %qx, not listed, was accepted", field, v)
			}
		}
	}
	depth := int(schemas["ApplicationJobLogQuery"].Value.Extensions["x-losant-max-depth"].(float64))
	if err := ops.CheckJSON("ApplicationJobLogQuery", []byte(nested(depth, `{}`))); err != nil {
		t.Errorf("nested %d deep (x-losant-max-depth): %v", depth, err)
	}
	if err := ops.CheckJSON("ApplicationJobLogQuery", []byte(nested(depth+1, `{}`))); err == nil {
		t.Errorf("nested %d deep, past x-losant-max-depth, was accepted", depth+1)
	}
}
