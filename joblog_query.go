package losant

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/losant-go/losant-go/internal/ops"
)

// JobLogQuery is an advanced query on an application's job logs, for
// ApplicationJobLogListParams.Query: which job logs List and All return.
// Build one with NewJobLogQuery and its methods, each of which adds a
// condition that must hold too, combine queries with AnyOf and AllOf, or
// write Losant's query language yourself with RawJobLogQuery:
//
//	q := losant.NewJobLogQuery().
//		Status(losant.ApplicationJobLogStatusErrored, losant.ApplicationJobLogStatusFailed).
//		Name("ApplicationExport").
//		QueuedBetween(time.Now().Add(-7*24*time.Hour), time.Time{})
//
// Before anything is sent, the query's JSON is checked against
// openapi.yaml's ApplicationJobLogQuery schema; one it breaks (an unknown
// field or operator, a status that is not one, a date that is not a date,
// more than 100 values, $and/$or/$nor nested more than 16 deep) fails the
// call with an error matching ErrInvalidArgument that says where, such as
// `status: "done" is not one of queued, inProgress, ...`. Validate runs
// the same check without a call. The local API checks queries with the
// same function, so it takes every query the SDK sends. A nil *JobLogQuery
// matches every job log.
type JobLogQuery struct {
	conds []map[string]any // all must hold
	raw   json.RawMessage
}

// NewJobLogQuery returns a query that matches every job log; add
// conditions with its methods.
func NewJobLogQuery() *JobLogQuery { return &JobLogQuery{} }

// RawJobLogQuery is a query written in Losant's advanced query language,
// such as `{"name":{"$startsWith":"Archive","$ci":true}}`: the escape
// hatch for what the methods do not cover. It is checked against the
// spec's schema like any other query.
func RawJobLogQuery(query string) *JobLogQuery {
	return &JobLogQuery{raw: json.RawMessage(query)}
}

// Where adds a condition on field (id, name, status, resourceId,
// resourceType, runQueuedAt, runStartedAt or runCompletedAt) with one of
// Losant's operators ($eq, $ne, $gt, $lt, $gte, $lte, $in, $nin,
// $startsWith, $endsWith, $contains): Where("name", "$startsWith", "Archive").
func (q *JobLogQuery) Where(field, operator string, value any) *JobLogQuery {
	return q.add(map[string]any{field: map[string]any{operator: value}})
}

// Status keeps job logs whose status is one of statuses.
func (q *JobLogQuery) Status(statuses ...ApplicationJobLogStatus) *JobLogQuery {
	if len(statuses) == 1 {
		return q.add(map[string]any{"status": statuses[0]})
	}
	return q.add(map[string]any{"status": map[string]any{"$in": statuses}})
}

// Name keeps job logs of the job with this name, such as ArchiveData.
func (q *JobLogQuery) Name(name string) *JobLogQuery {
	return q.add(map[string]any{"name": name})
}

// ResourceType keeps job logs of jobs that work on this kind of resource.
func (q *JobLogQuery) ResourceType(t ApplicationJobLogResourceType) *JobLogQuery {
	return q.add(map[string]any{"resourceType": t})
}

// QueuedBetween keeps job logs queued at or after from and before to; a
// zero time leaves that end open.
func (q *JobLogQuery) QueuedBetween(from, to time.Time) *JobLogQuery {
	return q.between("runQueuedAt", from, to)
}

// StartedBetween keeps job logs whose run started at or after from and
// before to; a zero time leaves that end open.
func (q *JobLogQuery) StartedBetween(from, to time.Time) *JobLogQuery {
	return q.between("runStartedAt", from, to)
}

// CompletedBetween keeps job logs whose run ended at or after from and
// before to; a zero time leaves that end open.
func (q *JobLogQuery) CompletedBetween(from, to time.Time) *JobLogQuery {
	return q.between("runCompletedAt", from, to)
}

func (q *JobLogQuery) between(field string, from, to time.Time) *JobLogQuery {
	ops := map[string]any{}
	if !from.IsZero() {
		ops["$gte"] = queryTime(from)
	}
	if !to.IsZero() {
		ops["$lt"] = queryTime(to)
	}
	if len(ops) == 0 {
		return q
	}
	return q.add(map[string]any{field: ops})
}

