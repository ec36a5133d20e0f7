package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/losant-go/losant-go/api"
)

// listLog is a job log of testApp for the list tests, as JSON. Its extra
// field and its timestamps' spelling must survive -o json and jsonl.
func listLog(i int, name, status string) string {
	return fmt.Sprintf(`{"id":"%024x","applicationId":%q,"name":%q,"status":%q,`+
		`"runQueuedAt":"2025-06-10T04:%02d:00.100Z","runStartedAt":"2025-06-10T04:%02d:01.000Z",`+
		`"runCompletedAt":"2025-06-10T04:%02d:31.000Z","progress":{"completed":%d,"total":10},"extraField":"kept-%d"}`,
		i+1, testApp, name, status, i, i, i, i%11, i)
}

// newListAPI serves the local API over loopback with n job logs of
// testApp (names and statuses cycling), counting the requests it gets.
func newListAPI(t *testing.T, n int) (base string, requests *atomic.Int64) {
	t.Helper()
	store := api.NewStore()
	names := []string{"ArchiveData", "ApplicationExport", "DataTableImport"}
	statuses := []string{"completed", "failed", "errored", "inProgress", "queued"}
	for i := range n {
		if err := store.PutJSON([]byte(listLog(i, names[i%len(names)], statuses[i%len(statuses)]))); err != nil {
			t.Fatal(err)
		}
	}
	h, err := api.NewHandler(api.Options{Store: store, Tokens: map[string][]string{testToken: nil}})
	if err != nil {
		t.Fatal(err)
	}
	requests = new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, requests
}

func runList(t *testing.T, base string, args ...string) result {
	t.Helper()
	return runCLI(t, tokenEnv(base), append([]string{"joblog", "list", "--app", testApp}, args...)...)
}

func TestJoblogListTable(t *testing.T) {
	t.Parallel()
	base, requests := newListAPI(t, 7)
	r := runList(t, base, "--page-size", "3")
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 8 {
		t.Fatalf("want a header and 7 rows:\n%s", r.stdout)
	}
	for _, h := range []string{"ID", "NAME", "STATUS", "PROGRESS", "QUEUED AT", "DURATION"} {
		if !strings.Contains(lines[0], h) {
			t.Errorf("header %q lacks %s", lines[0], h)
		}
	}
	want := []string{fmt.Sprintf("%024x", 1), "ArchiveData", "completed", "0%", "2025-06-10 04:00:00", "30s"}
	if got := strings.Fields(lines[1]); !slices.Equal(got[:2], want[:2]) || got[2] != want[2] || got[3] != want[3] ||
		got[4]+" "+got[5] != want[4] || got[6] != want[5] {
		t.Errorf("first row %q, want %v", lines[1], want)
	}
	for _, l := range lines {
		if len([]rune(l)) > 100 {
			t.Errorf("row wider than 100 columns: %q", l)
		}
	}
	// Columns line up across pages.
	at := strings.Index(lines[0], "STATUS")
	for _, l := range lines[1:] {
		if l[at-2:at] != "  " || l[at] == ' ' {
			t.Errorf("row %q is not aligned with the header", l)
		}
	}
	if n := requests.Load(); n != 3 {
		t.Errorf("%d requests for 7 logs in pages of 3, want 3", n)
	}

	// Nothing matches: a message, not an empty table.
	r = runList(t, base, "--name", "NoSuchJob")
	if r.code != ExitOK || !strings.Contains(r.stdout, "No job logs match") {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestJoblogListTruncatesNames(t *testing.T) {
	t.Parallel()
	if got := truncate("ApplicationExportWithAVeryLongName", colName); len([]rune(got)) != colName || !strings.HasSuffix(got, "…") {
		t.Errorf("truncate gave %q", got)
	}
	if got := truncate("Short", colName); got != "Short" {
		t.Errorf("truncate gave %q", got)
	}
}

func TestJoblogListJSON(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 4, 5} { // empty, one, exactly one page of 4, one page plus one
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			// The local API answers 404 for an application without job
			// logs: for none, hold some and select none of them.
			held := n
			if n == 0 {
				held = 2 // completed, failed
			}
			base, _ := newListAPI(t, held)
			args := []string{"-o", "json", "--page-size", "4"}
			if n == 0 {
				args = append(args, "--status", "queued")
			}
			r := runList(t, base, args...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var logs []json.RawMessage
			if err := json.Unmarshal([]byte(r.stdout), &logs); err != nil {
				t.Fatalf("stdout is not one JSON array: %v\n%s", err, r.stdout)
			}
			if len(logs) != n {
				t.Fatalf("%d job logs, want %d", len(logs), n)
			}
			for i, raw := range logs {
				var got, want map[string]any
				_ = json.Unmarshal(raw, &got)
				_ = json.Unmarshal([]byte(listLog(i, "", "")), &want)
				if got["extraField"] != want["extraField"] || got["runQueuedAt"] != want["runQueuedAt"] || got["id"] != want["id"] {
					t.Errorf("log %d is not as the API sent it: %s", i, raw)
				}
			}
		})
	}
}

