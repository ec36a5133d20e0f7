package api

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// The job logs the query tests match, by a short name (the last digit of
// their id). Between them they have every field present and missing, names
// that differ only in case, non-ASCII text, a timestamp written with an
// offset that names the same instant as another written in UTC, an
// upper-case id and resourceId, and a timestamp at epoch millisecond 1000.
const (
	qApp = "5f0c8a1b2c3d4e5f60718293"
	qR1  = "aaaaaaaaaaaaaaaaaaaaaaaa"
	qR2  = "BBBBBBBBBBBBBBBBBBBBBBBB"
)

var queryFixture = map[string]string{
	"1": `{"id":"000000000000000000000001","applicationId":"` + qApp + `","name":"ArchiveData","status":"completed","resourceType":"application","resourceId":"` + qR1 + `",
		"runQueuedAt":"2025-06-10T04:00:00.000Z","runStartedAt":"2025-06-10T04:00:01.000Z","runCompletedAt":"2025-06-10T04:07:42.123Z"}`,
	"2": `{"id":"000000000000000000000002","applicationId":"` + qApp + `","name":"archivedata","status":"errored","resourceType":"dashboard","resourceId":"` + qR2 + `",
		"runQueuedAt":"2025-06-11T00:00:00.000Z","runStartedAt":"2025-06-11T00:00:02.000Z","runCompletedAt":"2025-06-11T00:01:00.000Z"}`,
	"3": `{"id":"000000000000000000000003","applicationId":"` + qApp + `","name":"ApplicationExport","status":"inProgress","resourceType":"datatable",
		"runQueuedAt":"2025-06-10T06:00:00.000+02:00","runStartedAt":"2025-06-10T04:00:05.000Z"}`,
	"4": `{"id":"000000000000000000000004","applicationId":"` + qApp + `","name":"Ünïcode Straße","status":"queued","resourceType":"device",
		"runQueuedAt":"2025-06-12T00:00:00.5Z"}`,
	"a": `{"id":"00000000000000000000000a","applicationId":"` + qApp + `","status":"failed","resourceId":"` + qR1 + `",
		"runStartedAt":"2025-06-09T00:00:00.000Z","runCompletedAt":"2025-06-09T00:00:10.000Z"}`,
	"B": `{"id":"00000000000000000000000B","applicationId":"` + qApp + `","name":"123","status":"completed","resourceType":"notebook",
		"runQueuedAt":"1970-01-01T00:00:01.000Z","extra":{"name":"not this one"}}`,
}

// fixtureRecords returns the records of queryFixture, checked as the Store
// checks job logs, by short name.
func fixtureRecords(t testing.TB) map[string]*logRecord {
	t.Helper()
	recs := make(map[string]*logRecord, len(queryFixture))
	for name, js := range queryFixture {
		rec, err := checkRecord([]byte(js))
		if err != nil {
			t.Fatalf("fixture %s: %v", name, err)
		}
		recs[name] = rec
	}
	return recs
}

// matching returns the sorted short names of the records q matches.
func matching(q *jobLogQuery, recs map[string]*logRecord) []string {
	got := []string{}
	for name, r := range recs {
		if q.matches(r) {
			got = append(got, name)
		}
	}
	slices.Sort(got)
	return got
}

// epochMillis2025 is 2025-06-10T04:00:00Z in milliseconds since the epoch.
const epochMillis2025 = 1749528000000

func TestEpochMillisConstant(t *testing.T) {
	if got := time.Date(2025, 6, 10, 4, 0, 0, 0, time.UTC).UnixMilli(); got != epochMillis2025 {
		t.Fatalf("epochMillis2025 = %d, want %d", int64(epochMillis2025), got)
	}
}

