package losant_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	losant "github.com/losant-go/losant-go"
)

var sentinels = []error{
	losant.ErrBadRequest, losant.ErrUnauthorized, losant.ErrForbidden, losant.ErrNotFound,
	losant.ErrRateLimited, losant.ErrServerError, losant.ErrInvalidArgument,
	losant.ErrInvalidResponse, losant.ErrResponseTooLarge, losant.ErrJobFailed,
}

func TestStatusesMapToSentinels(t *testing.T) {
	tests := []struct {
		status      int
		body        string
		want        error // nil: matches no sentinel
		wantType    string
		wantMessage string
	}{
		{400, `{"type":"Validation","message":"applicationId is invalid"}`, losant.ErrBadRequest, "Validation", "applicationId is invalid"},
		{401, `{"type":"Unauthorized","message":"Invalid access token"}`, losant.ErrUnauthorized, "Unauthorized", "Invalid access token"},
		{403, `{"type":"Forbidden","message":"Access denied"}`, losant.ErrForbidden, "Forbidden", "Access denied"},
		{404, `{"type":"NotFound","message":"Application job log was not found"}`, losant.ErrNotFound, "NotFound", "Application job log was not found"},
		{429, `{"type":"RateLimitExceeded","message":"slow down"}`, losant.ErrRateLimited, "RateLimitExceeded", "slow down"},
		{500, `{"type":"ServerError","message":"boom"}`, losant.ErrServerError, "ServerError", "boom"},
		{502, `{"type":"BadGateway"}`, losant.ErrServerError, "BadGateway", ""},
		{503, `{"message":"maintenance"}`, losant.ErrServerError, "", "maintenance"},
		{409, `{"type":"Conflict","message":"busy"}`, nil, "Conflict", "busy"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			f := newFixture(t, respond(tt.status, tt.body))
			log, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
			if log != nil {
				t.Errorf("got a job log with an error status: %+v", log)
			}
			apiErr := isAPIError(t, err)
			if apiErr.StatusCode != tt.status || apiErr.Type != tt.wantType || apiErr.Message != tt.wantMessage {
				t.Errorf("APIError = %+v, want status %d type %q message %q", apiErr, tt.status, tt.wantType, tt.wantMessage)
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tt.want) {
					t.Errorf("errors.Is(%v, %v) = %v", err, s, got)
				}
			}
			msg := err.Error()
			for _, part := range []string{"GET", "/jobLogs/" + jobID, http.StatusText(tt.status), tt.wantType, tt.wantMessage} {
				if !strings.Contains(msg, part) {
					t.Errorf("message %q lacks %q", msg, part)
				}
			}
			noToken(t, err)
		})
	}
}

func TestRetryAfterIsParsed(t *testing.T) {
	tests := []struct {
		name, header string
		min, max     time.Duration
	}{
		{"seconds", "7", 7 * time.Second, 7 * time.Second},
		{"http date", "in 90s", 80 * time.Second, 91 * time.Second},
		{"date in the past", "Wed, 21 Oct 2015 07:28:00 GMT", 0, 0},
		{"garbage", "soon", 0, 0},
		{"absent", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.header == "in 90s" {
				tt.header = time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
			}
			f := newFixture(t, respond(http.StatusTooManyRequests, `{"type":"RateLimited","message":"wait"}`, "Retry-After", tt.header), losant.WithoutRetries())
			_, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
			apiErr := isAPIError(t, err)
			if apiErr.RetryAfter < tt.min || apiErr.RetryAfter > tt.max {
				t.Errorf("RetryAfter = %v, want within [%v, %v]", apiErr.RetryAfter, tt.min, tt.max)
			}
			if !apiErr.Temporary() || !errors.Is(err, losant.ErrRateLimited) {
				t.Errorf("a 429 must be temporary and match ErrRateLimited: %v", err)
			}
		})
	}
}

