package losant_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// exampleListServer is the local API (package api) holding three job logs
// of one application.
func exampleListServer() *httptest.Server {
	store := api.NewStore()
	for i, status := range []string{"completed", "failed", "errored"} {
		log := fmt.Sprintf(`{"id":"64b000000000000000000%03d","applicationId":"575ec8687ae143cd83dc4a97","name":"ApplicationExport",`+
			`"status":%q,"runQueuedAt":"2025-06-1%dT04:00:00.000Z"}`, i, status, i)
		if err := store.PutJSON([]byte(log)); err != nil {
			panic(err)
		}
	}
	h, err := api.NewHandler(api.Options{Store: store})
	if err != nil {
		panic(err)
	}
	return httptest.NewServer(h)
}

func ExampleApplicationJobLogService_All() {
	srv := exampleListServer()
	defer srv.Close()
	client, err := losant.NewClient(losant.WithToken("my-api-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	// Which exports did not complete? Newest first, fetched page by page.
	params := &losant.ApplicationJobLogListParams{
		Query:         losant.NewJobLogQuery().Name("ApplicationExport").Status(losant.ApplicationJobLogStatusErrored, losant.ApplicationJobLogStatusFailed),
		SortDirection: losant.SortDirectionDesc,
	}
	for log, err := range client.ApplicationJobLog.All(context.Background(), "575ec8687ae143cd83dc4a97", params) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(log.GetID(), log.GetStatus(), log.GetRunQueuedAt().Format("2006-01-02"))
	}
	// Output:
	// 64b000000000000000000002 errored 2025-06-12
	// 64b000000000000000000001 failed 2025-06-11
}

func ExampleApplicationJobLogService_List() {
	srv := exampleListServer()
	defer srv.Close()
	client, err := losant.NewClient(losant.WithToken("my-api-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()

	page, err := client.ApplicationJobLog.List(context.Background(), "575ec8687ae143cd83dc4a97",
		&losant.ApplicationJobLogListParams{PerPage: 2, SortField: losant.ApplicationJobLogSortFieldStatus})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("page %d: %d of %d\n", page.GetPage(), page.GetCount(), page.GetTotalCount())
	for _, log := range page.GetItems() {
		fmt.Println(log.GetStatus())
	}
	// Output:
	// page 0: 2 of 3
	// completed
	// errored
}

func ExampleJobLogQuery() {
	q := losant.AnyOf(
		losant.NewJobLogQuery().Status(losant.ApplicationJobLogStatusQueued, losant.ApplicationJobLogStatusInProgress),
		losant.NewJobLogQuery().Name("ArchiveData").Where("runCompletedAt", "$gte", "2025-06-01T00:00:00.000Z"),
	)
	fmt.Println(q)
	// Output: {"$or":[{"status":{"$in":["queued","inProgress"]}},{"name":"ArchiveData","runCompletedAt":{"$gte":"2025-06-01T00:00:00.000Z"}}]}
}
