package losant_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

func TestJobLogQueryJSON(t *testing.T) {
	from := time.Date(2025, 6, 1, 0, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	to := time.Date(2025, 6, 8, 0, 0, 0, 123e6, time.UTC)
	base := losant.NewJobLogQuery().Name("ArchiveData")
	for _, tt := range []struct {
		name string
		q    *losant.JobLogQuery
		want string
	}{
		{"nil matches all", nil, `{}`},
		{"empty", losant.NewJobLogQuery(), `{}`},
		{"one status", losant.NewJobLogQuery().Status(losant.ApplicationJobLogStatusFailed), `{"status":"failed"}`},
		{"statuses", losant.NewJobLogQuery().Status(losant.ApplicationJobLogStatusErrored, losant.ApplicationJobLogStatusFailed), `{"status":{"$in":["errored","failed"]}}`},
		{"name and type", losant.NewJobLogQuery().Name("A").ResourceType(losant.ApplicationJobLogResourceTypeDevice), `{"name":"A","resourceType":"device"}`},
		{"time range in UTC with milliseconds", losant.NewJobLogQuery().QueuedBetween(from, to), `{"runQueuedAt":{"$gte":"2025-05-31T22:00:00.000Z","$lt":"2025-06-08T00:00:00.123Z"}}`},
		{"open start", losant.NewJobLogQuery().CompletedBetween(time.Time{}, to), `{"runCompletedAt":{"$lt":"2025-06-08T00:00:00.123Z"}}`},
		{"no ends adds nothing", losant.NewJobLogQuery().StartedBetween(time.Time{}, time.Time{}), `{}`},
		{"same field twice goes to $and", losant.NewJobLogQuery().Where("name", "$startsWith", "A").Where("name", "$endsWith", "Z"),
			`{"$and":[{"name":{"$startsWith":"A"}},{"name":{"$endsWith":"Z"}}]}`},
		{"raw plus a condition", losant.RawJobLogQuery(`{"status":"queued"}`).Name("B"), `{"$and":[{"status":"queued"},{"name":"B"}]}`},
		{"raw alone", losant.RawJobLogQuery(`{"id":{"$ne":null}}`), `{"id":{"$ne":null}}`},
		{"any of", losant.AnyOf(base, losant.NewJobLogQuery().Status(losant.ApplicationJobLogStatusQueued)), `{"$or":[{"name":"ArchiveData"},{"status":"queued"}]}`},
		{"none of, nil skipped", losant.NoneOf(nil, base), `{"$nor":[{"name":"ArchiveData"}]}`},
		{"all of", losant.AllOf(base, base), `{"$and":[{"name":"ArchiveData"},{"name":"ArchiveData"}]}`},
	} {
		got, err := tt.q.MarshalJSON()
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	// Adding to a query leaves it as it was: queries can be shared.
	_ = base.Status(losant.ApplicationJobLogStatusFailed)
	if got, _ := json.Marshal(base); string(got) != `{"name":"ArchiveData"}` {
		t.Errorf("base changed to %s", got)
	}
	if _, err := json.Marshal(losant.RawJobLogQuery(`{"name":`)); err == nil {
		t.Error("a raw query that is not JSON marshalled")
	}
}

// TestJobLogQueryValidate: Validate refuses what List would refuse before
// sending, with an *InvalidArgumentError of "query" that points at the
// mistake and names no Go type; it accepts what the local API accepts.
func TestJobLogQueryValidate(t *testing.T) {
	deep := losant.NewJobLogQuery().Name("A")
	for range 10 {
		deep = losant.AllOf(deep)
	}
	tooDeep := deep
	for range 7 {
		tooDeep = losant.AnyOf(tooDeep)
	}
	for _, tt := range []struct {
		name string
		q    *losant.JobLogQuery
		want string // "" when valid; else the error's whole text
	}{
		{"nil", nil, ""},
		{"builder", losant.NewJobLogQuery().Status(losant.ApplicationJobLogStatusFailed).QueuedBetween(time.Unix(0, 0), time.Time{}), ""},
		{"$and nested 10 deep", deep, ""},
		{"nested 17 deep", tooDeep, "losant: invalid query: " + strings.Repeat("$or[0].", 7) + strings.Repeat("$and[0].", 9) + "$and[0]: queries nested more than 16 levels deep"},
		{"raw", losant.RawJobLogQuery(`{"name":{"$startsWith":"Archive","$ci":true}}`), ""},
		{"raw array", losant.RawJobLogQuery(`[]`), "losant: invalid query: must be a JSON object, got an array"},
		{"raw not JSON", losant.RawJobLogQuery(`{"name":`), "losant: invalid query: not JSON: the text ends before the JSON does"},
		{"raw not JSON, combined", losant.RawJobLogQuery(`{name:1}`).Name("B"), "losant: invalid query: the raw query is not JSON: invalid character 'n' looking for beginning of object key string"},
		{"where unknown operator", losant.NewJobLogQuery().Where("name", "$regex", "A.*"),
			`losant: invalid query: name: unknown operator "$regex" (allowed: $ci, $contains, $endsWith, $eq, $gt, $gte, $in, $lt, $lte, $ne, $nin, $startsWith)`},
		{"where unknown status", losant.NewJobLogQuery().Where("status", "$eq", "done"),
			`losant: invalid query: status.$eq: "done" is not one of queued, inProgress, completed, errored, failed`},
		{"unknown status constant", losant.NewJobLogQuery().Status("done"),
			`losant: invalid query: status: "done" is not one of queued, inProgress, completed, errored, failed`},
		{"where not a date", losant.NewJobLogQuery().Where("runQueuedAt", "$gte", "yesterday"),
			`losant: invalid query: runQueuedAt.$gte: "yesterday" is not a date: an RFC 3339 date-time such as 2025-06-10T04:00:00.000Z, a date alone such as 2025-06-10 (midnight UTC), or milliseconds since the Unix epoch`},
		{"where epoch milliseconds", losant.NewJobLogQuery().Where("runQueuedAt", "$gte", 1749528000000), ""},
	} {
		err := tt.q.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || err.Error() != tt.want):
			t.Errorf("%s:\n got %v\nwant %s", tt.name, err, tt.want)
		case tt.want != "" && !errors.Is(err, losant.ErrInvalidArgument):
			t.Errorf("%s: %v does not match ErrInvalidArgument", tt.name, err)
		}
	}
}

// A raw query that is not JSON is refused before sending, in words about
// the query, not encoding/json's about Go types.
func TestListRawQueryNotJSON(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, `{}`))
	_, err := f.client.ApplicationJobLog.List(context.Background(), appID, &losant.ApplicationJobLogListParams{Query: losant.RawJobLogQuery(`{"name":`)})
	if !errors.Is(err, losant.ErrInvalidArgument) || strings.Contains(err.Error(), "MarshalJSON") || strings.Contains(err.Error(), "*losant.") {
		t.Errorf("error %v: want an invalid argument without Go type names", err)
	}
	if n := f.requests.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
