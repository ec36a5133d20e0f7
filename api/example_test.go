package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// Run the local API inside a test with httptest, and point the SDK at it.
func ExampleNewHandler() {
	store, err := api.ExampleStore() // the job logs openapi.yaml gives as examples
	if err != nil {
		panic(err)
	}
	h, err := api.NewHandler(api.Options{
		Store:  store,
		Tokens: map[string][]string{"test-token": {"applicationJobLog.get"}},
	})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	client, err := losant.NewClient(losant.WithToken("test-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	example := store.List()[0]
	log, err := client.ApplicationJobLog.Get(ctx, *example.ApplicationID, *example.ID)
	if err != nil {
		panic(err)
	}
	fmt.Println(log.GetName(), log.GetStatus(), log.GetProgress().GetCompleted(), "of", log.GetProgress().GetTotal())

	_, err = client.ApplicationJobLog.Get(ctx, *example.ApplicationID, "000000000000000000000000")
	fmt.Println(errors.Is(err, losant.ErrNotFound))
	// Output:
	// ArchiveData completed 100 of 100
	// true
}

// Simulate a job that fails, and watch it in the store.
func ExampleStore_Simulate() {
	store := api.NewStore()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // stops the simulation if it is still running

	job, err := store.Simulate(ctx, api.SimulateOptions{
		Duration: 50 * time.Millisecond,
		Steps:    4,
		Outcome:  losant.ApplicationJobLogStatusErrored,
	})
	if err != nil {
		panic(err)
	}
	log, _ := store.Get(job.ApplicationID, job.JobID)
	fmt.Println(log.GetStatus(), log.GetProgress().GetCompleted(), "of", log.GetProgress().GetTotal())

	if err := job.Wait(); err != nil {
		panic(err)
	}
	log, _ = store.Get(job.ApplicationID, job.JobID)
	fmt.Println(log.GetStatus(), log.GetError().GetName())
	// Output:
	// queued 0 of 100
	// errored SimulatedError
}
