package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Job log values for generated data: the enums of openapi.yaml's
// ApplicationJobLog, and names whose case differs.
var (
	genStatuses      = []string{"queued", "inProgress", "completed", "errored", "failed"}
	genResourceTypes = []string{"application", "dashboard", "datatable", "event", "device", "notebook", "deviceRecipe"}
	genNames         = []string{"ArchiveData", "archiveData", "ApplicationExport", "ApplicationImport", "DataTableExport", "Backfill", "Ünïcode"}
)

// genJobLogs returns n job logs of application app as JSON objects, valid
// against openapi.yaml's ApplicationJobLog, the same for the same seed.
// Their ids are first, first+1, ... as 24 hexadecimal digits (one in 13 in
// upper case). Names, statuses, resource types and timestamps repeat, so
// every sort has ties, and each of those fields (and resourceId) is
// missing from some; some timestamps are written with a +02:00 offset.
func genJobLogs(app string, first, n int, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	base := time.Date(2025, 6, 10, 4, 0, 0, 0, time.UTC)
	plus2 := time.FixedZone("", 2*3600)
	stamp := func(t time.Time) string {
		if rng.IntN(10) == 0 {
			t = t.In(plus2)
		}
		return t.Format("2006-01-02T15:04:05.000Z07:00")
	}
	out := make([][]byte, n)
	for i := range n {
		id := fmt.Sprintf("%024x", first+i)
		if i%13 == 0 {
			id = strings.ToUpper(id)
		}
		status := genStatuses[rng.IntN(len(genStatuses))]
		m := map[string]any{
			"id": id, "jobId": id, "applicationId": app, "status": status,
			"progress": map[string]any{"completed": rng.IntN(100), "total": 100},
		}
		if rng.IntN(10) > 0 {
			m["name"] = genNames[rng.IntN(len(genNames))]
		}
		if rng.IntN(10) > 0 {
			m["resourceType"] = genResourceTypes[rng.IntN(len(genResourceTypes))]
		}
		if rng.IntN(10) > 2 {
			m["resourceId"] = fmt.Sprintf("%024x", rng.IntN(50))
		}
		queued := base.Add(time.Duration(rng.IntN(2000)) * 500 * time.Millisecond)
		if rng.IntN(20) > 0 {
			m["runQueuedAt"] = stamp(queued)
		}
		started := queued.Add(time.Duration(rng.IntN(5000)) * time.Millisecond)
		if status != "queued" {
			m["runStartedAt"] = stamp(started)
		}
		if status != "queued" && status != "inProgress" {
			m["runCompletedAt"] = stamp(started.Add(time.Duration(rng.IntN(600)) * time.Second))
		}
		b, err := json.Marshal(m)
		if err != nil {
			panic(err)
		}
		out[i] = b
	}
	return out
}