// A proxy in front of the API can answer with HTML, plain text or nothing.
func TestNonJSONErrorBodiesStillGiveAPIError(t *testing.T) {
	html := "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1>" + strings.Repeat("<p>padding</p>", 200) + "</body></html>"
	tests := []struct {
		name, body, contentType string
		status                  int
		want                    error
		wantBody                string
	}{
		{"html page", html, "text/html", 502, losant.ErrServerError, "<html><head><title>502 Bad Gateway</title></head> <body>"},
		{"empty body", "", "text/plain", 500, losant.ErrServerError, ""},
		{"plain text", "upstream timed out\n", "text/plain", 504, losant.ErrServerError, "upstream timed out"},
		{"json without losant fields", `{"error":"nope"}`, "application/json", 404, losant.ErrNotFound, `{"error":"nope"}`},
		{"malformed json", `{"type":`, "application/json", 401, losant.ErrUnauthorized, `{"type":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, respond(tt.status, tt.body, "Content-Type", tt.contentType))
			_, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
			apiErr := isAPIError(t, err)
			if apiErr.StatusCode != tt.status || !errors.Is(err, tt.want) {
				t.Errorf("got %v, want status %d matching %v", err, tt.status, tt.want)
			}
			if !strings.HasPrefix(apiErr.Body, tt.wantBody) || len(apiErr.Body) > 200 {
				t.Errorf("Body = %q, want a short excerpt starting %q", apiErr.Body, tt.wantBody)
			}
			if tt.wantBody == "" && apiErr.Body != "" {
				t.Errorf("Body = %q, want empty", apiErr.Body)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Errorf("error message spans lines: %q", err.Error())
			}
		})
	}
}

func TestUndecodableSuccessBodies(t *testing.T) {
	tests := []struct {
		name, body, contentType string
		maxBytes                int64
		want                    error
		wantMsg                 string
	}{
		{name: "malformed json", body: `{"status": completed}`, want: losant.ErrInvalidResponse, wantMsg: "malformed JSON"},
		{name: "truncated json", body: `{"status": "completed", "progress": {"total": 1`, want: losant.ErrInvalidResponse, wantMsg: "truncated"},
		{name: "empty body", body: "", want: losant.ErrInvalidResponse, wantMsg: "empty body"},
		{name: "array instead of object", body: `[1,2]`, want: losant.ErrInvalidResponse, wantMsg: "malformed JSON"},
		{name: "wrong field type", body: `{"status": 7}`, want: losant.ErrInvalidResponse, wantMsg: "malformed JSON"},
		{name: "trailing data", body: `{"status": "completed"} {"x":1}`, want: losant.ErrInvalidResponse, wantMsg: "after the JSON value"},
		{name: "html with 200", body: `<html>maintenance</html>`, contentType: "text/html; charset=utf-8", want: losant.ErrInvalidResponse, wantMsg: "not JSON"},
		{name: "over the size cap", body: `{"name": "` + strings.Repeat("x", 4096) + `"}`, maxBytes: 1024, want: losant.ErrResponseTooLarge, wantMsg: "exceeds 1024 bytes"},
		{name: "whitespace after value past the cap", body: `{"name":"x"}` + strings.Repeat(" ", 2048), maxBytes: 1024, want: losant.ErrResponseTooLarge, wantMsg: "WithMaxResponseBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []losant.Option
			if tt.maxBytes > 0 {
				opts = append(opts, losant.WithMaxResponseBytes(tt.maxBytes))
			}
			ct := tt.contentType
			if ct == "" {
				ct = "application/json; charset=utf-8"
			}
			f := newFixture(t, respond(http.StatusOK, tt.body, "Content-Type", ct), opts...)
			log, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
			if log != nil || !errors.Is(err, tt.want) {
				t.Fatalf("got (%v, %v), want an error matching %v", log, err, tt.want)
			}
			if !errors.Is(err, losant.ErrInvalidResponse) {
				t.Errorf("%v does not match ErrInvalidResponse", err)
			}
			var re *losant.ResponseError
			if !errors.As(err, &re) || re.StatusCode != http.StatusOK || re.ContentType != ct {
				t.Errorf("error %v: want a *ResponseError with status 200 and content type %q", err, ct)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("message %q lacks %q", err.Error(), tt.wantMsg)
			}
			noToken(t, err)
		})
	}
}

// A body exactly at the cap is fine.
func TestBodyAtTheCapDecodes(t *testing.T) {
	body := `{"name":"` + strings.Repeat("x", 100) + `"}`
	f := newFixture(t, respond(http.StatusOK, body), losant.WithMaxResponseBytes(int64(len(body))))
	log, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if err != nil || len(*log.Name) != 100 {
		t.Fatalf("got (%v, %v), want the job log", log, err)
	}
}

// TestAPIErrorDecode: an error answer's JSON details are there to decode.
func TestAPIErrorDecode(t *testing.T) {
	f := newFixture(t, respond(http.StatusUnprocessableEntity, `{"type":"Validation","message":"invalid","validationErrors":[{"name":"flow","message":"bad"}]}`))
	_, err := f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	var ae *losant.APIError
	if !errors.As(err, &ae) || ae.Type != "Validation" {
		t.Fatalf("error %v", err)
	}
	var details struct {
		ValidationErrors []struct{ Name, Message string } `json:"validationErrors"`
	}
	if err := ae.Decode(&details); err != nil || len(details.ValidationErrors) != 1 || details.ValidationErrors[0].Name != "flow" {
		t.Errorf("Decode: %+v, %v", details, err)
	}
	f = newFixture(t, respond(http.StatusNotFound, `<html>gone</html>`))
	_, err = f.client.ApplicationJobLog.Get(context.Background(), appID, jobID)
	if !errors.As(err, &ae) || ae.Decode(&details) == nil {
		t.Errorf("Decode of an HTML body: want an error")
	}
}
