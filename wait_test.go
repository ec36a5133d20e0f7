package losant_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

// sequence answers each poll with the next body, repeating the last one.
func sequence(bodies ...string) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := min(int(n.Add(1))-1, len(bodies)-1)
		respond(http.StatusOK, bodies[i])(w, r)
	}
}

func progressBody(status string, done int) string {
	return fmt.Sprintf(`{"id":%q,"status":%q,"progress":{"completed":%d,"total":100}}`, jobID, status, done)
}

// waitCtx bounds a Wait test: a broken terminal-status check makes Wait
// poll forever, and the test then fails at this deadline instead of
// hanging the suite.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var fastPolls = []losant.WaitOption{losant.WithPollInterval(time.Millisecond), losant.WithMaxPollInterval(4 * time.Millisecond)}

func TestWaitUntilCompleted(t *testing.T) {
	f := newFixture(t, sequence(
		progressBody("queued", 0), progressBody("inProgress", 30), progressBody("someNewStatus", 60),
		progressBody("inProgress", 90), progressBody("completed", 100)))
	var seen []string
	opts := append(fastPolls, losant.WithProgress(func(l *losant.ApplicationJobLog) {
		seen = append(seen, fmt.Sprintf("%s %v", *l.Status, *l.Progress.Completed))
	}))
	log, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, jobID, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if *log.Status != losant.ApplicationJobLogStatusCompleted {
		t.Errorf("final status %s, want completed", *log.Status)
	}
	want := []string{"queued 0", "inProgress 30", "someNewStatus 60", "inProgress 90", "completed 100"}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("progress callbacks %v, want %v", seen, want)
	}
	if n := f.requests.Load(); n != 5 {
		t.Errorf("%d polls, want 5", n)
	}
}

// WithProgress fires for the first poll and for each poll whose log
// changed, not for polls that find the same log again.
func TestWaitProgressOnlyWhenTheLogChanged(t *testing.T) {
	f := newFixture(t, sequence(
		progressBody("queued", 0), progressBody("queued", 0), progressBody("inProgress", 10),
		progressBody("inProgress", 10), progressBody("inProgress", 10), progressBody("inProgress", 50),
		`{"id":"`+jobID+`","status":"inProgress","progress":{"completed":50,"total":100,"status":"copying"}}`,
		progressBody("completed", 100)))
	var seen []string
	opts := append(fastPolls, losant.WithProgress(func(l *losant.ApplicationJobLog) {
		seen = append(seen, fmt.Sprintf("%s %v %s", l.GetStatus(), l.GetProgress().GetCompleted(), l.GetProgress().GetStatus()))
	}))
	if _, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, jobID, opts...); err != nil {
		t.Fatal(err)
	}
	want := []string{"queued 0 ", "inProgress 10 ", "inProgress 50 ", "inProgress 50 copying", "completed 100 "}
	if fmt.Sprint(seen) != fmt.Sprint(want) {
		t.Errorf("progress callbacks %q, want %q", seen, want)
	}
	if n := f.requests.Load(); n != 8 {
		t.Errorf("%d polls, want 8", n)
	}
}

func TestWaitReportsFailedJobs(t *testing.T) {
	tests := []struct {
		status, errJSON, wantMsg string
	}{
		{"errored", `{"name":"ValidationError","message":"bad file"}`, "ended errored: ValidationError: bad file"},
		{"failed", `{"message":"worker died"}`, "ended failed: worker died"},
		{"failed", `null`, "ended failed"},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			final := fmt.Sprintf(`{"status":%q,"error":%s}`, tt.status, tt.errJSON)
			f := newFixture(t, sequence(progressBody("inProgress", 5), final))
			log, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, jobID, fastPolls...)
			if log == nil || string(*log.Status) != tt.status {
				t.Fatalf("want the final log with status %s, got %+v", tt.status, log)
			}
			var jfe *losant.JobFailedError
			if !errors.Is(err, losant.ErrJobFailed) || !errors.As(err, &jfe) {
				t.Fatalf("error %v: want a *JobFailedError matching ErrJobFailed", err)
			}
			if jfe.JobID != jobID || string(jfe.Status) != tt.status || err.Error() != "losant: job log "+jobID+" "+tt.wantMsg {
				t.Errorf("got %+v (%q)", jfe, err)
			}
		})
	}
}

