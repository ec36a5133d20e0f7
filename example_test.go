package losant_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	losant "github.com/losant-go/losant-go"
)

// exampleServer stands in for api.losant.com in these examples: it knows
// one job log, which completes on the third poll.
func exampleServer() *httptest.Server {
	var polls atomic.Int64
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"type":"NotFound","message":"Application job log was not found"}`)
			return
		}
		done := min(polls.Add(1)*50, 100)
		status := "inProgress"
		if done == 100 {
			status = "completed"
		}
		fmt.Fprintf(w, `{"id":"575ec76c7ae143cd83dc4a96","name":"ArchiveData","status":%q,
			"runQueuedAt":"2025-06-10T04:00:00.000Z","progress":{"completed":%d,"total":100},
			"output":{"downloadUrls":["https://files.example.com/archive.csv.gz"],"written":123456789}}`, status, done)
	}))
}

func ExampleNewClient() {
	client, err := losant.NewClient(
		losant.WithToken("my-api-token"), // an API token from Losant
		losant.WithUserAgent("jobwatch/1.0"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client.BaseURL())
	// Output: https://api.losant.com/
}

func ExampleApplicationJobLogService_Get() {
	srv := exampleServer()
	defer srv.Close()

	client, err := losant.NewClient(losant.WithToken("my-api-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	log, err := client.ApplicationJobLog.Get(context.Background(), "575ec8687ae143cd83dc4a97", "575ec76c7ae143cd83dc4a96")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(log.GetName(), log.GetStatus(), log.GetProgress().GetCompleted(), "of", log.GetProgress().GetTotal())
	fmt.Println("queued at", log.RunQueuedAt.Format(time.RFC3339Nano))
	// Output:
	// ArchiveData inProgress 50 of 100
	// queued at 2025-06-10T04:00:00Z
}

func ExampleApplicationJobLogService_Wait() {
	srv := exampleServer()
	defer srv.Close()
	client, err := losant.NewClient(losant.WithToken("my-api-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	// The context is the only deadline.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log, err := client.ApplicationJobLog.Wait(ctx, "575ec8687ae143cd83dc4a97", "575ec76c7ae143cd83dc4a96",
		losant.WithPollInterval(10*time.Millisecond),
		losant.WithProgress(func(l *losant.ApplicationJobLog) {
			fmt.Printf("%s %.0f%%\n", l.GetStatus(), l.GetProgress().GetCompleted())
		}))
	var failed *losant.JobFailedError
	switch {
	case errors.As(err, &failed):
		fmt.Println("job failed:", failed.Name, failed.Message)
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Printf("%s: %.0f rows\n", log.GetStatus(), log.GetOutput().GetWritten())
		for _, url := range log.GetOutput().GetDownloadURLs() {
			fmt.Println(url)
		}
	}
	// Output:
	// inProgress 50%
	// completed 100%
	// completed: 123456789 rows
	// https://files.example.com/archive.csv.gz
}

// Errors are typed: match a status with errors.Is, read Losant's error
// with errors.As.
func ExampleAPIError() {
	srv := exampleServer()
	defer srv.Close()
	client, err := losant.NewClient(losant.WithToken("my-api-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	_, err = client.ApplicationJobLog.Get(context.Background(), "575ec8687ae143cd83dc4a97", "575ec8687ae143cd83dc4a98")
	var apiErr *losant.APIError
	if errors.Is(err, losant.ErrNotFound) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Type, apiErr.Message)
	}

	_, err = client.ApplicationJobLog.Get(context.Background(), "../me", "575ec8687ae143cd83dc4a98")
	fmt.Println(errors.Is(err, losant.ErrInvalidArgument))
	// Output:
	// 404 NotFound Application job log was not found
	// true
}