// storeOf returns a Store holding logs, stored with PutJSON (which checks
// them against openapi.yaml).
func storeOf(t testing.TB, logs ...[][]byte) *Store {
	t.Helper()
	s := NewStore()
	for _, group := range logs {
		for _, l := range group {
			if err := s.PutJSON(l); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

// listIDs lists and returns the ids of the page, failing the test on an
// error.
func listIDs(t testing.TB, s *Store, app string, p listParams) (ids []string, total int, known bool) {
	t.Helper()
	items, total, known, err := s.list(app, p)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	ids = []string{}
	for _, raw := range items {
		var v struct{ ID string }
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("item %s: %v", raw, err)
		}
		ids = append(ids, v.ID)
	}
	return ids, total, known
}

// mustParams is newListParams that fails the test on an error.
func mustParams(t testing.TB, field, dir string, page, perPage int, query string) listParams {
	t.Helper()
	p, err := newListParams(field, dir, page, perPage, query)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// referenceOrder sorts job logs as the list endpoint must, written
// independently of list.go: decoded afresh, timestamps through time.Parse,
// missing values first ascending and last descending, ties by id ascending
// in both directions. It returns the ids.
func referenceOrder(t testing.TB, logs [][]byte, field string, desc bool) []string {
	t.Helper()
	type entry struct {
		id      string
		has     bool
		s       string
		t       time.Time
		isStamp bool
	}
	var es []entry
	for _, raw := range logs {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		e := entry{id: m["id"].(string)}
		if v, ok := m[field].(string); ok {
			e.has, e.s = true, v
			if strings.HasPrefix(field, "run") {
				tm, err := time.Parse(time.RFC3339, v)
				if err != nil {
					t.Fatal(err)
				}
				e.t, e.isStamp = tm, true
			}
		}
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b entry) int {
		var c int
		switch {
		case !a.has && !b.has:
		case !a.has:
			c = -1
		case !b.has:
			c = 1
		case a.isStamp:
			c = a.t.Compare(b.t)
		default:
			c = strings.Compare(a.s, b.s)
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, strings.Compare(a.id, b.id))
	})
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.id
	}
	return ids
}

var sortFields = []string{"name", "status", "resourceType", "runQueuedAt", "runStartedAt", "runCompletedAt"}

func TestListSortsEveryField(t *testing.T) {
	t.Parallel()
	const app = "575ec8687ae143cd83dc4a97"
	logs := genJobLogs(app, 1, 600, 1)
	s := storeOf(t, logs, genJobLogs("575ec8687ae143cd83dc4a98", 1, 50, 2))
	for _, field := range sortFields {
		for _, dir := range []string{"asc", "desc", "ASC", "DESC"} {
			t.Run(field+"/"+dir, func(t *testing.T) {
				desc := strings.EqualFold(dir, "desc")
				want := referenceOrder(t, logs, field, desc)
				got, total, known := listIDs(t, s, app, mustParams(t, field, dir, 0, 10000, ""))
				if !known || total != len(logs) {
					t.Fatalf("known %v, total %d; want true, %d", known, total, len(logs))
				}
				if !slices.Equal(got, want) {
					i := 0
					for i < len(got) && i < len(want) && got[i] == want[i] {
						i++
					}
					t.Fatalf("order differs from position %d: got %v, want %v", i, got[i:min(i+5, len(got))], want[i:min(i+5, len(want))])
				}
			})
		}
	}
}

// TestListSortTies: ties (equal values, and all the job logs without the
// field) are in ascending order of id in both directions; missing values
// come first ascending and last descending; timestamps tie when they name
// the same instant, however written.
func TestListSortTies(t *testing.T) {
	t.Parallel()
	const app = "575ec8687ae143cd83dc4a97"
	log := func(id, extra string) []byte {
		s := `{"id":"` + id + `","applicationId":"` + app + `"`
		if extra != "" {
			s += "," + extra
		}
		return []byte(s + "}")
	}
	logs := [][]byte{
		log("000000000000000000000005", `"name":"b","runQueuedAt":"2025-06-10T04:00:00.000Z"`),
		log("000000000000000000000003", `"name":"a","runQueuedAt":"2025-06-10T06:00:00.000+02:00"`),
		log("000000000000000000000004", `"name":"b","runQueuedAt":"2025-06-10T04:00:00Z"`),
		log("000000000000000000000001", ``),
		log("000000000000000000000006", `"name":"a","runQueuedAt":"2025-06-10T04:00:00.001Z"`),
		log("000000000000000000000002", ``),
	}
	s := storeOf(t, logs)
	ids := func(short string) []string {
		var out []string
		for _, c := range short {
			out = append(out, "00000000000000000000000"+string(c))
		}
		return out
	}
	for _, tc := range []struct {
		field, dir, want string
	}{
		{"name", "asc", "123645"},
		{"name", "desc", "453612"},
		{"runQueuedAt", "asc", "123456"},
		{"runQueuedAt", "desc", "634512"},
		{"status", "asc", "123456"}, // no job log has one: all tie
		{"status", "desc", "123456"},
	} {
		got, _, _ := listIDs(t, s, app, mustParams(t, tc.field, tc.dir, 0, 100, ""))
		if want := ids(tc.want); !slices.Equal(got, want) {
			t.Errorf("sort by %s %s: %v, want %v", tc.field, tc.dir, got, want)
		}
	}
}

// TestListPaging: page boundaries, and that consecutive pages of a sorted,
// filtered list together give every matching job log once, in order.
func TestListPaging(t *testing.T) {
	t.Parallel()
	const app = "575ec8687ae143cd83dc4a97"
	for _, n := range []int{0, 1, 9, 10, 11, 25} {
		logs := genJobLogs(app, 100, n, uint64(n))
		s := storeOf(t, logs)
		for _, tc := range []struct {
			page, perPage int
		}{{0, 10}, {1, 10}, {2, 10}, {3, 10}, {0, 1}, {n, 1}, {n - 1, 1}, {0, 100}, {math.MaxInt, 1}, {math.MaxInt / 2, 3}, {1, math.MaxInt}} {
			if tc.page < 0 {
				continue
			}
			t.Run(fmt.Sprintf("logs=%d/page=%d/perPage=%d", n, tc.page, tc.perPage), func(t *testing.T) {
				all := referenceOrder(t, logs, "runQueuedAt", false)
				got, total, known := listIDs(t, s, app, mustParams(t, "", "", tc.page, tc.perPage, ""))
				if known != (n > 0) || total != n {
					t.Fatalf("known %v, total %d; want %v, %d", known, total, n > 0, n)
				}
				want := []string{}
				if tc.page <= n/tc.perPage { // no overflow below
					start := tc.page * tc.perPage
					want = all[min(start, n):min(start+min(tc.perPage, n), n)]
				}
				if !slices.Equal(got, want) {
					t.Errorf("page %v, want %v", got, want)
				}
			})
		}
	}
}

func TestListPagesNeverRepeatOrSkip(t *testing.T) {
	t.Parallel()
	const app = "575ec8687ae143cd83dc4a97"
	logs := genJobLogs(app, 1, 500, 7)
	s := storeOf(t, logs)
	for _, query := range []string{``, `{"status":{"$in":["completed","errored"]}}`, `{"$or":[{"name":{"$startsWith":"archive","$ci":true}},{"resourceId":null}]}`} {
		q, err := parseQuery([]byte(query))
		if err != nil {
			t.Fatal(err)
		}
		var matching [][]byte
		for _, l := range logs {
			if q.matches(recordOf(logKey{app, "x"}, l)) {
				matching = append(matching, l)
			}
		}
		for _, field := range sortFields {
			for _, dir := range []string{"asc", "desc"} {
				want := referenceOrder(t, matching, field, dir == "desc")
				for _, perPage := range []int{1, 7, 50, 1000} {
					var got []string
					for page := 0; ; page++ {
						ids, total, _ := listIDs(t, s, app, mustParams(t, field, dir, page, perPage, query))
						if total != len(want) {
							t.Fatalf("%s %s %s: total %d, want %d", query, field, dir, total, len(want))
						}
						if len(ids) == 0 {
							break
						}
						if len(ids) > perPage {
							t.Fatalf("%d items on a page of %d", len(ids), perPage)
						}
						got = append(got, ids...)
					}
					if !slices.Equal(got, want) {
						t.Errorf("query %s, by %s %s, %d per page: the pages together differ from the sorted list", query, field, dir, perPage)
					}
				}
			}
		}
	}
}

// TestListScope: only the requested application's job logs, and whether
// it has any.
func TestListScope(t *testing.T) {
	t.Parallel()
	const a, b, none = "575ec8687ae143cd83dc4a97", "575ec8687ae143cd83dc4a98", "575ec8687ae143cd83dc4a99"
	logsA, logsB := genJobLogs(a, 1, 30, 3), genJobLogs(b, 1, 20, 4) // the same ids in both
	s := storeOf(t, logsA, logsB)
	p := mustParams(t, "", "", 0, 1000, "")
	if ids, total, known := listIDs(t, s, a, p); !known || total != 30 || len(ids) != 30 {
		t.Errorf("application a: known %v, total %d, %d items; want true, 30, 30", known, total, len(ids))
	}
	if ids, total, known := listIDs(t, s, b, p); !known || total != 20 || len(ids) != 20 {
		t.Errorf("application b: known %v, total %d, %d items; want true, 20, 20", known, total, len(ids))
	}
	items, total, known, err := s.list(none, p)
	if err != nil || known || total != 0 || items == nil || len(items) != 0 {
		t.Errorf("unknown application: %d items (nil %v), total %d, known %v, %v; want none, 0, false", len(items), items == nil, total, known, err)
	}
	// Known, though the query matches nothing.
	if ids, total, known := listIDs(t, s, a, mustParams(t, "", "", 0, 10, `{"name":"no such job"}`)); !known || total != 0 || len(ids) != 0 {
		t.Errorf("no match: known %v, total %d, %d items; want true, 0, 0", known, total, len(ids))
	}
}

// TestListItemsAreStoredBytes: items are the job logs exactly as stored
// (compacted), unknown fields included.
func TestListItemsAreStoredBytes(t *testing.T) {
	t.Parallel()
	const app = "575ec8687ae143cd83dc4a97"
	raw := `{ "id": "000000000000000000000001", "applicationId": "` + app + `", "runQueuedAt": "2025-06-10T04:00:00.000Z", "custom": {"n": 1.50} }`
	s := storeOf(t, [][]byte{[]byte(raw)})
	items, _, _, err := s.list(app, mustParams(t, "", "", 0, 1, ""))
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	_ = json.Compact(&want, []byte(raw))
	if len(items) != 1 || !bytes.Equal(items[0], want.Bytes()) {
		t.Errorf("items %q, want [%s]", items, want.Bytes())
	}
}

func TestListRefusesInvalidParams(t *testing.T) {
	t.Parallel()
	s := storeOf(t, genJobLogs("575ec8687ae143cd83dc4a97", 1, 3, 1))
	for _, p := range []listParams{
		{sortField: fieldName, perPage: 0},
		{sortField: fieldName, page: -1, perPage: 1},
		{sortField: fieldID, perPage: 1},
	} {
		if _, _, _, err := s.list("575ec8687ae143cd83dc4a97", p); err == nil {
			t.Errorf("list(%+v) succeeded", p)
		}
	}
}

// TestListFollowsChanges: the index (and its cached sort orders) follows
// PutJSON, modify (the path of Simulate), LoadFile and ExampleStore.
func TestListFollowsChanges(t *testing.T) {
	t.Parallel()
	const app = "575ec8687ae143cd83dc4a97"
	s := storeOf(t, genJobLogs(app, 1, 20, 5))
	byName := mustParams(t, "name", "desc", 0, 1, "")
	// ｚｚｚ (full width) sorts after every generated name.
	queued := mustParams(t, "", "", 0, 100, `{"status":"queued","name":"ｚｚｚ"}`)
	completed := mustParams(t, "", "", 0, 100, `{"status":"completed","name":"ｚｚｚ"}`)
	_, _, _ = listIDs(t, s, app, byName) // build the cached order
	if err := s.PutJSON([]byte(`{"id":"0000000000000000000000ff","applicationId":"` + app + `","name":"ｚｚｚ","status":"completed"}`)); err != nil {
		t.Fatal(err)
	}
	if ids, total, _ := listIDs(t, s, app, byName); total != 21 || !slices.Equal(ids, []string{"0000000000000000000000ff"}) {
		t.Errorf("after PutJSON: first by name desc %v of %d, want [0000000000000000000000ff] of 21", ids, total)
	}
	if _, total, _ := listIDs(t, s, app, completed); total != 1 {
		t.Errorf("after PutJSON: %d completed ｚｚｚ, want 1", total)
	}
	// What Simulate does first: queue the job again.
	if err := s.modify(logKey{app, "0000000000000000000000ff"}, SimulateOptions{Total: 1}.queue); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := listIDs(t, s, app, completed); total != 0 {
		t.Errorf("after modify: %d completed ｚｚｚ, want 0", total)
	}
	if _, total, _ := listIDs(t, s, app, queued); total != 1 {
		t.Errorf("after modify: %d queued ｚｚｚ, want 1", total)
	}

	// A file.
	path := filepath.Join(t.TempDir(), "logs.json")
	if err := os.WriteFile(path, []byte("["+string(bytes.Join(genJobLogs(app, 1, 40, 6), []byte(",")))+"]"), 0o600); err != nil {
		t.Fatal(err)
	}
	fs, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, total, known := listIDs(t, fs, app, mustParams(t, "", "", 0, 1, "")); !known || total != 40 {
		t.Errorf("LoadFile: known %v, total %d; want true, 40", known, total)
	}

	es, err := ExampleStore()
	if err != nil {
		t.Fatal(err)
	}
	logs := es.List()
	if len(logs) == 0 {
		t.Fatal("no examples")
	}
	l := logs[0]
	ids, total, known := listIDs(t, es, *l.ApplicationID, mustParams(t, "", "", 0, 10, `{"status":"`+string(*l.Status)+`"}`))
	if !known || total != 1 || !slices.Equal(ids, []string{*l.ID}) {
		t.Errorf("ExampleStore: %v of %d (known %v), want [%s] of 1", ids, total, known, *l.ID)
	}
}

// TestListConcurrent is for the race detector: lists (building cached sort
// orders) while job logs change.
func TestListConcurrent(t *testing.T) {
	t.Parallel()
	const app = "575ec8687ae143cd83dc4a97"
	logs, more := genJobLogs(app, 1, 200, 8), genJobLogs(app, 150, 100, 9) // more replaces some, adds others
	s := storeOf(t, logs)
	ids := map[string]bool{}
	for _, l := range slices.Concat(logs, more) {
		var v struct{ ID string }
		_ = json.Unmarshal(l, &v)
		ids[v.ID] = true
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 25 {
				if err := s.PutJSON(more[i*25+j]); err != nil {
					t.Error(err)
					return
				}
			}
		})
		wg.Go(func() {
			for j := range 25 {
				p, _ := newListParams(sortFields[(i+j)%len(sortFields)], "desc", j%3, 20, `{"status":{"$ne":"queued"}}`)
				if _, _, _, err := s.list(app, p); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if _, total, _ := listIDs(t, s, app, mustParams(t, "", "", 0, 1, "")); total != len(ids) {
		t.Errorf("total %d, want %d", total, len(ids))
	}
}

// TestGeneratedJobLogsAreValid: every generated job log passes the Store's
// check (so the benchmarks, which skip it, use valid data).
func TestGeneratedJobLogsAreValid(t *testing.T) {
	t.Parallel()
	for i, l := range genJobLogs("575ec8687ae143cd83dc4a97", 1, 2000, 11) {
		if _, err := checkRecord(l); err != nil {
			t.Fatalf("generated job log %d: %v\n%s", i, err, l)
		}
	}
}

// benchLogs is how many job logs the benchmarks use: 100,000, or 10,000
// under the race detector, where CI runs every benchmark once only to keep
// it working and 100,000 would take it most of a minute.
var benchLogs = sync.OnceValue(func() int {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return 10_000
			}
		}
	}
	return 100_000
})

