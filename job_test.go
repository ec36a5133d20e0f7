package losant_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

func TestJobIsBuiltFromCheckedIDs(t *testing.T) {
	f := newFixture(t, func(w http.ResponseWriter, _ *http.Request) {
		t.Error("a request was sent")
		w.WriteHeader(http.StatusTeapot)
	})
	job, err := f.client.Job(appID, jobID)
	if err != nil {
		t.Fatal(err)
	}
	if job.ApplicationID() != appID || job.ID() != jobID {
		t.Errorf("ids %s, %s", job.ApplicationID(), job.ID())
	}
	bad := []struct{ app, job, param string }{
		{"", jobID, "applicationId"},
		{appID, "", "jobId"},
		{"575ec8687ae143cd83dc4a9", jobID, "applicationId"},   // 23 characters
		{appID, "575ec76c7ae143cd83dc4a9g", "jobId"},          // not hexadecimal
		{"../../me/575ec8687ae143cd", jobID, "applicationId"}, // a path
	}
	for _, b := range bad {
		_, err := f.client.Job(b.app, b.job)
		var ia *losant.InvalidArgumentError
		if !errors.As(err, &ia) || !errors.Is(err, losant.ErrInvalidArgument) || ia.Name != b.param {
			t.Errorf("Job(%q, %q): err = %v, want an invalid %s", b.app, b.job, err, b.param)
		}
	}
}

// TestJobNameRoundTrips: a job saved by its Name (as text or in JSON) comes
// back through ParseJob, in a client of another process.
func TestJobNameRoundTrips(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, progressBody("completed", 100)))
	job, err := f.client.Job(appID, jobID)
	if err != nil {
		t.Fatal(err)
	}
	want := "applications/" + appID + "/jobLogs/" + jobID
	if job.Name() != want || job.String() != want || fmt.Sprint(job) != want {
		t.Fatalf("Name %q, String %q, %%v %q; want %q", job.Name(), job.String(), fmt.Sprint(job), want)
	}
	saved, err := json.Marshal(struct{ Export *losant.Job }{job})
	if err != nil || string(saved) != `{"Export":"`+want+`"}` {
		t.Fatalf("json: %s, %v", saved, err)
	}
	var back struct{ Export string }
	if err := json.Unmarshal(saved, &back); err != nil {
		t.Fatal(err)
	}
	// Another client, as after a restart.
	other := newFixture(t, respond(http.StatusOK, progressBody("completed", 100)))
	again, err := other.client.ParseJob(back.Export)
	if err != nil {
		t.Fatal(err)
	}
	if again.ApplicationID() != appID || again.ID() != jobID {
		t.Fatalf("parsed %s", again)
	}
	if _, err := again.Get(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := other.lastRequest(t).URL.Path; got != "/applications/"+appID+"/jobLogs/"+jobID {
		t.Errorf("Get asked for %s", got)
	}

	for _, name := range []string{
		"", appID + "/" + jobID, "applications/" + appID + "/jobs/" + jobID,
		"applications/" + appID + "/jobLogs/" + jobID + "/extra",
		"applications/" + appID + "/jobLogs/", "/applications/" + appID + "/jobLogs/" + jobID,
	} {
		if _, err := f.client.ParseJob(name); !errors.Is(err, losant.ErrInvalidArgument) {
			t.Errorf("ParseJob(%q): err = %v, want ErrInvalidArgument", name, err)
		}
	}
}