func TestWaitStopsAtTheContextDeadline(t *testing.T) {
	f := newFixture(t, sequence(progressBody("inProgress", 1)))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	log, err := f.client.ApplicationJobLog.Wait(ctx, appID, jobID, losant.WithPollInterval(5*time.Millisecond), losant.WithMaxPollInterval(10*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want context.DeadlineExceeded", err)
	}
	if log == nil || *log.Status != losant.ApplicationJobLogStatusInProgress {
		t.Errorf("want the last log read, got %+v", log)
	}
	if n := f.requests.Load(); n < 2 {
		t.Errorf("%d polls before the deadline, want several", n)
	}
}

func TestWaitEndsOnAPIErrors(t *testing.T) {
	f := newFixture(t, respond(http.StatusNotFound, `{"type":"NotFound","message":"Application job log was not found"}`))
	log, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, jobID, fastPolls...)
	if log != nil || !errors.Is(err, losant.ErrNotFound) {
		t.Errorf("got (%v, %v), want (nil, ErrNotFound)", log, err)
	}
}

func TestWaitRefusesBadArguments(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, `{}`))
	for name, call := range map[string]func() error{
		"zero interval": func() error {
			_, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, jobID, losant.WithPollInterval(0))
			return err
		},
		"max below interval": func() error {
			_, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, jobID, losant.WithPollInterval(time.Second), losant.WithMaxPollInterval(time.Millisecond))
			return err
		},
		"bad job ID": func() error {
			_, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, "nope", fastPolls...)
			return err
		},
	} {
		if err := call(); !errors.Is(err, losant.ErrInvalidArgument) {
			t.Errorf("%s: error = %v, want ErrInvalidArgument", name, err)
		}
	}
	if n := f.requests.Load(); n != 0 {
		t.Errorf("bad arguments sent %d requests", n)
	}
}

// TestWaitPollSchedule observes every wait between polls: the first is the
// poll interval, each next one is 1.5 times longer, and none passes the
// maximum. Nothing sleeps, so nothing is timed.
func TestWaitPollSchedule(t *testing.T) {
	bodies := make([]string, 0, 9)
	for i := range 8 {
		bodies = append(bodies, progressBody("inProgress", i))
	}
	f := newFixture(t, sequence(append(bodies, progressBody("completed", 100))...))
	var waits []time.Duration
	losant.FakeSleep(f.client, func(d time.Duration) { waits = append(waits, d) })
	_, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, jobID,
		losant.WithPollInterval(time.Second), losant.WithMaxPollInterval(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{
		time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond, 3375 * time.Millisecond,
		5 * time.Second, 5 * time.Second, 5 * time.Second, 5 * time.Second,
	}
	if fmt.Sprint(waits) != fmt.Sprint(want) {
		t.Errorf("waits between polls %v, want %v", waits, want)
	}
	if n := f.requests.Load(); n != 9 {
		t.Errorf("%d polls, want 9", n)
	}
}

// TestWaitAppliesRequestOptionsToEveryPoll: a RequestOption given to Wait
// reaches every poll.
func TestWaitAppliesRequestOptionsToEveryPoll(t *testing.T) {
	var tagged atomic.Int64
	seq := sequence(progressBody("inProgress", 1), progressBody("inProgress", 2), progressBody("completed", 100))
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Trace") == "wait-1" {
			tagged.Add(1)
		}
		seq(w, r)
	})
	losant.FakeSleep(f.client, func(time.Duration) {})
	var resp losant.Response
	if _, err := f.client.ApplicationJobLog.Wait(waitCtx(t), appID, jobID, losant.WithHeader("X-Trace", "wait-1"), losant.WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	if n := f.requests.Load(); tagged.Load() != n || n < 2 {
		t.Errorf("%d of %d polls carried the header", tagged.Load(), n)
	}
	if resp.StatusCode != http.StatusOK || resp.Attempts != 1 {
		t.Errorf("response of the last poll = %+v", resp)
	}
}
