package api_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/internal/ops"
)

// agreementCorpus is the queries on which the SDK and the local API must
// agree: each limit at and one past it, unknown fields and operators,
// enum values, dates, repeated keys, and what is not an object at all.
func agreementCorpus() []string {
	depth, items := api.SpecQueryLimits()
	id := `"575ec8687ae143cd83dc4a97"`
	list := func(n int, v string) string { return "[" + strings.TrimSuffix(strings.Repeat(v+",", n), ",") + "]" }
	nested := func(d int, inner string) string {
		return strings.Repeat(`{"$or":[`, d) + inner + strings.Repeat(`]}`, d)
	}
	nestedAnd := func(d int) string { return strings.Repeat(`{"$and":[`, d) + `{"name":"a"}` + strings.Repeat(`]}`, d) }
	c := []string{
		`{}`, `[]`, `null`, `"status"`, `5`, `{"name":`, `{} {}`,
		nested(depth, `{"status":"queued"}`), nested(depth+1, `{"status":"queued"}`),
		nestedAnd(10), nestedAnd(depth), nestedAnd(depth + 1),
		`{"name":null}`, `{"status":null}`, `{"id":null}`, `{"runQueuedAt":{"$ne":null}}`,
		`{"name":"a","name":"b"}`, `{"status":{"$eq":"failed","$eq":"queued"}}`,
		`{"color":"red"}`, `{"$where":"1"}`, `{"name":{"$regex":"A"}}`, `{"id":{"$startsWith":"57"}}`, `{"id":{"$ci":true}}`,
		`{"id":{"$eq":` + id + `,"$ne":null}}`, `{"id":{}}`, `{"id":"nope"}`,
		`{"status":"failed"}`, `{"status":"done"}`, `{"status":{"$in":["failed","done"]}}`, `{"status":{"$ne":"FAILED"}}`,
		`{"status":5}`, `{"status":{"$gt":"a"}}`, `{"status":{"$startsWith":"fail","$ci":true}}`,
		`{"resourceType":"device"}`, `{"resourceType":"devices"}`,
		`{"runQueuedAt":{"$gte":"yesterday"}}`, `{"runQueuedAt":{"$gte":"2025-06-10"}}`, `{"runQueuedAt":"2025-06-10T04:00:00.000+02:00"}`,
		`{"runQueuedAt":1749528000000}`, `{"runQueuedAt":9e15}`, `{"runQueuedAt":true}`, `{"runQueuedAt":{"$in":[null]}}`,
		`{"runQueuedAt":{"$startsWith":"2025-06"}}`,
		`{"name":1e400}`, `{"name":{"$startsWith":""}}`, `{"name":[1]}`, `{"name":{"$in":["a",1,true]}}`,
		`{"$or":{"name":"a"}}`, `{"$nor":[1]}`, `{"$and":[]}`,
	}
	for _, op := range []string{"$and", "$or", "$nor"} {
		c = append(c, `{"`+op+`":`+list(items, `{}`)+`}`, `{"`+op+`":`+list(items+1, `{}`)+`}`)
	}
	for _, in := range []string{`{"status":{"$in":%s}}`, `{"id":{"$nin":%s}}`, `{"runQueuedAt":{"$in":%s}}`, `{"name":{"$nin":%s}}`} {
		for _, n := range []int{items, items + 1} {
			v := map[string]string{"status": `"queued"`, "id": id, "runQueuedAt": `0`, "name": `1`}[in[2:strings.IndexByte(in[2:], '"')+2]]
			c = append(c, strings.Replace(in, "%s", list(n, v), 1))
		}
	}
	return c
}

// TestSDKAndLocalAPIAgreeOnQueries: a query the SDK accepts, the local API
// accepts, and one the SDK refuses before sending, the local API refuses
// with the same words. Both judge with internal/ops.CheckJSON on the
// generated table; this proves nothing else in either path (kin-openapi's
// validator, the generated parameter decoding, the compiler) disagrees.
func TestSDKAndLocalAPIAgreeOnQueries(t *testing.T) {
	t.Parallel()
	store, log := exampleLog(t)
	srv := newServer(t, api.Options{Store: store, Tokens: testTokens()})
	client, err := losant.NewClient(losant.WithToken(fullToken), losant.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	app := *log.ApplicationID
	for _, q := range agreementCorpus() {
		checkErr := ops.CheckJSON("ApplicationJobLogQuery", []byte(q))

		_, sdkErr := client.ApplicationJobLog.List(t.Context(), app, &losant.ApplicationJobLogListParams{Query: losant.RawJobLogQuery(q)})
		switch {
		case checkErr == nil && sdkErr != nil:
			t.Errorf("%.80s: the SDK's check accepts it but List against the local API failed: %v", q, sdkErr)
		case checkErr != nil && !errors.Is(sdkErr, losant.ErrInvalidArgument):
			t.Errorf("%.80s: the SDK's check refuses it (%v) but List did not fail before sending: %v", q, checkErr, sdkErr)
		}

		r := do(t, srv, http.MethodGet, "/applications/"+app+"/jobLogs?query="+url.QueryEscape(q), fullToken)
		switch {
		case checkErr == nil && r.status != http.StatusOK:
			t.Errorf("%.80s: the SDK accepts it, the local API answers %d %s", q, r.status, r.body)
		case checkErr != nil && r.status != http.StatusBadRequest:
			t.Errorf("%.80s: the SDK refuses it (%v), the local API answers %d", q, checkErr, r.status)
		case checkErr != nil && !strings.Contains(string(r.body), jsonEscaped(checkErr.Error())):
			t.Errorf("%.80s: the local API's 400 %s does not carry the SDK's words %q", q, r.body, checkErr)
		case checkErr == nil:
			// The page echoes the query as the API understood it: the
			// query sent, not a re-encoding that lost a null field.
			var page struct{ Query any }
			var sent any
			if err := json.Unmarshal(r.body, &page); err != nil || json.Unmarshal([]byte(q), &sent) != nil {
				t.Fatalf("%.80s: %v", q, err)
			}
			if !reflect.DeepEqual(page.Query, sent) {
				t.Errorf("%.80s: the local API understood %v", q, page.Query)
			}
		}
	}
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "<", `\u003c`, ">", `\u003e`, "&", `\u0026`)
	return r.Replace(s)
}

// FuzzSDKAndLocalAPIAgreeOnQueries: whatever the text, the SDK's check and
// the local API both accept it or both refuse it.
func FuzzSDKAndLocalAPIAgreeOnQueries(f *testing.F) {
	for _, q := range agreementCorpus() {
		f.Add(q)
	}
	store, err := api.ExampleStore()
	if err != nil {
		f.Fatal(err)
	}
	h, err := api.NewHandler(api.Options{Store: store, Tokens: testTokens()})
	if err != nil {
		f.Fatal(err)
	}
	srv := httptest.NewServer(h)
	f.Cleanup(srv.Close)
	app := *store.List()[0].ApplicationID
	f.Fuzz(func(t *testing.T, q string) {
		if strings.TrimSpace(q) == "" {
			return // no query at all, for both
		}
		checkErr := ops.CheckJSON("ApplicationJobLogQuery", []byte(q))
		r := do(t, srv, http.MethodGet, "/applications/"+app+"/jobLogs?query="+url.QueryEscape(q), fullToken)
		if (checkErr == nil) != (r.status == http.StatusOK) {
			t.Errorf("%q: the SDK's check says %v, the local API answers %d %s", q, checkErr, r.status, r.body)
		}
	})
}
