package api_test

import (
	"encoding/json"
	"fmt"
	losant "github.com/losant-go/losant-go"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/internal/spec"
)

func TestStorePutGet(t *testing.T) {
	t.Parallel()
	s := api.NewStore()
	status := losant.ApplicationJobLogStatusQueued
	log := losant.ApplicationJobLog{ID: ptr(seedA), ApplicationID: ptr(seedApp), Status: &status, Name: ptr("ArchiveData")}
	if err := s.Put(log); err != nil {
		t.Fatal(err)
	}
	got, ok := s.Get(seedApp, seedA)
	if !ok {
		t.Fatal("Get: not found after Put")
	}
	if diff := cmp.Diff(log, got); diff != "" {
		t.Errorf("Get (-put +got):\n%s", diff)
	}
	if _, ok := s.Get(seedApp, seedB); ok {
		t.Error("Get of an unknown job log: found")
	}
	if _, ok := s.Get(seedB, seedA); ok {
		t.Error("Get with another application's ID: found")
	}
	// Put replaces.
	log.Name = ptr("Other")
	if err := s.Put(log); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(seedApp, seedA); deref(got.Name) != "Other" || len(s.List()) != 1 {
		t.Errorf("after a second Put: name %q, %d job logs; want Other, 1", deref(got.Name), len(s.List()))
	}
}

func TestStorePutRefusesInvalid(t *testing.T) {
	t.Parallel()
	bad := losant.ApplicationJobLogStatus("cancelled")
	for _, tc := range []struct {
		name string
		log  losant.ApplicationJobLog
		want string
	}{
		{"no id", losant.ApplicationJobLog{ApplicationID: ptr(seedApp)}, "has no id"},
		{"no applicationId", losant.ApplicationJobLog{ID: ptr(seedA)}, "has no applicationId"},
		{"malformed id", losant.ApplicationJobLog{ID: ptr("12"), ApplicationID: ptr(seedApp)}, "at /id"},
		{"status outside the enum", losant.ApplicationJobLog{ID: ptr(seedA), ApplicationID: ptr(seedApp), Status: &bad}, "at /status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := api.NewStore()
			if err := s.Put(tc.log); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Put: %v, want an error mentioning %q", err, tc.want)
			}
			if n := len(s.List()); n != 0 {
				t.Errorf("%d job logs stored after a refused Put", n)
			}
		})
	}
	for _, data := range []string{`{"id":`, entry(seedA, "") + " {}", "[]"} {
		if err := api.NewStore().PutJSON([]byte(data)); err == nil {
			t.Errorf("PutJSON(%s) succeeded", data)
		}
	}
}

func TestStoreList(t *testing.T) {
	t.Parallel()
	s := api.NewStore()
	for _, raw := range []string{entry(seedB, ""), entry(seedA, ""), strings.Replace(entry(seedA, ""), seedApp, "000000000000000000000001", 1)} {
		if err := s.PutJSON([]byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, l := range s.List() {
		got = append(got, *l.ApplicationID+"/"+*l.ID)
	}
	want := []string{"000000000000000000000001/" + seedA, seedApp + "/" + seedA, seedApp + "/" + seedB}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("List order (-want +got):\n%s", diff)
	}
}

// TestStoreConcurrent is for the race detector: Puts, Gets, Lists and HTTP
// requests at once.
func TestStoreConcurrent(t *testing.T) {
	t.Parallel()
	s := api.NewStore()
	srv := newServer(t, api.Options{Store: s})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			id := fmt.Sprintf("%024x", i)
			for j := range 20 {
				if err := s.PutJSON([]byte(entry(id, fmt.Sprintf(`"progress":{"completed":%d,"total":20}`, j)))); err != nil {
					t.Error(err)
					return
				}
				s.Get(seedApp, id)
				s.List()
				// Not do: it may call t.Fatal, which only the test's goroutine may.
				req, _ := http.NewRequest("GET", srv.URL+jobLogPath(seedApp, id), nil)
				req.Header.Set("Authorization", "Bearer x")
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	if n := len(s.List()); n != 8 {
		t.Errorf("%d job logs, want 8", n)
	}
}

// TestExampleStoreIsTheSpecsExamples: the example data is openapi.yaml's
// examples of the job log response, byte for byte in meaning; where two
// examples share IDs, the one furthest along (completed) is kept.
func TestExampleStoreIsTheSpecsExamples(t *testing.T) {
	t.Parallel()
	op, err := spec.Op("getApplicationJobLog")
	if err != nil {
		t.Fatal(err)
	}
	mt, err := op.ResponseContent(200)
	if err != nil {
		t.Fatal(err)
	}
	completed := mt.Examples["completed"].Value.Value
	want, _ := json.Marshal(completed)
	store, log := exampleLog(t)
	if n := len(store.List()); n != 1 {
		t.Fatalf("%d example job logs, want 1 (the spec's examples share their IDs)", n)
	}
	srv := newServer(t, api.Options{Store: store})
	got := do(t, srv, "GET", jobLogPath(*log.ApplicationID, *log.ID), "x")
	var g, w any
	_ = json.Unmarshal(got.body, &g)
	_ = json.Unmarshal(want, &w)
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("served example (-openapi.yaml +served):\n%s", diff)
	}
}

func ptr[T any](v T) *T { return &v }

// TestStorePutKeepsThreeDigitMilliseconds: a job log stored through Put (as
// every job the local API runs is) is served with Losant's timestamps,
// three digits of milliseconds even when they end in zeros.
func TestStorePutKeepsThreeDigitMilliseconds(t *testing.T) {
	t.Parallel()
	s := api.NewStore()
	queued := time.Date(2025, 6, 10, 4, 0, 1, 150_000_000, time.UTC)
	started := time.Date(2025, 6, 10, 4, 0, 2, 0, time.UTC)
	completed := time.Date(2025, 6, 10, 4, 0, 3, 123_000_000, time.UTC)
	status := losant.ApplicationJobLogStatusCompleted
	if err := s.Put(losant.ApplicationJobLog{
		ID: ptr(seedA), ApplicationID: ptr(seedApp), Status: &status,
		RunQueuedAt: &queued, RunStartedAt: &started, RunCompletedAt: &completed,
	}); err != nil {
		t.Fatal(err)
	}
	h, err := api.NewHandler(api.Options{Store: s})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/applications/"+seedApp+"/jobLogs/"+seedA, nil)
	req.Header.Set("Authorization", "Bearer any")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got map[string]any
	if err := json.NewDecoder(res.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"runQueuedAt": "2025-06-10T04:00:01.150Z", "runStartedAt": "2025-06-10T04:00:02.000Z", "runCompletedAt": "2025-06-10T04:00:03.123Z",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %s", k, got[k], v)
		}
	}
}