func TestJoblogListJSONL(t *testing.T) {
	t.Parallel()
	base, requests := newListAPI(t, 5)
	r := runList(t, base, "-o", "jsonl", "--page-size", "2", "--order", "desc")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 lines:\n%s", r.stdout)
	}
	for i, l := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("line %d is not a JSON object: %v: %q", i+1, err, l)
		}
		if want := fmt.Sprintf("kept-%d", 4-i); obj["extraField"] != want {
			t.Errorf("line %d: extraField %v, want %s (descending order)", i+1, obj["extraField"], want)
		}
		if !strings.Contains(l, `"runQueuedAt":"2025-06-10T04:0`) || !strings.Contains(l, `.100Z"`) {
			t.Errorf("line %d: timestamp not as sent: %s", i+1, l)
		}
	}
	if n := requests.Load(); n != 3 {
		t.Errorf("%d requests, want 3 pages", n)
	}
}

func TestJoblogListLimit(t *testing.T) {
	t.Parallel()
	base, requests := newListAPI(t, 20)
	r := runList(t, base, "-o", "jsonl", "--limit", "7", "--page-size", "5")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, "\n"); n != 7 {
		t.Errorf("%d lines, want 7:\n%s", n, r.stdout)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests for 7 logs in pages of 5, want 2", n)
	}
	// A limit below the page size asks for no more than it needs.
	r = runList(t, base, "-o", "json", "--limit", "3")
	var logs []json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &logs); err != nil || len(logs) != 3 {
		t.Errorf("want 3 logs (%v):\n%s", err, r.stdout)
	}
	if n := requests.Load(); n != 3 {
		t.Errorf("%d requests in all, want 3", n)
	}
}