func TestJobWait(t *testing.T) {
	t.Run("completed", func(t *testing.T) {
		f := newFixture(t, sequence(progressBody("queued", 0), progressBody("inProgress", 50), progressBody("completed", 100)))
		job, _ := f.client.Job(appID, jobID)
		var polls int
		log, err := job.Wait(waitCtx(t), append(fastPolls, losant.WithProgress(func(*losant.ApplicationJobLog) { polls++ }))...)
		if err != nil || log.GetStatus() != losant.ApplicationJobLogStatusCompleted {
			t.Fatalf("Wait: %v, %v", log.GetStatus(), err)
		}
		if polls != 3 || f.requests.Load() != 3 {
			t.Errorf("%d progress calls, %d requests; want 3 and 3", polls, f.requests.Load())
		}
	})
	t.Run("failed", func(t *testing.T) {
		f := newFixture(t, sequence(progressBody("inProgress", 50), `{"status":"errored","error":{"name":"ExportError","message":"disk full"}}`))
		job, _ := f.client.Job(appID, jobID)
		log, err := job.Wait(waitCtx(t), fastPolls...)
		var jfe *losant.JobFailedError
		if !errors.As(err, &jfe) || jfe.ApplicationID != appID || jfe.JobID != jobID || jfe.Message != "disk full" {
			t.Fatalf("err = %v, want the job's *JobFailedError", err)
		}
		if log.GetStatus() != losant.ApplicationJobLogStatusErrored {
			t.Errorf("final log status %s", log.GetStatus())
		}
	})
	t.Run("the context ends the wait", func(t *testing.T) {
		// Each poll's log shows more progress, so WithProgress (which
		// fires when the log changed) sees every poll.
		var served atomic.Int64
		f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
			respond(http.StatusOK, progressBody("inProgress", int(served.Add(1))))(w, r)
		})
		job, _ := f.client.Job(appID, jobID)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The context ends after the second poll, whatever the timing.
		var polls int
		log, err := job.Wait(ctx, append(fastPolls, losant.WithProgress(func(*losant.ApplicationJobLog) {
			if polls++; polls == 2 {
				cancel()
			}
		}))...)
		if !errors.Is(err, context.Canceled) || log.GetStatus() != losant.ApplicationJobLogStatusInProgress || polls != 2 {
			t.Fatalf("Wait: %v, %v after %d polls; want the last log and the context's error after 2", log.GetStatus(), err, polls)
		}
	})
}

func TestZeroJobFailsClearly(t *testing.T) {
	for _, job := range []*losant.Job{nil, {}} {
		if _, err := job.Wait(context.Background()); !errors.Is(err, losant.ErrInvalidArgument) {
			t.Errorf("Wait on %#v: %v", job, err)
		}
		if _, err := job.Get(context.Background()); !errors.Is(err, losant.ErrInvalidArgument) {
			t.Errorf("Get on %#v: %v", job, err)
		}
		if _, err := job.DownloadOutput(context.Background(), io.Discard); !errors.Is(err, losant.ErrInvalidArgument) {
			t.Errorf("DownloadOutput on %#v: %v", job, err)
		}
		if job.Name() != "" {
			t.Errorf("Name %q", job.Name())
		}
	}
}

// exportLog is a job log of a finished export whose zip is at url.
func exportLog(status, url string) string {
	return fmt.Sprintf(`{"id":%q,"name":"ApplicationExport","status":%q,"output":{"downloadUrls":[%q]}}`, jobID, status, url)
}

// TestJobDownloadOutput: one call waits for an export and saves its zip, and
// the API's token goes to the API only.
func TestJobDownloadOutput(t *testing.T) {
	content := randomBytes(300000, 12)
	st := newStorage(t, cutOnce(content, 1234, `"zip"`, time.Time{}))
	f := newFixture(t, sequence(progressBody("queued", 0), progressBody("inProgress", 50), exportLog("completed", st.url())))
	job, _ := f.client.Job(appID, jobID)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.zip")
	var polls int
	var last int64
	n, err := job.DownloadOutputFile(waitCtx(t), path,
		losant.WithWait(append(fastPolls, losant.WithProgress(func(*losant.ApplicationJobLog) { polls++ }))...),
		losant.WithDownloadProgress(func(done, _ int64) { last = done }))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	wantSame(t, got, content)
	if n != int64(len(content)) || last != n || polls != 3 {
		t.Errorf("n %d, last progress %d, polls %d", n, last, polls)
	}
	if f.lastRequest(t).Header.Get("Authorization") != "Bearer "+testToken {
		t.Error("the API did not get the token")
	}
	cleanHeaders(t, st.requests())
	onlyFile(t, dir, true)

	t.Run("an existing file is refused before the wait", func(t *testing.T) {
		before := f.requests.Load()
		_, err := job.DownloadOutputFile(waitCtx(t), path)
		if !errors.Is(err, fs.ErrExist) || f.requests.Load() != before {
			t.Fatalf("err = %v after %d requests, want fs.ErrExist before any", err, f.requests.Load()-before)
		}
	})
	t.Run("to a writer", func(t *testing.T) {
		var buf bytes.Buffer
		if _, err := job.DownloadOutput(waitCtx(t), &buf, losant.WithWait(fastPolls...)); err != nil {
			t.Fatal(err)
		}
		wantSame(t, buf.Bytes(), content)
	})
	t.Run("WithWait is refused where nothing waits", func(t *testing.T) {
		c := newDownloadClient(t)
		if _, err := c.Download(context.Background(), st.url(), io.Discard, losant.WithWait()); !errors.Is(err, losant.ErrInvalidArgument) {
			t.Errorf("Download: %v", err)
		}
		if _, err := c.DownloadFile(context.Background(), st.url(), filepath.Join(t.TempDir(), "x"), losant.WithWait()); !errors.Is(err, losant.ErrInvalidArgument) {
			t.Errorf("DownloadFile: %v", err)
		}
	})
}

