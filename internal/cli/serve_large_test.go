package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeDataOf100000 writes a --data file of 100,000 job logs (issue
// 10), serves it, and lists through it with the CLI: the whole file loads,
// the list counts every log, and pages deep into it answer.
func TestServeDataOf100000(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and loads 100,000 job logs; skipped with -short")
	}
	const total = 100_000
	file := filepath.Join(t.TempDir(), "joblogs.json")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	statuses := []string{"queued", "inProgress", "completed", "errored", "failed"}
	base := time.Date(2025, 6, 10, 0, 0, 0, 0, time.UTC)
	w.WriteString("[")
	for i := range total {
		if i > 0 {
			w.WriteString(",")
		}
		fmt.Fprintf(w, `{"id":"%024x","applicationId":%q,"name":"Job%d","status":%q,"runQueuedAt":%q,"progress":{"completed":%d,"total":100}}`,
			i+1, exampleApp, i%7, statuses[i%5], base.Add(time.Duration(i)*time.Second).Format("2006-01-02T15:04:05.000Z"), i%100)
	}
	w.WriteString("]")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	s := startServe(t, "--listen", "127.0.0.1:0", "--data", file)
	code, body := getStatus(t, s.url+"/applications/"+exampleApp+"/jobLogs?perPage=1", "any")
	if code != 200 || !strings.Contains(body, fmt.Sprintf(`"totalCount":%d`, total)) {
		t.Fatalf("list: %d %.300s", code, body)
	}
	code, body = getStatus(t, s.url+"/applications/"+exampleApp+"/jobLogs?perPage=2&page=49999&sortDirection=desc", "any")
	if code != 200 || !strings.Contains(body, fmt.Sprintf(`"id":"%024x"`, 1)) {
		t.Errorf("last page, newest first: %d %.300s", code, body)
	}
	r := runCLI(t, tokenEnv(s.url), "joblog", "list", "--app", exampleApp, "--status", "failed", "--name", "Job4", "--limit", "3", "-o", "jsonl")
	if r.code != ExitOK || strings.Count(r.stdout, "\n") != 3 {
		t.Errorf("joblog list on 100,000 logs: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if code := s.stop(t); code != ExitOK {
		t.Errorf("exit %d: %s", code, s.stderr.String())
	}
}