func TestQueryMatches(t *testing.T) {
	t.Parallel()
	recs := fixtureRecords(t)
	all := "1 2 3 4 B a"
	ms := fmt.Sprint(epochMillis2025)
	tests := []struct {
		query string
		want  string // short names, space-separated, sorted
	}{
		// No filter.
		{``, all},
		{` `, all},
		{`{}`, all},

		// String field: name.
		{`{"name":"ArchiveData"}`, "1"},
		{`{"name":{"$eq":"ArchiveData"}}`, "1"},
		{`{"name":{"$eq":"archiveDATA","$ci":true}}`, "1 2"},
		{`{"name":{"$ci":true,"$eq":"archiveDATA"}}`, "1 2"},
		{`{"name":{"$eq":"archivedata","$ci":false}}`, "2"},
		{`{"name":{"$ne":"ArchiveData"}}`, "2 3 4 B a"},
		{`{"name":{"$ne":"ARCHIVEDATA","$ci":true}}`, "3 4 B a"},
		{`{"name":null}`, "a"},
		{`{"name":{"$eq":null}}`, "a"},
		{`{"name":{"$ne":null}}`, "1 2 3 4 B"},
		{`{"name":{"$gt":"B"}}`, "2 4"},
		{`{"name":{"$gte":"ArchiveData"}}`, "1 2 4"},
		{`{"name":{"$lt":"ArchiveData"}}`, "3 B"},
		{`{"name":{"$lte":"ArchiveData"}}`, "1 3 B"},
		{`{"name":{"$gt":"archivedata","$ci":true}}`, "4"},
		{`{"name":{"$gte":"ARCHIVEDATA","$ci":true}}`, "1 2 4"},
		{`{"name":{"$lt":"b","$ci":true}}`, "1 2 3 B"},
		{`{"name":{"$lte":"applicationexport","$ci":true}}`, "3 B"},
		{`{"name":{"$gt":null}}`, ""},
		{`{"name":{"$gte":null}}`, ""},
		{`{"name":{"$lt":null}}`, ""},
		{`{"name":{"$lte":null}}`, ""},
		{`{"name":{"$in":["ArchiveData","123"]}}`, "1 B"},
		{`{"name":{"$in":["ARCHIVEDATA"],"$ci":true}}`, "1 2"},
		{`{"name":{"$in":[]}}`, ""},
		{`{"name":{"$nin":["ArchiveData","123"]}}`, "2 3 4 a"},
		{`{"name":{"$nin":["archiveDATA"],"$ci":true}}`, "3 4 B a"},
		{`{"name":{"$nin":[]}}`, all},
		{`{"name":123}`, "B"}, // numbers compare as JavaScript writes them
		{`{"name":123.0}`, "B"},
		{`{"name":1.23e2}`, "B"},
		{`{"name":{"$in":[123,true]}}`, "B"},
		{`{"name":true}`, ""},
		{`{"name":{"$startsWith":"Arch"}}`, "1"},
		{`{"name":{"$startsWith":"arch","$ci":true}}`, "1 2"},
		{`{"name":{"$endsWith":"Data"}}`, "1"},
		{`{"name":{"$endsWith":"DATA","$ci":true}}`, "1 2"},
		{`{"name":{"$contains":"ive"}}`, "1 2"},
		{`{"name":{"$contains":"IVE"}}`, ""},
		{`{"name":{"$contains":"IVE","$ci":true}}`, "1 2"},
		{`{"name":{"$contains":"."}}`, ""},  // literal, not a regular expression
		{`{"name":{"$contains":"^A"}}`, ""}, // literal, not a regular expression
		{`{"name":{"$startsWith":"Ün"}}`, "4"},
		{`{"name":{"$startsWith":"ÜNÏ","$ci":true}}`, "4"},
		{`{"name":{"$contains":"STRAẞE","$ci":true}}`, "4"}, // ẞ and ß fold together
		{`{"name":{"$contains":"STRASSE","$ci":true}}`, ""}, // simple folding only
		{`{"name":{"$endsWith":"straße","$ci":true}}`, "4"},
		{`{"name":{"$startsWith":"A","$endsWith":"Export"}}`, "3"},
		{`{"name":{"$gt":"A","$lt":"B"}}`, "1 3"},
		{`{"name":{"$ci":true}}`, all},
		{`{"name":{}}`, all},

		// String fields: status and resourceType.
		{`{"status":"completed"}`, "1 B"},
		{`{"status":{"$eq":"COMPLETED","$ci":true}}`, "1 B"},
		{`{"status":{"$in":["errored","failed","completed"]}}`, "1 2 B a"},
		{`{"name":"ArchiveData","status":{"$in":["errored","failed","completed"]}}`, "1"},
		{`{"status":{"$ne":"completed"}}`, "2 3 4 a"},
		{`{"status":{"$startsWith":"in"}}`, "3"},
		{`{"resourceType":"device"}`, "4"},
		{`{"resourceType":null}`, "a"},
		{`{"resourceType":{"$nin":["application","dashboard"]}}`, "3 4 B a"},
		{`{"resourceType":{"$gte":"dev"}}`, "4 B"},
		{`{"status":"completed","resourceType":"application"}`, "1"},

		// ID field: id (never missing).
		{`{"id":"000000000000000000000001"}`, "1"},
		{`{"id":"00000000000000000000000A"}`, "a"}, // IDs ignore the digits' case
		{`{"id":{"$eq":"00000000000000000000000b"}}`, "B"},
		{`{"id":{"$ne":"000000000000000000000001"}}`, "2 3 4 B a"},
		{`{"id":{"$gt":"000000000000000000000004"}}`, "B a"},
		{`{"id":{"$gte":"000000000000000000000004"}}`, "4 B a"},
		{`{"id":{"$gt":"00000000000000000000000A"}}`, "B"}, // ObjectId order: 0a < 0b
		{`{"id":{"$lt":"000000000000000000000002"}}`, "1"},
		{`{"id":{"$lte":"000000000000000000000002"}}`, "1 2"},
		{`{"id":{"$in":["000000000000000000000001","00000000000000000000000b"]}}`, "1 B"},
		{`{"id":{"$nin":["000000000000000000000001","00000000000000000000000b"]}}`, "2 3 4 a"},
		{`{"id":{"$in":[]}}`, ""},
		{`{"id":null}`, ""},
		{`{"id":{"$eq":null}}`, ""},
		{`{"id":{"$ne":null}}`, all},
		{`{"id":{"$gt":null}}`, ""},

		// ID field: resourceId (missing in 3, 4 and B).
		{`{"resourceId":"AAAAAAAAAAAAAAAAAAAAAAAA"}`, "1 a"},
		{`{"resourceId":"bbbbbbbbbbbbbbbbbbbbbbbb"}`, "2"},
		{`{"resourceId":null}`, "3 4 B"},
		{`{"resourceId":{"$eq":null}}`, "3 4 B"},
		{`{"resourceId":{"$ne":null}}`, "1 2 a"},
		{`{"resourceId":{"$ne":"aaaaaaaaaaaaaaaaaaaaaaaa"}}`, "2 3 4 B"},
		{`{"resourceId":{"$gt":"aaaaaaaaaaaaaaaaaaaaaaaa"}}`, "2"},
		{`{"resourceId":{"$gte":"aaaaaaaaaaaaaaaaaaaaaaaa"}}`, "1 2 a"},
		{`{"resourceId":{"$lt":"bbbbbbbbbbbbbbbbbbbbbbbb"}}`, "1 a"},
		{`{"resourceId":{"$lte":"bbbbbbbbbbbbbbbbbbbbbbbb"}}`, "1 2 a"},
		{`{"resourceId":{"$lt":"aaaaaaaaaaaaaaaaaaaaaaaa"}}`, ""},
		{`{"resourceId":{"$in":["bbbbbbbbbbbbbbbbbbbbbbbb"]}}`, "2"},
		{`{"resourceId":{"$nin":["bbbbbbbbbbbbbbbbbbbbbbbb"]}}`, "1 3 4 B a"},

		// Timestamp fields, as RFC 3339 text and as epoch milliseconds.
		{`{"runQueuedAt":"2025-06-10T04:00:00Z"}`, "1 3"}, // 3 is the same instant at +02:00
		{`{"runQueuedAt":` + ms + `}`, "1 3"},
		{`{"runQueuedAt":{"$eq":"2025-06-10T06:00:00+02:00"}}`, "1 3"},
		{`{"runQueuedAt":{"$eq":` + ms + `.0}}`, "1 3"},
		{`{"runQueuedAt":{"$ne":` + ms + `}}`, "2 4 B a"},
		{`{"runQueuedAt":{"$gt":"2025-06-10T04:00:00.000Z"}}`, "2 4"},
		{`{"runQueuedAt":{"$gte":` + ms + `}}`, "1 2 3 4"},
		{`{"runQueuedAt":{"$lt":"2025-06-10"}}`, "B"}, // a date alone is midnight UTC
		{`{"runQueuedAt":{"$lte":"2025-06-10T04:00:00.000Z"}}`, "1 3 B"},
		{`{"runQueuedAt":{"$lte":1000}}`, "B"},
		{`{"runQueuedAt":{"$lt":1000}}`, ""},
		{`{"runQueuedAt":{"$lt":1000.9}}`, ""}, // a fraction of a millisecond is dropped
		{`{"runQueuedAt":{"$eq":1000.9}}`, "B"},
		{`{"runQueuedAt":{"$lte":999.9}}`, ""},
		{`{"runQueuedAt":{"$gt":-1.5}}`, "1 2 3 4 B"},
		{`{"runQueuedAt":{"$gt":"2025-06-12T00:00:00.499999999Z"}}`, "4"},
		{`{"runQueuedAt":{"$gt":"2025-06-12T00:00:00.5Z"}}`, ""},
		{`{"runQueuedAt":{"$gt":"2025-06-10T00:00:00Z","$lt":"2025-06-11T12:00:00Z"}}`, "1 2 3"},
		{`{"runQueuedAt":null}`, "a"},
		{`{"runQueuedAt":{"$ne":null}}`, "1 2 3 4 B"},
		{`{"runQueuedAt":{"$gt":null}}`, ""},
		{`{"runQueuedAt":{"$in":["2025-06-11T00:00:00Z",1000]}}`, "2 B"},
		{`{"runQueuedAt":{"$nin":["2025-06-11T00:00:00Z",1000]}}`, "1 3 4 a"},
		{`{"runQueuedAt":{"$startsWith":"2025-06-10"}}`, "1 3"},
		{`{"runQueuedAt":{"$endsWith":"+02:00"}}`, "3"},
		{`{"runQueuedAt":{"$contains":"t06"}}`, ""},
		{`{"runQueuedAt":{"$contains":"t06","$ci":true}}`, "3"},
		{`{"runQueuedAt":{"$eq":"2025-06-10T04:00:00Z","$ci":true}}`, "1 3"},
		{`{"runStartedAt":{"$gt":"2025-06-10T04:00:02Z"}}`, "2 3"},
		{`{"runStartedAt":null}`, "4 B"},
		{`{"runCompletedAt":null}`, "3 4 B"},
		{`{"runCompletedAt":{"$ne":null}}`, "1 2 a"},
		{`{"runCompletedAt":{"$lt":"2025-06-10T00:00:00Z"}}`, "a"},
		{`{"runCompletedAt":{"$gte":"2025-06-10T04:07:42.123Z"}}`, "1 2"},
		{`{"runCompletedAt":{"$gt":"2025-06-10T04:07:42.123Z"}}`, "2"},

		// $and, $or, $nor, nested.
		{`{"$or":[{"status":"queued"},{"status":"failed"}]}`, "4 a"},
		{`{"$and":[{"name":{"$ci":true,"$eq":"archivedata"}},{"status":"errored"}]}`, "2"},
		{`{"$nor":[{"status":"completed"},{"name":null}]}`, "2 3 4"},
		{`{"$or":[{"$and":[{"status":"completed"},{"resourceType":"notebook"}]},{"$nor":[{"runQueuedAt":{"$ne":null}}]}]}`, "B a"},
		{`{"$or":[{"status":"completed"}],"$and":[{"resourceId":{"$ne":null}}],"name":{"$ne":null}}`, "1"},
		{`{"$and":[]}`, all},
		{`{"$or":[]}`, ""},
		{`{"$nor":[]}`, all},
		{`{"$or":[{}]}`, all},
		{`{"$nor":[{}]}`, ""},
		{`{"$and":[{},{"status":"queued"}]}`, "4"},
		{nested(maxQueryDepth, `{"status":"queued"}`), "4"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			q, err := parseQuery([]byte(tc.query))
			if err != nil {
				t.Fatalf("parseQuery: %v", err)
			}
			if got := strings.Join(matching(q, recs), " "); got != tc.want {
				t.Errorf("matches [%s], want [%s]", got, tc.want)
			}
		})
	}
}

