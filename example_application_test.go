package losant_test

import (
	"archive/zip"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

// Export an application, wait for the job, save its zip, and import the
// zip into another application: against the local API, whose jobs take
// 50 ms here.
func ExampleApplicationService_Export() {
	h, err := api.NewHandler(api.Options{JobDuration: 50 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(h)
	defer func() { srv.Close(); _ = h.Close() }()
	client, err := losant.NewClient(losant.WithToken("my-api-token"), losant.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const appID = "575ec8687ae143cd83dc4a97"

	res, err := client.Application.Export(ctx, appID, &losant.ApplicationExportPost{})
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "export")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.zip")
	// A 202 (a queued job) or a 200 (the zip ready now) read alike.
	if _, err := res.Job().DownloadOutputFile(ctx, path, losant.WithWait(losant.WithPollInterval(10*time.Millisecond))); err != nil {
		fmt.Println(err)
		return
	}
	if zr, err := zip.OpenReader(path); err == nil {
		fmt.Println("saved the export, a zip with entries:", len(zr.File) > 0)
		zr.Close()
	}

	clone, err := client.Application.Clone(ctx, appID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	cloned, err := clone.Job().Wait(ctx, losant.WithPollInterval(10*time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	imp, err := client.Application.Import(ctx, string(cloned.GetOutput().GetApplicationID()), &losant.ApplicationImportForm{ImportBundle: f})
	if err != nil {
		fmt.Println(err)
		return
	}
	log, err := imp.Job().Wait(ctx, losant.WithPollInterval(10*time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(log.GetName(), log.GetStatus())
	// Output:
	// saved the export, a zip with entries: true
	// ApplicationImport completed
}