func TestJobDownloadOutputFailures(t *testing.T) {
	cases := []struct {
		name string
		body string
		want error
		text string
	}{
		{"the job errored", `{"status":"errored","error":{"message":"no space"}}`, losant.ErrJobFailed, "no space"},
		{"no downloadUrls", `{"status":"completed","output":{"applicationId":"` + appID + `"}}`, losant.ErrNoOutput, "no downloadUrls"},
		{"an empty URL", exportLog("completed", ""), losant.ErrNoOutput, "no downloadUrls"},
		{"a URL the download refuses", exportLog("completed", "http://storage.example.com/x"+signedQ), losant.ErrInvalidArgument, "plain http"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, respond(http.StatusOK, tc.body))
			job, _ := f.client.Job(appID, jobID)
			dir := t.TempDir()
			_, err := job.DownloadOutputFile(waitCtx(t), filepath.Join(dir, "app.zip"), losant.WithWait(fastPolls...))
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("err = %v, want %v saying %q", err, tc.want, tc.text)
			}
			noSecrets(t, "the error", fmtAll(err))
			onlyFile(t, dir, false)
		})
	}
}

func TestOutputURL(t *testing.T) {
	cases := []struct {
		log  *losant.ApplicationJobLog
		want string
	}{
		{nil, ""},
		{&losant.ApplicationJobLog{}, ""},
		{&losant.ApplicationJobLog{Status: ptr(losant.ApplicationJobLogStatusInProgress), Output: &losant.ApplicationJobLogOutput{DownloadURLs: &[]string{"https://a/b"}}}, ""},
		{&losant.ApplicationJobLog{Status: ptr(losant.ApplicationJobLogStatusCompleted), Output: &losant.ApplicationJobLogOutput{DownloadURLs: &[]string{"https://a/b", "https://a/c"}}}, "https://a/b"},
	}
	for i, tc := range cases {
		got, err := losant.OutputURL(tc.log)
		if got != tc.want || (tc.want == "") != errors.Is(err, losant.ErrNoOutput) {
			t.Errorf("case %d: %q, %v; want %q", i, got, err, tc.want)
		}
	}
}

// TestFinishedJobReadsLikeAJob: work the API did at once (an export's 200
// with its zip's url) is a Job whose Wait returns at once, with no request,
// and whose output downloads like a job's: callers need not branch on 200
// against 202.
func TestFinishedJobReadsLikeAJob(t *testing.T) {
	content := randomBytes(50000, 15)
	st := newStorage(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		serveFile(w, r, readerOf(content), `"now"`, time.Time{})
	})
	f := newFixture(t, func(w http.ResponseWriter, _ *http.Request) {
		t.Error("a finished job asked the API")
		w.WriteHeader(http.StatusTeapot)
	})
	log := &losant.ApplicationJobLog{
		Status: ptr(losant.ApplicationJobLogStatusCompleted),
		Output: &losant.ApplicationJobLogOutput{DownloadURLs: &[]string{st.url()}},
	}
	job := losant.NewFinishedJobForTest(f.client, appID, log)
	var progress int
	got, err := job.Wait(context.Background(), losant.WithProgress(func(*losant.ApplicationJobLog) { progress++ }))
	if err != nil || got != log || progress != 1 {
		t.Fatalf("Wait: %v, %v, %d progress calls; want the log, nil, 1", got, err, progress)
	}
	if got, err := job.Get(context.Background()); err != nil || got != log {
		t.Fatalf("Get: %v, %v", got, err)
	}
	if job.ID() != "" || job.Name() != "" || job.ApplicationID() != appID {
		t.Errorf("ID %q, Name %q, ApplicationID %q", job.ID(), job.Name(), job.ApplicationID())
	}
	var buf bytes.Buffer
	if _, err := job.DownloadOutput(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	wantSame(t, buf.Bytes(), content)
	if _, err := job.Wait(context.Background(), losant.WithPollInterval(-1)); !errors.Is(err, losant.ErrInvalidArgument) {
		t.Errorf("a bad option: %v, want ErrInvalidArgument", err)
	}
	if f.requests.Load() != 0 {
		t.Errorf("%d API requests", f.requests.Load())
	}
}