// bench100k is a Store of benchLogs() generated job logs of one
// application, built once for the benchmarks without the schema check
// (which TestGeneratedJobLogsAreValid covers).
var bench100k = sync.OnceValue(func() *Store {
	s := NewStore()
	for _, l := range genJobLogs(benchApp, 1, benchLogs(), 42) {
		var v struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(l, &v)
		s.set(recordOf(logKey{benchApp, v.ID}, l))
	}
	return s
})

const benchApp = "575ec8687ae143cd83dc4a97"

// BenchmarkStoreList100k lists one page of 100 from 100,000 job logs
// (benchLogs).
// "warm" is the usual case, the sort order cached; "cold" changes a job
// log before each list, so each list sorts again.
func BenchmarkStoreList100k(b *testing.B) {
	s := bench100k()
	for _, bc := range []struct {
		name, field, dir, query string
		page                    int
	}{
		{"warm/all", "", "", "", 0},
		{"warm/all/desc/last-page", "name", "desc", "", benchLogs()/100 - 1},
		{"warm/query=status-in", "status", "asc", `{"status":{"$in":["errored","failed","completed"]}}`, 3},
		{"warm/query=or-ci-time", "runCompletedAt", "desc", `{"$or":[{"name":{"$startsWith":"archive","$ci":true}},{"runQueuedAt":{"$gte":"2025-06-10T04:10:00Z","$lt":1749528900000}}],"resourceId":{"$ne":null}}`, 2},
		{"cold/all", "runQueuedAt", "asc", "", 0},
		{"cold/query=status-in/name", "name", "asc", `{"status":{"$in":["errored","failed","completed"]}}`, 0},
	} {
		p, err := newListParams(bc.field, bc.dir, bc.page, 100, bc.query)
		if err != nil {
			b.Fatal(err)
		}
		cold := strings.HasPrefix(bc.name, "cold")
		b.Run(bc.name, func(b *testing.B) {
			var last *logRecord
			s.mu.RLock()
			a := s.apps[benchApp]
			last = a.recs[len(a.recs)-1]
			s.mu.RUnlock()
			_, _, _, _ = s.list(benchApp, p) // build the order
			for b.Loop() {
				if cold {
					s.mu.Lock()
					s.set(last)
					s.mu.Unlock()
				}
				items, total, _, err := s.list(benchApp, p)
				if err != nil || total == 0 || len(items) == 0 {
					b.Fatalf("%d items of %d, %v", len(items), total, err)
				}
			}
		})
	}
}