// nested wraps inner in depth levels of $or.
func nested(depth int, inner string) string {
	return strings.Repeat(`{"$or":[`, depth) + inner + strings.Repeat(`]}`, depth)
}

// jsonList returns a JSON array of n copies of item.
func jsonList(n int, item string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(item+",", n), ",") + "]"
}

func TestQueryLimitsAccepted(t *testing.T) {
	t.Parallel()
	for _, q := range []string{
		`{"$and":` + jsonList(maxQueryItems, `{}`) + `}`,
		`{"$or":` + jsonList(maxQueryItems, `{}`) + `}`,
		`{"$nor":` + jsonList(maxQueryItems, `{}`) + `}`,
		`{"status":{"$in":` + jsonList(maxQueryItems, `"queued"`) + `}}`,
		`{"name":{"$nin":` + jsonList(maxQueryItems, `1`) + `}}`,
		`{"id":{"$in":` + jsonList(maxQueryItems, `"000000000000000000000001"`) + `}}`,
		`{"runQueuedAt":{"$in":` + jsonList(maxQueryItems, `0`) + `}}`,
		nested(maxQueryDepth, `{}`),
	} {
		if _, err := parseQuery([]byte(q)); err != nil {
			t.Errorf("parseQuery(%.60s...): %v", q, err)
		}
	}
}

