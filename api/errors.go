package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/losant-go/losant-go/generated"
)

// Losant's error types and the messages the server sends with them. The
// types and the fixed messages are the ones openapi.yaml gives as examples
// of its error responses; a test checks that they still agree.
const (
	typeValidation       = "Validation"
	typeUnauthorized     = "Unauthorized"
	typeForbidden        = "Forbidden"
	typeNotFound         = "NotFound"
	typeMethodNotAllowed = "MethodNotAllowed"
	typeServerError      = "ServerError"

	msgMissingToken   = "Missing access token: send the header Authorization: Bearer <token>"
	msgInvalidToken   = "Invalid access token"
	msgNoScope        = "Access token does not have an accepted scope"
	msgJobLogNotFound = "Application job log was not found"
	msgAppNotFound    = "Application was not found"
	msgClosed         = "The server is shutting down and starts no more jobs"
	msgServerError    = "Internal server error"
)

// errorBody is Losant's error JSON.
func errorBody(typ, msg string) generated.Error {
	return generated.Error{Type: &typ, Message: &msg}
}

// errorWriter writes every error response the handler sends, outside the
// generated strict handler's typed responses.
type errorWriter struct{ logger *slog.Logger }

func (e *errorWriter) write(w http.ResponseWriter, status int, typ, msg string) {
	body, err := json.Marshal(errorBody(typ, msg))
	if err != nil { // cannot happen for two strings
		body = []byte(`{"type":"ServerError","message":"Internal server error"}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// routeNotFound answers a request for a path openapi.yaml does not have.
func (e *errorWriter) routeNotFound(w http.ResponseWriter, r *http.Request) {
	e.write(w, http.StatusNotFound, typeNotFound, "No route "+r.Method+" "+r.URL.Path)
}

// methodNotAllowed answers a known path with a method openapi.yaml does not
// list for it.
func (e *errorWriter) methodNotAllowed(w http.ResponseWriter, r *http.Request, allow []string) {
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
	}
	e.write(w, http.StatusMethodNotAllowed, typeMethodNotAllowed,
		"Method "+r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+strings.Join(allow, ", "))
}

// badParameter answers a request whose parameters the generated code could
// not bind. Validation normally refuses such a request first, so this is a
// safety net that keeps the answer Losant-shaped.
func (e *errorWriter) badParameter(w http.ResponseWriter, _ *http.Request, err error) {
	e.write(w, http.StatusBadRequest, typeValidation, err.Error())
}

// handlerError answers an error an operation's handler returned: 503 for
// a job started after Handler.Close, 500 (logged) for anything else.
func (e *errorWriter) handlerError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errClosed) {
		e.write(w, http.StatusServiceUnavailable, typeServiceUnavailable, msgClosed)
		return
	}
	e.serverError(w, r, err)
}

// serverError logs err and answers 500 without its details.
func (e *errorWriter) serverError(w http.ResponseWriter, r *http.Request, err error) {
	e.logger.Error("api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	e.write(w, http.StatusInternalServerError, typeServerError, msgServerError)
}

// authError is what the authentication function returns; the validator's
// error handler finds it inside kin-openapi's SecurityRequirementsError to
// tell 401 from 403.
type authError struct {
	status int
	typ    string
	msg    string
}

func (e *authError) Error() string { return e.msg }

func asAuthError(err error) (*authError, bool) {
	var ae *authError
	ok := errors.As(err, &ae)
	return ae, ok
}

// typeServiceUnavailable is the error type of the 503 the handler sends
// when it is already serving Options.MaxInFlight requests (limits.go).
const typeServiceUnavailable = "ServiceUnavailable"
