package losant_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	losant "github.com/losant-go/losant-go"
)

func ptr[T any](v T) *T { return &v }

func mustTime(t *testing.T, s string) *time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

// The example on Losant's documentation page for this endpoint.
const pageExample = `{
  "id": "575ec76c7ae143cd83dc4a96",
  "jobId": "575ec76c7ae143cd83dc4a96",
  "applicationId": "575ec8687ae143cd83dc4a97",
  "resourceType": "application",
  "runQueuedAt": "2025-06-10T04:00:00.000Z",
  "runStartedAt": "2025-06-10T04:00:01.000Z",
  "status": "inProgress",
  "name": "ArchiveData",
  "progress": {"completed": 12, "total": 100}
}`

func TestGetDecodesThePageExample(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, pageExample))
	got, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err != nil {
		t.Fatal(err)
	}
	want := &losant.ApplicationJobLog{
		ID:            ptr("575ec76c7ae143cd83dc4a96"),
		JobID:         ptr("575ec76c7ae143cd83dc4a96"),
		ApplicationID: ptr("575ec8687ae143cd83dc4a97"),
		ResourceType:  ptr(losant.ApplicationJobLogResourceType("application")),
		RunQueuedAt:   mustTime(t, "2025-06-10T04:00:00.000Z"),
		RunStartedAt:  mustTime(t, "2025-06-10T04:00:01.000Z"),
		Status:        ptr(losant.ApplicationJobLogStatusInProgress),
		Name:          ptr("ArchiveData"),
		Progress:      &losant.ApplicationJobLogProgress{Completed: ptr(12.0), Total: ptr(100.0)},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded job log (-want +got):\n%s", diff)
	}
}

func TestGetDecodesEveryField(t *testing.T) {
	body, err := os.ReadFile("testdata/joblog-full.json")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, respond(http.StatusOK, string(body)))
	got, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err != nil {
		t.Fatal(err)
	}
	want := &losant.ApplicationJobLog{
		ID:              ptr("575ec76c7ae143cd83dc4a96"),
		JobID:           ptr("575ec76c7ae143cd83dc4a90"),
		JobExecutionID:  ptr("575ec76c7ae143cd83dc4a91"),
		Name:            ptr("ArchiveData"),
		ApplicationID:   ptr("575ec8687ae143cd83dc4a97"),
		RunQueuedAt:     mustTime(t, "2025-06-10T04:00:00.000Z"),
		RunStartedAt:    mustTime(t, "2025-06-10T04:00:01.007Z"),
		RunCompletedAt:  mustTime(t, "2025-06-10T06:07:42.123+02:00"),
		Status:          ptr(losant.ApplicationJobLogStatusCompleted),
		RequestedByID:   ptr("575ec8687ae143cd83dc4a9a"),
		RequestedByType: ptr(losant.ApplicationJobLogRequestedByType("apiToken")),
		OwnerType:       ptr(losant.ApplicationJobLogOwnerType("organization")),
		OwnerID:         ptr("575ec8687ae143cd83dc4a9b"),
		ResourceType:    ptr(losant.ApplicationJobLogResourceType("datatable")),
		ResourceID:      ptr("575ec8687ae143cd83dc4a9c"),
		Progress:        &losant.ApplicationJobLogProgress{Completed: ptr(123456789.0), Total: ptr(123456789.0), Status: ptr("done")},
		Error:           &losant.ApplicationJobLogError{Name: ptr("none"), Message: ptr("no error")},
		Input: &losant.ApplicationJobLogInput{
			CallbackURL:     ptr("https://hooks.example.com/done"),
			Emails:          &[]string{"ops@example.com", "not an address"},
			Start:           ptr(1749528000123.0),
			End:             ptr(9007199254740991.0),
			GatewayID:       ptr("575ec8687ae143cd83dc4a9d"),
			ParentID:        ptr("575ec8687ae143cd83dc4a9e"),
			Query:           ptr(`{"$and":[]}`),
			OwnerID:         ptr("575ec8687ae143cd83dc4a9f"),
			OwnerType:       ptr(losant.ApplicationJobLogInputOwnerType("user")),
			FileURL:         ptr("https://files.example.com/in.zip"),
			TemplateContext: ptr("{}"),
		},
		Output: &losant.ApplicationJobLogOutput{
			DownloadURLs:        &[]string{"https://files.example.com/a.csv.gz", "https://files.example.com/b.csv.gz"},
			DevicesDirectory:    ptr("devices/"),
			EventsDirectory:     ptr("events/"),
			DataTablesDirectory: ptr("dataTables/"),
			Created:             ptr(16777217.0),
			Failed:              ptr(0.0),
			Removed:             ptr(2.0),
			Restored:            ptr(3.0),
			RepoURL:             ptr("https://git.example.com/repo.git"),
			Commit:              ptr("0123abcd"),
			NoChanges:           ptr(false),
			ApplicationID:       ptr("575ec8687ae143cd83dc4a97"),
			ValidationErrors: &[]losant.ApplicationJobLogValidationError{{
				Type: ptr("device"), Name: ptr("Thermostat"), ID: ptr("575ec8687ae143cd83dc4aa0"), Message: ptr("attribute temp is missing"),
			}},
			SkippedDeviceNotFound:    ptr(4.0),
			SkippedDateTooOld:        ptr(5.0),
			SkippedDateInFuture:      ptr(6.0),
			SkippedInvalidDate:       ptr(7.0),
			SkippedNoValidAttributes: ptr(8.0),
			Written:                  ptr(123456789012.0),
			EeaBundleVersion:         ptr("1.2.3"),
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded job log (-want +got):\n%s", diff)
	}
}

