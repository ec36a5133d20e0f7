package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

const listApp = "5a5a5a5a5a5a5a5a5a5a5a5a"

// seedLogs stores n job logs of listApp, queued a minute apart, with
// statuses and names cycling, and returns the store.
func seedLogs(t testing.TB, store *api.Store, n, from int) {
	t.Helper()
	statuses := []string{"completed", "failed", "errored", "inProgress", "queued"}
	base := time.Date(2025, 6, 10, 4, 0, 0, 0, time.UTC)
	for i := from; i < from+n; i++ {
		body := fmt.Sprintf(`{"id":"%024x","applicationId":%q,"name":"Job%d","status":%q,"runQueuedAt":%q,"progress":{"completed":%d,"total":100}}`,
			i+1, listApp, i%3, statuses[i%len(statuses)], base.Add(time.Duration(i)*time.Minute).Format("2006-01-02T15:04:05.000Z"), i%100)
		if err := store.PutJSON([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
}

// listFixture is the local API over loopback, every response checked
// against openapi.yaml by newServer, with a hook in front that counts list
// requests and can fail them.
type listFixture struct {
	store    *api.Store
	client   *losant.Client
	requests atomic.Int64
	failPage atomic.Int64 // a page number to answer 503; -1 for none
}

func newListFixture(t *testing.T, n int) *listFixture {
	t.Helper()
	f := &listFixture{store: api.NewStore()}
	f.failPage.Store(-1)
	seedLogs(t, f.store, n, 0)
	inner := newServer(t, api.Options{Store: f.store})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/jobLogs") {
			f.requests.Add(1)
			if fp := f.failPage.Load(); fp >= 0 && r.URL.Query().Get("page") == fmt.Sprint(fp) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"type":"ServiceUnavailable","message":"try later"}`))
				return
			}
		}
		proxy(inner.URL, w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := losant.NewClient(losant.WithToken("t"), losant.WithBaseURL(srv.URL), losant.WithRetryPolicy(losant.RetryPolicy{
		MaxAttempts: 2, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond, MaxElapsed: time.Second,
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	f.client = c
	return f
}

// proxy forwards r to the server at base and copies the answer back.
func proxy(base string, w http.ResponseWriter, r *http.Request) {
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), nil)
	req.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	var buf [32 << 10]byte
	for {
		n, err := resp.Body.Read(buf[:])
		_, _ = w.Write(buf[:n])
		if err != nil {
			return
		}
	}
}

func collect(t *testing.T, seq func(func(*losant.ApplicationJobLog, error) bool)) ([]string, error) {
	t.Helper()
	var ids []string
	for log, err := range seq {
		if err != nil {
			return ids, err
		}
		ids = append(ids, log.GetID())
	}
	return ids, nil
}

// TestAllPagingBoundaries walks every matching log with pages of 5: no
// match, one, exactly one page, one page plus one, several pages.
func TestAllPagingBoundaries(t *testing.T) {
	for _, tt := range []struct {
		n, wantRequests int
	}{{0, 1}, {1, 1}, {5, 2}, {6, 2}, {23, 5}} {
		t.Run(fmt.Sprint(tt.n), func(t *testing.T) {
			f := newListFixture(t, max(tt.n, 1))
			params := &losant.ApplicationJobLogListParams{PerPage: 5}
			if tt.n == 0 {
				params.Query = losant.NewJobLogQuery().Name("NoSuchJob")
			}
			ids, err := collect(t, f.client.ApplicationJobLog.All(context.Background(), listApp, params))
			if err != nil {
				t.Fatal(err)
			}
			if len(ids) != tt.n {
				t.Errorf("%d logs, want %d", len(ids), tt.n)
			}
			seen := map[string]bool{}
			for i, id := range ids {
				if seen[id] {
					t.Errorf("%s yielded twice", id)
				}
				seen[id] = true
				if want := fmt.Sprintf("%024x", i+1); id != want {
					t.Errorf("log %d is %s, want %s (runQueuedAt order)", i, id, want)
				}
			}
			if got := f.requests.Load(); got != int64(tt.wantRequests) {
				t.Errorf("%d list requests, want %d", got, tt.wantRequests)
			}
		})
	}
}

// TestAllStopsWhenTheLoopBreaks: no page is fetched after a break.
func TestAllStopsWhenTheLoopBreaks(t *testing.T) {
	f := newListFixture(t, 50)
	n := 0
	for _, err := range f.client.ApplicationJobLog.All(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 12 {
			break
		}
	}
	if got := f.requests.Load(); got != 2 {
		t.Errorf("%d pages fetched for 12 logs of 10 a page, want 2", got)
	}
}

// TestAllFailingPage: page 3 of 5 fails after retries; the iteration
// yields the 20 logs before it, then one error, then ends.
func TestAllFailingPage(t *testing.T) {
	f := newListFixture(t, 50)
	f.failPage.Store(2)
	var logs, errs int
	var last error
	for log, err := range f.client.ApplicationJobLog.All(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 10}) {
		if err != nil {
			errs++
			last = err
			if log != nil {
				t.Error("an error came with a log")
			}
			continue
		}
		logs++
	}
	var re *losant.RetryError
	if logs != 20 || errs != 1 || !errors.Is(last, losant.ErrServerError) || !errors.As(last, &re) {
		t.Errorf("%d logs, %d errors (%v); want 20 logs, then one ErrServerError after retries", logs, errs, last)
	}
	if got := f.requests.Load(); got != 4 { // pages 0, 1, and page 2 twice
		t.Errorf("%d requests, want 4", got)
	}
}

// TestAllWithJobsAddedDuringIteration: newest first, while new jobs arrive
// between pages; every log is yielded once, none twice.
func TestAllWithJobsAddedDuringIteration(t *testing.T) {
	f := newListFixture(t, 30)
	seen := map[string]bool{}
	added := 0
	for log, err := range f.client.ApplicationJobLog.All(context.Background(), listApp, &losant.ApplicationJobLogListParams{
		PerPage: 10, SortField: losant.ApplicationJobLogSortFieldRunQueuedAt, SortDirection: losant.SortDirectionDesc,
	}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[log.GetID()] {
			t.Errorf("%s yielded twice", log.GetID())
		}
		seen[log.GetID()] = true
		if len(seen)%10 == 5 && added < 9 {
			seedLogs(t, f.store, 3, 100+added) // newer than all: they shift every page by 3
			added += 3
		}
	}
	for i := range 30 {
		if id := fmt.Sprintf("%024x", i+1); !seen[id] {
			t.Errorf("%s was never yielded", id)
		}
	}
}

// TestListQueriesAndPages: a typed query and a page, as the API answers it.
func TestListQueriesAndPages(t *testing.T) {
	f := newListFixture(t, 30)
	page, err := f.client.ApplicationJobLog.List(context.Background(), listApp, &losant.ApplicationJobLogListParams{
		Query:     losant.NewJobLogQuery().Status(losant.ApplicationJobLogStatusFailed, losant.ApplicationJobLogStatusErrored).Name("Job1"),
		PerPage:   2,
		Page:      1,
		SortField: losant.ApplicationJobLogSortFieldName,
	})
	if err != nil {
		t.Fatal(err)
	}
	// i%3 == 1 and i%5 in {1, 2}: i = 1, 7, 16, 22 of 0..29.
	if page.GetTotalCount() != 4 || page.GetCount() != 2 || page.GetPage() != 1 || page.GetPerPage() != 2 {
		t.Fatalf("page = count %d total %d page %d perPage %d, want 2 of 4 on page 1", page.GetCount(), page.GetTotalCount(), page.GetPage(), page.GetPerPage())
	}
	for _, log := range page.GetItems() {
		if log.GetName() != "Job1" || !log.GetStatus().Failed() {
			t.Errorf("log %s %s does not match the query", log.GetName(), log.GetStatus())
		}
	}
	raw, err := f.client.ApplicationJobLog.ListRaw(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Items []json.RawMessage }
	if err := json.Unmarshal(raw, &body); err != nil || len(body.Items) != 1 || !strings.Contains(string(body.Items[0]), `"runQueuedAt":"2025-06-10T04:00:00.000Z"`) {
		t.Errorf("ListRaw = %s: want the item as stored", raw)
	}
}

// TestListRefusesBadInput: invalid parameters or queries are refused
// before anything is sent.
func TestListRefusesBadInput(t *testing.T) {
	f := newListFixture(t, 3)
	for name, p := range map[string]*losant.ApplicationJobLogListParams{
		"unknown field":     {Query: losant.RawJobLogQuery(`{"color":"red"}`)},
		"unknown operator":  {Query: losant.NewJobLogQuery().Where("name", "$regex", "A.*")},
		"101 values":        {Query: losant.NewJobLogQuery().Where("status", "$in", make([]string, 101))},
		"not JSON":          {Query: losant.RawJobLogQuery(`{"name":`)},
		"bad id":            {Query: losant.NewJobLogQuery().Where("id", "$eq", "nope")},
		"nested unknown":    {Query: losant.AnyOf(losant.NewJobLogQuery().Name("a"), losant.RawJobLogQuery(`{"status":{"$like":"x"}}`))},
		"bad sort field":    {SortField: "color"},
		"bad direction":     {SortDirection: "up"},
		"negative page":     {Page: -1},
		"negative per page": {PerPage: -5},
	} {
		_, err := f.client.ApplicationJobLog.List(context.Background(), listApp, p)
		if !errors.Is(err, losant.ErrInvalidArgument) {
			t.Errorf("%s: error = %v, want ErrInvalidArgument", name, err)
		}
	}
	if _, err := f.client.ApplicationJobLog.List(context.Background(), "nope", nil); !errors.Is(err, losant.ErrInvalidArgument) {
		t.Errorf("bad application ID: %v", err)
	}
	if got := f.requests.Load(); got != 0 {
		t.Errorf("bad input sent %d requests", got)
	}
	if _, err := f.client.ApplicationJobLog.List(context.Background(), "6b6b6b6b6b6b6b6b6b6b6b6b", nil); !errors.Is(err, losant.ErrNotFound) {
		t.Errorf("unknown application: %v, want ErrNotFound", err)
	}
}

// TestAllWhenTheServerCapsThePageSize: a server that answers fewer logs a
// page than asked (and says so in perPage) is paged to its end, not taken
// to have run out after the first short page.
func TestAllWhenTheServerCapsThePageSize(t *testing.T) {
	store := api.NewStore()
	seedLogs(t, store, 25, 0)
	inner := newServer(t, api.Options{Store: store})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("perPage") != "" {
			q.Set("perPage", "10") // this server's own maximum
			r.URL.RawQuery = q.Encode()
		}
		proxy(inner.URL, w, r)
	}))
	defer srv.Close()
	c, err := losant.NewClient(losant.WithToken("t"), losant.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseIdleConnections()
	ids, err := collect(t, c.ApplicationJobLog.All(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 50}))
	if err != nil || len(ids) != 25 {
		t.Errorf("%d logs (%v), want all 25 through pages of 10", len(ids), err)
	}
}

// TestAllRaw walks every log as sent, in pages, with the same paging and
// stopping as All.
func TestAllRaw(t *testing.T) {
	f := newListFixture(t, 23)
	var n int
	for raw, err := range f.client.ApplicationJobLog.AllRaw(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if !strings.Contains(string(raw), `"runQueuedAt":"2025-06-10T04:`) || !json.Valid(raw) {
			t.Errorf("log %d is not as stored: %s", n, raw)
		}
		if n == 12 {
			break
		}
	}
	if n != 12 || f.requests.Load() != 3 {
		t.Errorf("%d logs from %d pages, want 12 from 3", n, f.requests.Load())
	}
	f.failPage.Store(1) // the second page
	var logs, errs int
	for raw, err := range f.client.ApplicationJobLog.AllRaw(context.Background(), listApp, &losant.ApplicationJobLogListParams{PerPage: 5}) {
		switch {
		case err == nil:
			logs++
		case raw == nil && errors.Is(err, losant.ErrServerError):
			errs++
		default:
			t.Errorf("got %s, %v", raw, err)
		}
	}
	if logs != 5 || errs != 1 {
		t.Errorf("%d logs and %d errors, want the first page's 5, then one error", logs, errs)
	}
}