func TestJoblogListFilters(t *testing.T) {
	t.Parallel()
	// 30 logs: names cycle with period 3, statuses with period 5.
	base, _ := newListAPI(t, 30)
	tests := []struct {
		name string
		args []string
		want func(i int) bool
	}{
		{"status", []string{"--status", "failed,errored"}, func(i int) bool { return i%5 == 1 || i%5 == 2 }},
		{"status repeated", []string{"--status", "failed", "--status", "errored"}, func(i int) bool { return i%5 == 1 || i%5 == 2 }},
		{"name", []string{"--name", "ApplicationExport"}, func(i int) bool { return i%3 == 1 }},
		{"status and name", []string{"--status", "failed", "--name", "ApplicationExport"}, func(i int) bool { return i%5 == 1 && i%3 == 1 }},
		{
			"status, name and query", []string{"--status", "failed,completed", "--name", "ApplicationExport", "--query", `{"runQueuedAt":{"$gte":"2025-06-10T04:10:00.000Z"}}`},
			func(i int) bool { return (i%5 == 1 || i%5 == 0) && i%3 == 1 && i >= 10 },
		},
		{"query alone", []string{"--query", `{"name":{"$startsWith":"data","$ci":true}}`}, func(i int) bool { return i%3 == 2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runList(t, base, append([]string{"-o", "jsonl", "--page-size", "4"}, tt.args...)...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var got, want []string
			for l := range strings.SplitSeq(strings.TrimSuffix(r.stdout, "\n"), "\n") {
				var obj struct{ ExtraField string }
				if l != "" {
					_ = json.Unmarshal([]byte(l), &obj)
					got = append(got, obj.ExtraField)
				}
			}
			for i := range 30 {
				if tt.want(i) {
					want = append(want, fmt.Sprintf("kept-%d", i))
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v\nwant %v", got, want)
			}
		})
	}
}

// TestJoblogListUsage checks that bad input is refused with exit code 2,
// a message naming the flag, and no request sent.
func TestJoblogListUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		flag string
	}{
		{"sort", []string{"--app", testApp, "--sort", "createdAt"}, "--sort"},
		{"order", []string{"--app", testApp, "--order", "up"}, "--order"},
		{"page size 0", []string{"--app", testApp, "--page-size", "0"}, "--page-size"},
		{"page size too big", []string{"--app", testApp, "--page-size", "1001"}, "--page-size"},
		{"negative limit", []string{"--app", testApp, "--limit", "-1"}, "--limit"},
		{"invalid app", []string{"--app", "not-an-id"}, "--app"},
		{"missing app", nil, "app"},
		{"status", []string{"--app", testApp, "--status", "done"}, "--status"},
		{"query not JSON", []string{"--app", testApp, "--query", "{name:"}, "--query"},
		{"query not an object", []string{"--app", testApp, "--query", "[1]"}, "--query"},
		{"query unknown field", []string{"--app", testApp, "--query", `{"colour":"red"}`}, "--query"},
		{"query unknown operator", []string{"--app", testApp, "--query", `{"name":{"$like":"x"}}`}, "--query"},
		{"query unknown operator with status", []string{"--app", testApp, "--status", "failed", "--query", `{"name":{"$like":"x"}}`}, "--query"},
		{"output", []string{"--app", testApp, "-o", "yaml"}, "output"},
		{"argument", []string{"--app", testApp, "extra"}, "extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base, requests := newListAPI(t, 3)
			r := runCLI(t, tokenEnv(base), append([]string{"joblog", "list"}, tt.args...)...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, ExitUsage, r.stdout, r.stderr)
			}
			assertOneLine(t, r.stderr, tt.flag)
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			if n := requests.Load(); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

// TestJoblogListQueryErrors: a --query that breaks a rule of the query
// language exits 2 before any request, with a message that points at the
// mistake in the text the user wrote and names no Go type.
func TestJoblogListQueryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"not an object", []string{"--query", "[]"}, []string{"invalid --query: must be a JSON object, got an array"}},
		{"null", []string{"--query", "null"}, []string{"invalid --query: must be a JSON object, got null"}},
		{"not JSON", []string{"--query", `{"name":`}, []string{"invalid --query: not JSON"}},
		{"not JSON with status", []string{"--status", "failed", "--query", `{name:1}`}, []string{"invalid --query: not JSON: invalid character 'n'"}},
		{"unknown operator", []string{"--query", `{"name":{"$regex":"A.*"}}`},
			[]string{`name: unknown operator "$regex"`, "$startsWith"}},
		{"unknown operator beside status", []string{"--status", "failed", "--query", `{"$or":[{"name":{"$regex":"A"}}]}`},
			[]string{`invalid --query: $or[0].name: unknown operator "$regex"`}},
		{"status not a status", []string{"--query", `{"status":"done"}`},
			[]string{`status: "done" is not one of queued, inProgress, completed, errored, failed`}},
		{"status in $in", []string{"--query", `{"status":{"$in":["failed","done"]}}`}, []string{`status.$in[1]: "done" is not one of`}},
		{"resource type", []string{"--query", `{"resourceType":"devices"}`}, []string{`resourceType: "devices" is not one of application,`}},
		{"date not a date", []string{"--query", `{"runQueuedAt":{"$gte":"yesterday"}}`},
			[]string{`runQueuedAt.$gte: "yesterday" is not a date`, "RFC 3339"}},
		{"nested too deep", []string{"--query", strings.Repeat(`{"$and":[`, 17) + `{}` + strings.Repeat(`]}`, 17)},
			[]string{"queries nested more than 16 levels deep"}},
		{"too many", []string{"--query", `{"status":{"$in":[` + strings.TrimSuffix(strings.Repeat(`"queued",`, 101), ",") + `]}}`},
			[]string{"status.$in: has 101 items, at most 100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			base, requests := newListAPI(t, 3)
			r := runCLI(t, tokenEnv(base), append([]string{"joblog", "list", "--app", testApp}, tt.args...)...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want %d\nstderr: %s", r.code, ExitUsage, r.stderr)
			}
			assertOneLine(t, r.stderr, tt.wants...)
			for _, goType := range []string{"map[", "Go value", "Go struct", "json.RawMessage", "losant.", "MarshalJSON"} {
				if strings.Contains(r.stderr, goType) {
					t.Errorf("stderr names a Go type (%s): %s", goType, r.stderr)
				}
			}
			if n := requests.Load(); n != 0 {
				t.Errorf("%d requests sent, want none", n)
			}
		})
	}
}