// Numbers past float32's 24-bit mantissa must come through exactly, and
// date-times keep their milliseconds and instant.
func TestGetKeepsNumbersAndTimesExact(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, `{
		"runCompletedAt": "2025-06-10T06:07:42.123+02:00",
		"input": {"start": 1749528000123, "end": 9007199254740991},
		"output": {"written": 123456789, "created": 16777217}}`))
	got, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		got  float64
		want int64
	}{
		"input.start":    {*got.Input.Start, 1749528000123},
		"input.end":      {*got.Input.End, 9007199254740991},
		"output.written": {*got.Output.Written, 123456789},
		"output.created": {*got.Output.Created, 16777217},
	} {
		if int64(c.got) != c.want {
			t.Errorf("%s = %d, want %d", name, int64(c.got), c.want)
		}
	}
	at := *got.RunCompletedAt
	if want := time.Date(2025, 6, 10, 4, 7, 42, 123e6, time.UTC); !at.Equal(want) {
		t.Errorf("runCompletedAt = %v, want the instant %v", at, want)
	}
	if ms := at.Nanosecond() / 1e6; ms != 123 {
		t.Errorf("runCompletedAt lost its milliseconds: %d", ms)
	}
}

// A status Losant adds later and fields the spec does not know must not
// break decoding.
func TestGetAcceptsUnknownEnumValuesAndFields(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, `{
		"status": "paused", "requestedByType": "robot", "ownerType": "team", "resourceType": "widget",
		"brandNew": {"nested": [1, 2, 3]}, "progress": {"completed": 1, "eta": "soon"},
		"input": {"ownerType": "galaxy", "extra": true}, "output": {"validationErrors": [{"type": "x", "severity": 3}]}}`))
	got, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err != nil {
		t.Fatalf("unknown values broke decoding: %v", err)
	}
	if *got.Status != "paused" || got.Status.Valid() || got.GetStatus().Terminal() {
		t.Errorf("status = %q (valid %v): want the unknown value kept and not terminal", *got.Status, got.Status.Valid())
	}
	if *got.RequestedByType != "robot" || *got.OwnerType != "team" || *got.ResourceType != "widget" || *got.Input.OwnerType != "galaxy" {
		t.Errorf("unknown enum values changed: %+v", got)
	}
	if *got.Progress.Completed != 1 || (*got.Output.ValidationErrors)[0].Type == nil {
		t.Errorf("known fields beside unknown ones were lost: %+v", got)
	}
}

func TestGetSendsHeadersQueryAndPath(t *testing.T) {
	tests := []struct {
		name       string
		opts       []losant.Option
		wantUA     string
		wantAV     string
		wantDomain string
	}{
		{name: "defaults", wantUA: "losant-go/" + losant.Version + " (", wantAV: "^1.30.0"},
		{
			name:   "user agent, version and domain",
			opts:   []losant.Option{losant.WithUserAgent("jobwatch/2.1"), losant.WithAcceptVersion("^1.31.0"), losant.WithLosantDomain("iot.example.com")},
			wantUA: "jobwatch/2.1 losant-go/" + losant.Version + " (", wantAV: "^1.31.0", wantDomain: "iot.example.com",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, respond(http.StatusOK, `{}`), tt.opts...)
			if _, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID); err != nil {
				t.Fatal(err)
			}
			r := f.lastRequest(t)
			if r.Method != http.MethodGet {
				t.Errorf("method = %s, want GET", r.Method)
			}
			if got, want := r.URL.Path, "/applications/"+appID+"/jobLogs/"+jobID; got != want {
				t.Errorf("path = %s, want %s", got, want)
			}
			q := r.URL.Query()
			for k, want := range map[string]string{"_actions": "false", "_links": "true", "_embedded": "true"} {
				if got := q.Get(k); got != want {
					t.Errorf("query %s = %q, want %q", k, got, want)
				}
			}
			for name, want := range map[string]string{
				"Authorization":  "Bearer " + testToken,
				"Accept":         "application/json",
				"Accept-Version": tt.wantAV,
				"losantdomain":   tt.wantDomain,
			} {
				if got := r.Header.Get(name); got != want {
					t.Errorf("header %s = %q, want %q", name, got, want)
				}
			}
			if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, tt.wantUA) {
				t.Errorf("User-Agent = %q, want prefix %q", ua, tt.wantUA)
			}
		})
	}
}

