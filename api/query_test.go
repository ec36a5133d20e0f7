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
		{`{"status":{"$startsWith":"COMPLETE","$ci":true}}`, "1 B"}, // $eq takes the enum's spelling; substrings any case
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
		{nested(specDepth, `{"status":"queued"}`), "4"},
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
		`{"$and":` + jsonList(specItems, `{}`) + `}`,
		`{"$or":` + jsonList(specItems, `{}`) + `}`,
		`{"$nor":` + jsonList(specItems, `{}`) + `}`,
		`{"status":{"$in":` + jsonList(specItems, `"queued"`) + `}}`,
		`{"name":{"$nin":` + jsonList(specItems, `1`) + `}}`,
		`{"id":{"$in":` + jsonList(specItems, `"000000000000000000000001"`) + `}}`,
		`{"runQueuedAt":{"$in":` + jsonList(specItems, `0`) + `}}`,
		nested(specDepth, `{}`),
	} {
		if _, err := parseQuery([]byte(q)); err != nil {
			t.Errorf("parseQuery(%.60s...): %v", q, err)
		}
	}
}

// TestQueryValidation: parseQuery refuses what ops.CheckJSON refuses, as a
// *listParamError of the query with the path and problem CheckJSON found.
// (internal/ops's tests cover the rules themselves.)
func TestQueryValidation(t *testing.T) {
	t.Parallel()
	id := `"000000000000000000000001"`
	tests := []struct{ query, want string }{
		// Not JSON, not an object.
		{`{`, `query: not JSON: the text ends before the JSON does`},
		{`{"status" 1}`, `query: not JSON: invalid character '1' after object key (at byte 10)`},
		{`{} {}`, `query: not JSON: more data after the first value`},
		{`[]`, `query: must be a JSON object, got an array`},
		{`null`, `query: must be a JSON object, got null`},
		{`{"status":{"$in":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}`, `query: JSON nested more than 64 levels deep`},

		// Unknown fields and operators, values of the wrong kind.
		{`{"foo":1}`, `query: unknown field "foo" (allowed: id, name, resourceId, resourceType, runCompletedAt, runQueuedAt, runStartedAt, status)`},
		{`{"$where":1}`, `query: unknown operator "$where" (allowed: $and, $nor, $or)`},
		{`{"$or":[{"name":{"$regex":"A"}}]}`, `query: $or[0].name: unknown operator "$regex" (allowed: $ci, $contains, $endsWith, $eq, $gt, $gte, $in, $lt, $lte, $ne, $nin, $startsWith)`},
		{`{"id":{"$ci":true}}`, `query: id: unknown operator "$ci" (allowed: $eq, $gt, $gte, $in, $lt, $lte, $ne, $nin)`},
		{`{"resourceId":{"$in":[` + id + `,"00000000000000000000000g"]}}`, `query: resourceId.$in[1]: "00000000000000000000000g" does not match ^[A-Fa-f\d]{24}$`},
		{`{"id":{"$eq":` + id + `,"$ne":null}}`, `query: id: has 2 keys ($eq, $ne), want exactly 1`},
		{`{"status":"done"}`, `query: status: "done" is not one of queued, inProgress, completed, errored, failed`},
		{`{"runQueuedAt":{"$gte":"yesterday"}}`, `query: runQueuedAt.$gte: "yesterday" is not a date: an RFC 3339 date-time such as 2025-06-10T04:00:00.000Z, a date alone such as 2025-06-10 (midnight UTC), or milliseconds since the Unix epoch`},
		{`{"name":{"$ci":"yes"}}`, `query: name.$ci: is a string, want a boolean`},

		// Limits, from the spec.
		{`{"$and":` + jsonList(specItems+1, `{}`) + `}`, `query: $and: has 101 items, at most 100 are allowed`},
		{`{"status":{"$in":` + jsonList(specItems+1, `"queued"`) + `}}`, `query: status.$in: has 101 items, at most 100 are allowed`},
		{nested(specDepth+1, `{}`), `query: ` + strings.Repeat(`$or[0].`, specDepth) + `$or[0]: queries nested more than 16 levels deep`},

		// Repeated keys.
		{`{"status":"queued","status":"failed"}`, `query: duplicate key "status"`},
		{`{"status":{"$eq":"queued","$eq":"failed"}}`, `query: status: duplicate key "$eq"`},

		// Messages stay short and on one line.
		{`{"id":"` + strings.Repeat("x", 60) + `"}`, `query: id: "` + strings.Repeat("x", 40) + `"... does not match ^[A-Fa-f\d]{24}$`},
		{`{"na\nme":1}`, `query: unknown field "na\nme" (allowed: id, name, resourceId, resourceType, runCompletedAt, runQueuedAt, runStartedAt, status)`},
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
		{"", "", 0, 1, `{"x":1}`, `query: unknown field "x" (allowed: id, name, resourceId, resourceType, runCompletedAt, runQueuedAt, runStartedAt, status)`},
	} {
		_, err := newListParams(tc.field, tc.dir, tc.page, tc.per, tc.query)
		var pe *listParamError
		if !errors.As(err, &pe) || err.Error() != tc.want {
			t.Errorf("newListParams(%q, %q, %d, %d, %q) = %v, want the *listParamError %s", tc.field, tc.dir, tc.page, tc.per, tc.query, err, tc.want)
		}
	}
}