// TestJoblogListQueryNestedTen: $and nested 10 deep, which the SDK once
// refused as "more than 32 levels", is sent and answered.
func TestJoblogListQueryNestedTen(t *testing.T) {
	t.Parallel()
	base, requests := newListAPI(t, 3)
	q := strings.Repeat(`{"$and":[`, 10) + `{"name":{"$ne":null}}` + strings.Repeat(`]}`, 10)
	r := runCLI(t, tokenEnv(base), "joblog", "list", "--app", testApp, "--query", q, "-o", "jsonl")
	if r.code != ExitOK || requests.Load() == 0 {
		t.Fatalf("exit %d after %d requests\nstderr: %s", r.code, requests.Load(), r.stderr)
	}
}

// TestJoblogListFailure checks an API failure: exit 1, one line, and
// what was printed before it stays valid.
func TestJoblogListFailure(t *testing.T) {
	t.Parallel()
	page := func(ids ...int) string {
		var items []string
		for _, i := range ids {
			items = append(items, listLog(i, "ArchiveData", "completed"))
		}
		return fmt.Sprintf(`{"items":[%s],"count":%d,"totalCount":4}`, strings.Join(items, ","), len(ids))
	}
	f := newFakeAPI(t, func(call int, w http.ResponseWriter, _ *http.Request) {
		if call == 0 {
			writeJSONBody(w, http.StatusOK, page(0, 1))
			return
		}
		writeJSONBody(w, http.StatusNotFound, `{"type":"NotFound","message":"Application was not found"}`)
	})
	r := runCLI(t, tokenEnv(f.URL), "joblog", "list", "--app", testApp, "--page-size", "2", "-o", "json")
	if r.code != ExitFailure {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertOneLine(t, r.stderr, "404")
	var logs []json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &logs); err != nil || len(logs) != 2 {
		t.Errorf("stdout is not the array of the first page (%v):\n%s", err, r.stdout)
	}
}

// TestJoblogListSkipsRepeats checks that a log pushed onto the next page
// by a new job is not printed twice.
func TestJoblogListSkipsRepeats(t *testing.T) {
	t.Parallel()
	page := func(ids ...int) string {
		var items []string
		for _, i := range ids {
			items = append(items, listLog(i, "ArchiveData", "completed"))
		}
		return fmt.Sprintf(`{"items":[%s],"count":%d}`, strings.Join(items, ","), len(ids))
	}
	f := newFakeAPI(t, sequence(page(9, 8), page(8, 7), page(6)))
	r := runCLI(t, tokenEnv(f.URL), "joblog", "list", "--app", testApp, "--page-size", "2", "-o", "jsonl")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := strings.Count(r.stdout, `"extraField":"kept-8"`); n != 1 || strings.Count(r.stdout, "\n") != 4 {
		t.Errorf("want 4 logs, kept-8 once:\n%s", r.stdout)
	}
}

func TestJoblogListCompletion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag, typed string
		want        []string
	}{
		{"--sort", "", []string{"name", "status", "resourceType", "runQueuedAt", "runStartedAt", "runCompletedAt"}},
		{"--order", "", []string{"asc", "desc"}},
		{"--status", "", []string{"queued", "inProgress", "completed", "errored", "failed"}},
		{"--status", "failed,", []string{"failed,queued", "failed,inProgress", "failed,completed", "failed,errored"}},
		{"-o", "", []string{"table", "json", "jsonl"}},
	}
	for _, tt := range tests {
		t.Run(tt.flag+"="+tt.typed, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, nil, "__complete", "joblog", "list", "--app", testApp, tt.flag, tt.typed)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var got []string
			for l := range strings.SplitSeq(strings.TrimSuffix(r.stdout, "\n"), "\n") {
				if !strings.HasPrefix(l, ":") {
					got = append(got, l)
				}
			}
			// The shell filters by what is typed; the values must all be there.
			if !slices.Equal(got, tt.want) {
				t.Errorf("completions %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJoblogListHelpDefaults(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "joblog", "list", "--help")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, w := range []string{`(default "runQueuedAt")`, `(default "asc")`, "(default 100)", "(default 0: every match)", "(default table)", "(default: any status)"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("--help does not document %s", w)
		}
	}
}