func TestGetRefusesInvalidIDsBeforeSending(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, `{}`))
	bad := []string{
		"", "../me", "..%2fme", "575ec8687ae143cd83dc4a9", "575ec8687ae143cd83dc4a977",
		"575ec8687ae143cd83dc4a9g", "575ec8687ae143cd83dc4a9/", " 575ec8687ae143cd83dc4a9",
		"575ec8687ae143cd83dc4a97\n", "575ec8687ae143cd83dc4a97?x", "５75ec8687ae143cd83dc4a9",
		"575ec8687ae143cd83dc4a97/../../../../me",
	}
	for _, id := range bad {
		for _, args := range [][2]string{{id, jobID}, {appID, id}} {
			_, err := f.client.ApplicationJobLog.Get(context.Background(), args[0], args[1])
			if !errors.Is(err, losant.ErrInvalidArgument) {
				t.Errorf("Get(%q, %q) error = %v, want ErrInvalidArgument", args[0], args[1], err)
				continue
			}
			var iae *losant.InvalidArgumentError
			if !errors.As(err, &iae) || (iae.Name != "applicationId" && iae.Name != "jobId") {
				t.Errorf("Get(%q, %q): error %v does not name the argument", args[0], args[1], err)
			}
			noToken(t, err)
		}
	}
	if n := f.requests.Load(); n != 0 {
		t.Errorf("invalid IDs sent %d requests, want 0", n)
	}
	if _, err := f.client.ApplicationJobLog.Get(context.Background(), strings.ToUpper(appID), jobID); err != nil {
		t.Errorf("upper-case hex ID refused: %v", err)
	}
}

func TestClientIsSafeForConcurrentUse(t *testing.T) {
	f := newFixture(t, respond(http.StatusOK, pageExample))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 32 {
		wg.Go(func() {
			for range 8 {
				log, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
				if err != nil {
					errs <- err
					return
				}
				if *log.Status != losant.ApplicationJobLogStatusInProgress {
					errs <- errors.New("wrong status " + string(*log.Status))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := f.requests.Load(); n != 32*8 {
		t.Errorf("server got %d requests, want %d", n, 32*8)
	}
}

func TestGetHonoursContext(t *testing.T) {
	release := make(chan struct{})
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for f.requests.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := f.client.ApplicationJobLog.Get(ctx, appID, jobID)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	noToken(t, err)
}

// GetRaw hands back the object exactly as it arrived, unknown fields,
// number spelling and timestamp format included.
func TestGetRawKeepsTheBodyAsSent(t *testing.T) {
	body := `{"id":"575ec76c7ae143cd83dc4a96","status":"completed","runQueuedAt":"2025-06-10T04:00:00.000Z",` +
		`"output":{"written":1.0e3,"brandNew":{"x":[1,2]}},"extra":null}`
	f := newFixture(t, respond(http.StatusOK, "\n  "+body+"\n"))
	raw, err := f.client.ApplicationJobLog.GetRaw(context.Background(), appID, jobID)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != body {
		t.Errorf("GetRaw = %s\nwant     %s", raw, body)
	}
}

func TestGetRawFailsAsGetDoes(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       error
	}{
		{"not an object", `[1,2]`, http.StatusOK, losant.ErrInvalidResponse},
		{"a string", `"hello"`, http.StatusOK, losant.ErrInvalidResponse},
		{"truncated", `{"id":`, http.StatusOK, losant.ErrInvalidResponse},
		{"trailing data", `{} {}`, http.StatusOK, losant.ErrInvalidResponse},
		{"404", `{"type":"NotFound","message":"Application job log was not found"}`, http.StatusNotFound, losant.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, respond(tt.status, tt.body), losant.WithoutRetries())
			raw, err := f.client.ApplicationJobLog.GetRaw(context.Background(), appID, jobID)
			if raw != nil || !errors.Is(err, tt.want) {
				t.Errorf("GetRaw = (%s, %v), want an error matching %v", raw, err, tt.want)
			}
		})
	}
	f := newFixture(t, respond(http.StatusOK, `{}`))
	if _, err := f.client.ApplicationJobLog.GetRaw(context.Background(), "../me", jobID); !errors.Is(err, losant.ErrInvalidArgument) || f.requests.Load() != 0 {
		t.Errorf("GetRaw with a bad ID: %v after %d requests", err, f.requests.Load())
	}
}
