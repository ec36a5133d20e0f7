package losant_test

import (
	"encoding/json"
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