func TestQueryValidation(t *testing.T) {
	t.Parallel()
	id := `"000000000000000000000001"`
	tests := []struct{ query, want string }{
		// Not JSON, not an object.
		{`{`, `query: not JSON: the text ends before the JSON does`},
		{`{"status":`, `query: not JSON: the text ends before the JSON does`},
		{`{"status" 1}`, `query: not JSON: invalid character '1' after object key (at byte 10)`},
		{`{"status":"a",}`, `query: not JSON: invalid character '}' looking for beginning of object key string (at byte 14)`},
		{`{} {}`, `query: not JSON: more data after the query object`},
		{`{}x`, `query: not JSON: more data after the query object`},
		{`[]`, `query: want a JSON object, got an array`},
		{`"status"`, `query: want a JSON object, got a string`},
		{`null`, `query: want a JSON object, got null`},
		{`5`, `query: want a JSON object, got a number`},
		{`true`, `query: want a JSON object, got a boolean`},
		{`{"status":{"$in":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}`, `query: not a query: JSON nested more than 64 levels deep`},

		// Unknown fields and operators.
		{`{"foo":1}`, `query: unknown field "foo"; want ` + knownFields},
		{`{"Name":"x"}`, `query: unknown field "Name"; want ` + knownFields},
		{`{"applicationId":` + id + `}`, `query: unknown field "applicationId"; want ` + knownFields},
		{`{"$where":"1"}`, `query: unknown operator "$where"; a query takes $and, $or, $nor and fields`},
		{`{"$or":[{},{"status":{"$regex":"a"}}]}`, `query: $or[1].status: unknown operator "$regex"`},
		{`{"status":{"$exists":true}}`, `query: status: unknown operator "$exists"`},
		{`{"status":{"eq":"a"}}`, `query: status: unknown operator "eq"`},
		{`{"$and":[{"$nor":[{"x":1}]}]}`, `query: $and[0].$nor[0]: unknown field "x"; want ` + knownFields},

		// Wrong types.
		{`{"$or":{}}`, `query: $or: want an array of queries, got an object`},
		{`{"$and":"x"}`, `query: $and: want an array of queries, got a string`},
		{`{"$nor":null}`, `query: $nor: want an array of queries, got null`},
		{`{"$or":[1]}`, `query: $or[0]: want a query object, got a number`},
		{`{"$or":[[]]}`, `query: $or[0]: want a query object, got an array`},
		{`{"status":["a"]}`, `query: status: want a value or an object of operators, got an array`},
		{`{"status":{"$eq":{}}}`, `query: status.$eq: want a string, number or boolean, got an object`},
		{`{"status":{"$gt":[]}}`, `query: status.$gt: want a string, number or boolean, got an array`},
		{`{"status":{"$ci":"yes"}}`, `query: status.$ci: want true or false, got a string`},
		{`{"status":{"$ci":null}}`, `query: status.$ci: want true or false, got null`},
		{`{"status":{"$startsWith":""}}`, `query: status.$startsWith: want a non-empty string`},
		{`{"status":{"$endsWith":null}}`, `query: status.$endsWith: want a string, got null`},
		{`{"status":{"$contains":5}}`, `query: status.$contains: want a string, got a number`},
		{`{"status":{"$in":"queued"}}`, `query: status.$in: want an array, got a string`},
		{`{"status":{"$in":[null]}}`, `query: status.$in[0]: want a string, number or boolean, got null`},
		{`{"status":{"$nin":["a",{}]}}`, `query: status.$nin[1]: want a string, number or boolean, got an object`},
		{`{"name":1e400}`, `query: name: number 1e400 is out of range`},
		{`{"runQueuedAt":"yesterday"}`, `query: runQueuedAt: "yesterday" is not a date (want RFC 3339, such as 2025-06-10T04:00:00.000Z, or epoch milliseconds)`},
		{`{"runStartedAt":{"$gt":"2025-13-01T00:00:00Z"}}`, `query: runStartedAt.$gt: "2025-13-01T00:00:00Z" is not a date (want RFC 3339, such as 2025-06-10T04:00:00.000Z, or epoch milliseconds)`},
		{`{"runStartedAt":{"$gt":"1749528000000"}}`, `query: runStartedAt.$gt: "1749528000000" is not a date (want RFC 3339, such as 2025-06-10T04:00:00.000Z, or epoch milliseconds)`},
		{`{"runCompletedAt":{"$gt":true}}`, `query: runCompletedAt.$gt: want a date (RFC 3339 text or epoch milliseconds), got a boolean`},
		{`{"runCompletedAt":false}`, `query: runCompletedAt: want a date (RFC 3339 text or epoch milliseconds), got a boolean`},
		{`{"runQueuedAt":{"$in":[0,"2025-06-10T04:00:00Z","soon"]}}`, `query: runQueuedAt.$in[2]: "soon" is not a date (want RFC 3339, such as 2025-06-10T04:00:00.000Z, or epoch milliseconds)`},
		{`{"runQueuedAt":1e16}`, `query: runQueuedAt: 1e16 milliseconds is beyond the range of dates`},
		{`{"runQueuedAt":{"$lt":-8640000000000001}}`, `query: runQueuedAt.$lt: -8640000000000001 milliseconds is beyond the range of dates`},
		{`{"runQueuedAt":{"$startsWith":2025}}`, `query: runQueuedAt.$startsWith: want a string, got a number`},

		// ID fields.
		{`{"id":"xyz"}`, `query: id: "xyz" is not an ID (want 24 hexadecimal digits)`},
		{`{"id":"00000000000000000000000g"}`, `query: id: "00000000000000000000000g" is not an ID (want 24 hexadecimal digits)`},
		{`{"id":"0000000000000000000000001"}`, `query: id: "0000000000000000000000001" is not an ID (want 24 hexadecimal digits)`},
		{`{"resourceId":{"$in":[` + id + `,"00000000000000000000000g"]}}`, `query: resourceId.$in[1]: "00000000000000000000000g" is not an ID (want 24 hexadecimal digits)`},
		{`{"resourceId":{"$gt":"x"}}`, `query: resourceId.$gt: "x" is not an ID (want 24 hexadecimal digits)`},
		{`{"id":5}`, `query: id: want an ID (24 hexadecimal digits), got a number`},
		{`{"id":true}`, `query: id: want an ID (24 hexadecimal digits), got a boolean`},
		{`{"id":[` + id + `]}`, `query: id: want a value or an object of operators, got an array`},
		{`{"id":{}}`, `query: id: want exactly one operator, got none`},
		{`{"id":{"$eq":` + id + `,"$ne":null}}`, `query: id: want exactly one operator, got 2 ($eq, $ne)`},
		{`{"resourceId":{"$gt":` + id + `,"$lt":` + id + `,"$ne":null}}`, `query: resourceId: want exactly one operator, got 3 ($gt, $lt, $ne)`},
		{`{"id":{"$ci":true}}`, `query: id: operator "$ci" does not apply to an ID field; want one of $eq, $ne, $gt, $lt, $gte, $lte, $in, $nin`},
		{`{"resourceId":{"$startsWith":"00"}}`, `query: resourceId: operator "$startsWith" does not apply to an ID field; want one of $eq, $ne, $gt, $lt, $gte, $lte, $in, $nin`},
		{`{"id":{"$regex":"00"}}`, `query: id: unknown operator "$regex"`},
		{`{"id":{"$in":[null]}}`, `query: id.$in[0]: want an ID, got null`},
		{`{"id":{"$nin":[5]}}`, `query: id.$nin[0]: want an ID (24 hexadecimal digits), got a number`},
		{`{"id":{"$in":` + id + `}}`, `query: id.$in: want an array, got a string`},

		// Limits.
		{`{"$and":` + jsonList(maxQueryItems+1, `{}`) + `}`, `query: $and: 101 queries; at most 100`},
		{`{"$or":[{"$nor":` + jsonList(maxQueryItems+1, `{}`) + `}]}`, `query: $or[0].$nor: 101 queries; at most 100`},
		{`{"status":{"$in":` + jsonList(maxQueryItems+1, `"queued"`) + `}}`, `query: status.$in: 101 values; at most 100`},
		{`{"runQueuedAt":{"$nin":` + jsonList(maxQueryItems+1, `0`) + `}}`, `query: runQueuedAt.$nin: 101 values; at most 100`},
		{`{"id":{"$nin":` + jsonList(maxQueryItems+1, id) + `}}`, `query: id.$nin: 101 values; at most 100`},
		{nested(maxQueryDepth+1, `{}`), `query: ` + strings.Repeat(`$or[0].`, maxQueryDepth) + `$or: queries nested more than 16 levels deep`},

		// Repeated keys.
		{`{"status":"a","status":"b"}`, `query: duplicate key "status"`},
		{`{"$or":[{"$and":[],"$and":[]}]}`, `query: $or[0]: duplicate key "$and"`},
		{`{"status":{"$eq":"a","$eq":"b"}}`, `query: status: duplicate operator "$eq"`},

		// Messages stay short and on one line.
		{`{"id":"` + strings.Repeat("x", 60) + `"}`, `query: id: "` + strings.Repeat("x", 40) + `"... is not an ID (want 24 hexadecimal digits)`},
		{`{"na\nme":1}`, `query: unknown field "na\nme"; want ` + knownFields},
	}
	for _, tc := range tests {
		name := tc.query
		if len(name) > 80 {
			name = name[:80]
		}
		t.Run(name, func(t *testing.T) {
			q, err := parseQuery([]byte(tc.query))
			if err == nil {
				t.Fatalf("parseQuery succeeded (%v), want %s", q, tc.want)
			}
			var pe *listParamError
			if !errors.As(err, &pe) || pe.Param != "query" {
				t.Errorf("error %T %v, want a *listParamError of the query", err, err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error\n got %s\nwant %s", got, tc.want)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
}

func TestJSNumberString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {5, "5"}, {-5, "-5"}, {1.5, "1.5"}, {0.1, "0.1"},
		{1e20, "100000000000000000000"}, {1e21, "1e+21"}, {1.5e21, "1.5e+21"},
		{1e-6, "0.000001"}, {1e-7, "1e-7"}, {-1.5e-7, "-1.5e-7"}, {1e100, "1e+100"},
		{9007199254740993, "9007199254740992"}, {1749528000123, "1749528000123"},
	} {
		if got := jsNumberString(tc.in); got != tc.want {
			t.Errorf("jsNumberString(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	words := []string{"", "a", "A", "b", "k", "K", "\u212a", "s", "S", "ſ", "ß", "ẞ", "Straße", "STRAẞE", "straße",
		"σ", "Σ", "ς", "ǅ", "ǆ", "Ǆ", "ab", "aB", "abc", "x\xffy", "x\xfey", "ÜNÏ", "ünï", "_", "Z", "[", "`"}
	for _, a := range words {
		for _, b := range words {
			eq := strings.EqualFold(a, b)
			if got := foldCompare(a, b) == 0; got != eq {
				t.Errorf("foldCompare(%q, %q) == 0 is %v, EqualFold %v", a, b, got, eq)
			}
			if got := foldString(a) == foldString(b); got != eq {
				t.Errorf("foldString(%q) == foldString(%q) is %v, EqualFold %v", a, b, got, eq)
			}
			if c, d := foldCompare(a, b), foldCompare(b, a); c != -d {
				t.Errorf("foldCompare(%q, %q) = %d but reversed %d", a, b, c, d)
			}
			if b == "" {
				continue
			}
			fb := foldString(b)
			if got, want := foldHasPrefix(a, fb), strings.HasPrefix(foldString(a), fb); got != want {
				t.Errorf("foldHasPrefix(%q, %q) = %v, want %v", a, fb, got, want)
			}
			if got, want := foldHasSuffix(a, fb), strings.HasSuffix(foldString(a), fb); got != want {
				t.Errorf("foldHasSuffix(%q, %q) = %v, want %v", a, fb, got, want)
			}
			if got, want := foldContains(a, fb), strings.Contains(foldString(a), fb); got != want {
				t.Errorf("foldContains(%q, %q) = %v, want %v", a, fb, got, want)
			}
		}
	}
}

func TestNewListParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		field, dir string
		page, per  int
		want       listParams
	}{
		{"", "", 0, defaultListPerPage, listParams{sortField: fieldRunQueuedAt, perPage: 100}},
		{"name", "asc", 2, 10, listParams{sortField: fieldName, page: 2, perPage: 10}},
		{"status", "ASC", 0, 1, listParams{sortField: fieldStatus, perPage: 1}},
		{"resourceType", "desc", 0, 1, listParams{sortField: fieldResourceType, desc: true, perPage: 1}},
		{"runStartedAt", "DESC", 0, 1, listParams{sortField: fieldRunStartedAt, desc: true, perPage: 1}},
		{"runCompletedAt", "", 0, 1, listParams{sortField: fieldRunCompletedAt, perPage: 1}},
	} {
		got, err := newListParams(tc.field, tc.dir, tc.page, tc.per, "")
		if err != nil {
			t.Errorf("newListParams(%q, %q, %d, %d): %v", tc.field, tc.dir, tc.page, tc.per, err)
			continue
		}
		got.query = nil
		if got != tc.want {
			t.Errorf("newListParams(%q, %q, %d, %d) = %+v, want %+v", tc.field, tc.dir, tc.page, tc.per, got, tc.want)
		}
	}
	for _, tc := range []struct {
		field, dir string
		page, per  int
		query      string
		want       string
	}{
		{"id", "", 0, 1, "", `sortField: want one of name, status, resourceType, runQueuedAt, runStartedAt, runCompletedAt, got "id"`},
		{"resourceId", "", 0, 1, "", `sortField: want one of name, status, resourceType, runQueuedAt, runStartedAt, runCompletedAt, got "resourceId"`},
		{"Name", "", 0, 1, "", `sortField: want one of name, status, resourceType, runQueuedAt, runStartedAt, runCompletedAt, got "Name"`},
		{"", "up", 0, 1, "", `sortDirection: want asc or desc, got "up"`},
		{"", "Asc", 0, 1, "", `sortDirection: want asc or desc, got "Asc"`},
		{"", "", -1, 1, "", `page: want 0 or more, got -1`},
		{"", "", 0, 0, "", `perPage: want 1 or more, got 0`},
		{"", "", 0, -5, "", `perPage: want 1 or more, got -5`},
		{"", "", 0, 1, `{"x":1}`, `query: unknown field "x"; want ` + knownFields},
	} {
		_, err := newListParams(tc.field, tc.dir, tc.page, tc.per, tc.query)
		var pe *listParamError
		if !errors.As(err, &pe) || err.Error() != tc.want {
			t.Errorf("newListParams(%q, %q, %d, %d, %q) = %v, want the *listParamError %s", tc.field, tc.dir, tc.page, tc.per, tc.query, err, tc.want)
		}
	}
}