// queryTime writes t as Losant writes timestamps: UTC, with milliseconds.
func queryTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// AnyOf matches job logs that match at least one of queries ($or).
func AnyOf(queries ...*JobLogQuery) *JobLogQuery { return combine("$or", queries) }

// AllOf matches job logs that match every one of queries ($and).
func AllOf(queries ...*JobLogQuery) *JobLogQuery { return combine("$and", queries) }

// NoneOf matches job logs that match none of queries ($nor).
func NoneOf(queries ...*JobLogQuery) *JobLogQuery { return combine("$nor", queries) }

func combine(op string, queries []*JobLogQuery) *JobLogQuery {
	list := make([]any, 0, len(queries))
	for _, q := range queries {
		if q != nil {
			list = append(list, q)
		}
	}
	return NewJobLogQuery().add(map[string]any{op: list})
}

// add returns a copy of q with cond too, so a query can be shared and
// extended without surprises. A raw query becomes the first condition.
func (q *JobLogQuery) add(cond map[string]any) *JobLogQuery {
	out := &JobLogQuery{}
	if q != nil {
		if q.raw != nil {
			out.conds = append(out.conds, map[string]any{"": q.raw})
		}
		out.conds = append(out.conds, q.conds...)
	}
	out.conds = append(out.conds, cond)
	return out
}

// Validate checks the query as List and All do before sending it: nil, or
// an error matching ErrInvalidArgument (an *InvalidArgumentError of
// "query") that names the place that breaks a rule of openapi.yaml's
// ApplicationJobLogQuery, such as `runQueuedAt.$gte: "yesterday" is not a
// date: ...`. For a RawJobLogQuery alone the place is in the caller's own
// text.
func (q *JobLogQuery) Validate() error {
	raw := []byte("{}")
	switch {
	case q == nil:
	case q.raw != nil && len(q.conds) == 0:
		raw = q.raw // its own text, so that the error's path is the caller's
	default:
		b, err := q.MarshalJSON()
		if err != nil {
			return invalidArg("query", "%v", err)
		}
		raw = b
	}
	// The schema the generated List checks the query parameter against.
	if err := ops.CheckJSON("ApplicationJobLogQuery", raw); err != nil {
		return invalidArg("query", "%v", err)
	}
	return nil
}

// MarshalJSON writes the query in Losant's language: one object whose
// keys all hold, or an $and of the conditions when two name the same key.
func (q *JobLogQuery) MarshalJSON() ([]byte, error) {
	if q == nil {
		return []byte("{}"), nil
	}
	if q.raw != nil && len(q.conds) == 0 {
		return q.raw, notJSON(q.raw)
	}
	for _, c := range q.conds {
		if raw, ok := c[""]; ok {
			if err := notJSON(raw.(json.RawMessage)); err != nil {
				return nil, err
			}
		}
	}
	merged := map[string]any{}
	for _, c := range q.conds {
		for k, v := range c {
			if _, clash := merged[k]; clash || k == "" {
				return json.Marshal(map[string]any{"$and": q.parts()})
			}
			merged[k] = v
		}
	}
	return json.Marshal(merged)
}

// notJSON says why a raw query is not JSON, in JSON's terms (no Go
// types); nil when it is.
func notJSON(raw json.RawMessage) error {
	if json.Valid(raw) {
		return nil
	}
	var v any
	err := json.Unmarshal(raw, &v)
	return fmt.Errorf("the raw query is not JSON: %v", err)
}

// parts lists the conditions as separate queries, for $and.
func (q *JobLogQuery) parts() []any {
	out := make([]any, 0, len(q.conds))
	for _, c := range q.conds {
		if raw, ok := c[""]; ok {
			out = append(out, raw)
			continue
		}
		out = append(out, c)
	}
	return out
}

// String is the query's JSON, for logs and error messages.
func (q *JobLogQuery) String() string {
	b, err := q.MarshalJSON()
	if err != nil {
		return "invalid query: " + err.Error()
	}
	return string(b)
}

// UnmarshalJSON keeps the query as the API sent it (ApplicationJobLogs'
// Query, the query as the API understood it): it marshals back to the same
// JSON, and String prints it. It must be a JSON object.
func (q *JobLogQuery) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return fmt.Errorf("a job log query must be a JSON object, got %.40s", b)
	}
	*q = JobLogQuery{raw: bytes.Clone(b)}
	return nil
}
