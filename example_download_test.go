package losant_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	losant "github.com/losant-go/losant-go"
)

// exportServer stands in for api.losant.com and a storage host: it knows
// one export job, which completes on the second poll with a pre-signed URL
// of its zip, served by the same server without a token.
func exportServer() *httptest.Server {
	zip := []byte(strings.Repeat("PK\x03\x04 not really a zip ", 1000))
	var polls atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/files/export.zip":
			if r.Header.Get("Authorization") != "" || r.URL.Query().Get("signature") != "abc123" {
				http.Error(w, "refused", http.StatusForbidden)
				return
			}
			http.ServeContent(w, r, "export.zip", time.Time{}, strings.NewReader(string(zip)))
		case r.URL.Path == "/applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96":
			status := "inProgress"
			if polls.Add(1) >= 2 {
				status = "completed"
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"575ec76c7ae143cd83dc4a96","name":"ApplicationExport","status":%q,
				"output":{"downloadUrls":[%q]}}`, status, srv.URL+"/files/export.zip?signature=abc123")
		default:
			http.NotFound(w, r)
		}
	}))
	return srv
}

// A job started earlier (by this program, another one, or the CLI) is
// followed to its end and its zip saved, in one call.
func ExampleJob_DownloadOutputFile() {
	srv := exportServer()
	defer srv.Close()
	client, err := losant.NewClient(losant.WithToken("my-api-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	job, err := client.ParseJob("applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96")
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "export")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "export.zip")

	n, err := job.DownloadOutputFile(context.Background(), path,
		losant.WithWait(losant.WithPollInterval(10*time.Millisecond), losant.WithProgress(func(log *losant.ApplicationJobLog) {
			fmt.Println("job", log.GetStatus())
		})))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("saved", n, "bytes")

	// A second call refuses to replace the file, before asking anything.
	_, err = job.DownloadOutputFile(context.Background(), path)
	fmt.Println(strings.Replace(err.Error(), path, "export.zip", 1))
	// Output:
	// job inProgress
	// job completed
	// saved 22000 bytes
	// losant: download to export.zip: file already exists (pass WithOverwrite to replace it)
}

// Download takes any URL of a finished job's output: it sends no token and
// resumes a cut transfer.
func ExampleClient_Download() {
	srv := exportServer()
	defer srv.Close()
	client, err := losant.NewClient(losant.WithToken("my-api-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	job, err := client.Job("575ec8687ae143cd83dc4a97", "575ec76c7ae143cd83dc4a96")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("saved as", job) // a Job's Name: save it, ParseJob reads it back
	log, err := job.Wait(context.Background(), losant.WithPollInterval(10*time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	url, err := losant.OutputURL(log)
	if err != nil {
		fmt.Println(err)
		return
	}
	var zip strings.Builder
	var total int64
	n, err := client.Download(context.Background(), url, &zip,
		losant.WithDownloadProgress(func(_, size int64) { total = size }))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(n, "of", total, "bytes; starts with", zip.String()[:4] == "PK\x03\x04")

	// Errors never show the URL's query, where its signature is.
	_, err = client.Download(context.Background(), strings.Replace(url, "abc123", "wrong", 1), &zip)
	fmt.Println(strings.Replace(err.Error(), srv.URL, "https://storage.example.com", 1))
	// Output:
	// saved as applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96
	// 22000 of 22000 bytes; starts with true
	// losant: GET https://storage.example.com/files/export.zip?[REDACTED]: 403 Forbidden: body: "refused"
}
