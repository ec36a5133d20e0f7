package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/losant-go/losant-go/internal/spec"
)

// TestErrorWriterFallbacks covers the answers no request reaches through
// validation: the generated code's parameter errors and internal errors.
// Their bodies are checked against the operation's default (error)
// response schema.
func TestErrorWriterFallbacks(t *testing.T) {
	op, err := spec.Op(opGetJobLog)
	if err != nil {
		t.Fatal(err)
	}
	mt, err := op.ResponseContent(599) // no such status: the default response
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e := &errorWriter{logger: slog.New(slog.NewTextHandler(&logs, nil))}
	r := httptest.NewRequest(http.MethodGet, "/applications/x/jobLogs/y", nil)
	for _, tc := range []struct {
		name       string
		write      func(http.ResponseWriter)
		wantStatus int
		wantType   string
	}{
		{"bad parameter", func(w http.ResponseWriter) { e.badParameter(w, r, errors.New("jobId: bad")) }, 400, typeValidation},
		{"server error", func(w http.ResponseWriter) { e.serverError(w, r, errors.New("secret cause")) }, 500, typeServerError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tc.write(rec)
			var v any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if err := mt.Schema.Value.VisitJSON(v); err != nil {
				t.Errorf("body %s: %v", rec.Body, err)
			}
			var body struct{ Type, Message string }
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if strings.Contains(rec.Body.String(), "secret") {
				t.Errorf("the body reveals the cause: %s", rec.Body)
			}
			if rec.Code != tc.wantStatus || body.Type != tc.wantType || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("%d %s %q, want %d %s as application/json", rec.Code, rec.Body, rec.Header().Get("Content-Type"), tc.wantStatus, tc.wantType)
			}
		})
	}
	if !strings.Contains(logs.String(), "secret cause") {
		t.Errorf("the 500's cause was not logged: %q", logs.String())
	}
}

func TestAuthErrorMessage(t *testing.T) {
	e := &authError{status: 401, typ: typeUnauthorized, msg: msgInvalidToken}
	if e.Error() != msgInvalidToken {
		t.Errorf("Error() = %q", e.Error())
	}
}
