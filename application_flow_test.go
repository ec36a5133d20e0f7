package losant_test

import (
	"archive/zip"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/api"
)

const exampleApp = "575ec8687ae143cd83dc4a97"

// localAPI serves the local API with fast jobs and returns a client of it.
func localAPI(t *testing.T) *losant.Client {
	t.Helper()
	h, err := api.NewHandler(api.Options{JobDuration: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		_ = h.Close()
	})
	c, err := losant.NewClient(losant.WithToken(testToken), losant.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// TestExportImportFlow is the flow the SDK exists for, against the local
// API: export, wait, save the zip; import it into another application and
// wait for the counts; clone.
func TestExportImportFlow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := localAPI(t)

	res, err := c.Application.Export(ctx, exampleApp, &losant.ApplicationExportPost{})
	if err != nil {
		t.Fatal(err)
	}
	job := res.Job()
	if job == nil || job.ID() == "" {
		t.Fatalf("export answered %d without a job", res.StatusCode)
	}
	log, err := job.Wait(ctx, fastPolls...)
	if err != nil || log.GetName() != "ApplicationExport" {
		t.Fatalf("export job: %v, %v", log.GetName(), err)
	}
	path := filepath.Join(t.TempDir(), "app.zip")
	n, err := job.DownloadOutputFile(ctx, path)
	if err != nil || n == 0 {
		t.Fatalf("download: %d bytes, %v", n, err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("the export is not a zip: %v", err)
	}
	entries := len(zr.File)
	zr.Close()
	if entries == 0 {
		t.Error("the export zip is empty")
	}

	// Import it into a clone of the application.
	cl, err := c.Application.Clone(ctx, exampleApp, nil)
	if err != nil {
		t.Fatal(err)
	}
	cloneLog, err := cl.Job().Wait(ctx, fastPolls...)
	target := string(cloneLog.GetOutput().GetApplicationID())
	if err != nil || target == "" {
		t.Fatalf("clone (%d): %v, new application %q", cl.StatusCode, err, target)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	imp, err := c.Application.Import(ctx, target, &losant.ApplicationImportForm{ImportBundle: f, Email: "ops@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	impLog, err := imp.Job().Wait(ctx, fastPolls...)
	if err != nil || impLog.GetOutput() == nil {
		t.Fatalf("import: %v, %+v", err, impLog)
	}
	t.Logf("import created %v, failed %v", impLog.GetOutput().GetCreated(), impLog.GetOutput().GetFailed())

	// The archive jobs answer with the job itself.
	arch, err := c.Application.FullEventsArchive(ctx, exampleApp)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := arch.Wait(ctx, fastPolls...); err != nil || l.GetName() != "FullEventsArchive" {
		t.Errorf("archive job: %v, %v", l.GetName(), err)
	}
	// A job rebuilt from its saved name is the same job.
	again, err := c.ParseJob(job.Name())
	if err != nil || again.ID() != job.ID() {
		t.Errorf("ParseJob(%q): %v, %v", job.Name(), again, err)
	}
}

// TestFinishedAnswersReadAsJobs: an export the API answered at once (200)
// and a clone made at once (201) give finished jobs whose Wait returns the
// log a completed job would have.
func TestFinishedAnswersReadAsJobs(t *testing.T) {
	zipSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the token went to the download host")
		}
		w.Write([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	}))
	defer zipSrv.Close()
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch filepath.Base(r.URL.Path) {
		case "export":
			w.Write([]byte(`{"url":"` + zipSrv.URL + `/x.zip?sig=secret"}`))
		case "clone":
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"application":{"id":"575ec8687ae143cd83dc4a98","name":"copy"}}`))
		}
	})
	ctx := context.Background()
	res, err := f.client.Application.Export(ctx, appID, &losant.ApplicationExportPost{})
	if err != nil {
		t.Fatal(err)
	}
	log, err := res.Job().Wait(ctx)
	if err != nil || log.GetStatus() != losant.ApplicationJobLogStatusCompleted || log.GetName() != "ApplicationExport" {
		t.Fatalf("finished export: %+v, %v", log, err)
	}
	if url, err := losant.OutputURL(log); err != nil || url == "" {
		t.Errorf("OutputURL: %q, %v", url, err)
	}
	if n, err := res.Job().DownloadOutputFile(ctx, filepath.Join(t.TempDir(), "x.zip")); err != nil || n != 22 {
		t.Errorf("download: %d, %v", n, err)
	}
	cl, err := f.client.Application.Clone(ctx, appID, nil)
	if err != nil {
		t.Fatal(err)
	}
	log, err = cl.Job().Wait(ctx)
	if err != nil || log.GetOutput().GetApplicationID() != "575ec8687ae143cd83dc4a98" {
		t.Errorf("finished clone: %+v, %v", log, err)
	}
}