// BenchmarkLoadFile100k loads a file of 100,000 generated job logs (34 MB;
// benchLogs), checking each against openapi.yaml.
func BenchmarkLoadFile100k(b *testing.B) {
	n := benchLogs()
	path := filepath.Join(b.TempDir(), "logs.json")
	data := append(append([]byte("["), bytes.Join(genJobLogs(benchApp, 1, n, 42), []byte(","))...), ']')
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s, err := LoadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.logs) != n {
			b.Fatalf("%d job logs", len(s.logs))
		}
	}
}

// TestLoadReportsTheFirstProblem: entries are checked in parallel, but the
// problem reported is still the first in the file's order, whether an
// invalid entry or a repeated key, and nothing is stored.
func TestLoadReportsTheFirstProblem(t *testing.T) {
	t.Parallel()
	const app = "575ec8687ae143cd83dc4a97"
	bad := []byte(`{"id":"000000000000000000000001","applicationId":"` + app + `","status":"cancelled"}`)
	for _, tc := range []struct {
		name  string
		edit  func(logs [][]byte)
		index int
		want  string
	}{
		{"two invalid", func(l [][]byte) { l[600], l[61] = bad, bad }, 61, "at /status"},
		{"invalid last", func(l [][]byte) { l[len(l)-1] = bad }, 999, "at /status"},
		{"repeat before invalid", func(l [][]byte) { l[100], l[120] = l[3], bad }, 100, "entry [3] has the same applicationId and id"},
		{"invalid before repeat", func(l [][]byte) { l[100], l[90] = l[3], bad }, 90, "at /status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := genJobLogs(app, 1000, 1000, 12)
			tc.edit(logs)
			s := NewStore()
			data := append(append([]byte("["), bytes.Join(logs, []byte(","))...), ']')
			err := s.load("logs.json", data)
			var le *LoadError
			if !errors.As(err, &le) || le.Index != tc.index || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("load: %v; want a *LoadError at entry %d mentioning %q", err, tc.index, tc.want)
			}
			if len(s.logs) != 0 || len(s.apps) != 0 {
				t.Errorf("%d job logs stored (%d applications indexed) after a failed load", len(s.logs), len(s.apps))
			}
		})
	}
}
