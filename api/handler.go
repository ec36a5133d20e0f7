package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/losant-go/losant-go/generated"
)

// Options configures NewHandler. The zero value is usable: example data, and
// any bearer token accepted with full access.
type Options struct {
	// Tokens maps each bearer token the server accepts to its scopes, such
	// as "applicationJobLog.get" or "all.Application.read". A token with no
	// scopes (nil or empty) has full access; otherwise it needs at least one
	// of the scopes the operation lists in openapi.yaml's x-losant-scopes.
	//
	// With no tokens at all, any non-empty bearer token is accepted with
	// full access; a request without one still gets 401.
	Tokens map[string][]string

	// Store holds the job logs served. Nil means a new ExampleStore.
	Store *Store

	// BasePath serves the API under a path prefix, such as "/losant", for
	// clients whose base URL has one. Empty means the root.
	BasePath string

	// Logger receives the causes of 500 responses (never sent to clients).
	// Nil means slog.Default().
	Logger *slog.Logger

	// MaxURIBytes caps the request target as sent, path and query
	// together; a longer one is answered 414 with a Validation error
	// before anything else is done with it. Zero means DefaultMaxURIBytes
	// (20 KiB); negative means no cap but the server's header limit.
	MaxURIBytes int

	// MaxQueryBytes caps the query string; a longer one is answered 414
	// with a Validation error. Zero means DefaultMaxQueryBytes (16 KiB);
	// negative means no cap but MaxURIBytes.
	MaxQueryBytes int

	// MaxInFlight bounds the requests the handler serves at once. A
	// request beyond it is not queued: it is answered at once 503 with a
	// ServiceUnavailable error and Retry-After: 1, which losant-go's
	// client retries by itself. Zero means DefaultMaxInFlight (1024);
	// negative means no bound.
	MaxInFlight int
}

// NewHandler returns an http.Handler that answers like Losant's REST API for
// the operations in openapi.yaml, from opts.Store. It fails on an invalid
// option (an empty token or scope, a malformed BasePath) or if the embedded
// spec cannot be loaded; it never fails per request.
func NewHandler(opts Options) (http.Handler, error) {
	store := opts.Store
	if store == nil {
		var err error
		if store, err = ExampleStore(); err != nil {
			return nil, err
		}
	}
	if err := checkBasePath(opts.BasePath); err != nil {
		return nil, err
	}
	auth, err := newAuthenticator(opts.Tokens)
	if err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	e := &errorWriter{logger: logger}

	mux := http.NewServeMux()
	// The validator answers unknown routes before they reach the mux; this
	// catch-all only keeps the mux's own text/plain 404 from ever being sent.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { e.routeNotFound(w, r) })
	strict := generated.NewStrictHandlerWithOptions(&server{store: store}, []generated.StrictMiddlewareFunc{withRawQuery}, generated.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  e.badParameter,
		ResponseErrorHandlerFunc: e.serverError,
	})
	generated.HandlerWithOptions(strict, generated.StdHTTPServerOptions{
		BaseURL:          opts.BasePath,
		BaseRouter:       mux,
		ErrorHandlerFunc: e.badParameter,
	})

	validate, err := newValidator(auth, e, opts.BasePath)
	if err != nil {
		return nil, err
	}
	return withLimits(validate(mux), opts, e), nil
}

func checkBasePath(p string) error {
	if p == "" {
		return nil
	}
	if !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.ContainsAny(p, "?#{} ") {
		return fmt.Errorf("api: BasePath %q: want a path such as /losant: a leading slash, no trailing slash, no query", p)
	}
	return nil
}

// rawQueryKey is the context key under which withRawQuery puts the
// request's query parameters.
type rawQueryKey struct{}

// withRawQuery gives the handlers the query parameters as sent. The
// generated code decodes a JSON-text parameter into a typed model, which
// drops what the model cannot hold ({"name":null}, meaning "has no name",
// becomes {}, meaning everything); a handler reads the text the validator
// checked instead.
func withRawQuery(f generated.StrictHandlerFunc, _ string) generated.StrictHandlerFunc {
	return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
		if r.URL.RawQuery != "" {
			ctx = context.WithValue(ctx, rawQueryKey{}, r.URL.Query())
		}
		return f(ctx, w, r, req)
	}
}

// rawQueryParam returns the query parameter name as the request sent it.
func rawQueryParam(ctx context.Context, name string) string {
	v, _ := ctx.Value(rawQueryKey{}).(url.Values)
	return v.Get(name)
}

// server implements the operations of openapi.yaml over a Store. Requests
// reach it matched, validated and authorised.
type server struct{ store *Store }

var _ generated.StrictServerInterface = (*server)(nil)

// GetApplicationJobLog answers GET /applications/{applicationId}/jobLogs/{jobId}.
func (s *server) GetApplicationJobLog(_ context.Context, req generated.GetApplicationJobLogRequestObject) (generated.GetApplicationJobLogResponseObject, error) {
	raw, ok := s.store.raw(req.ApplicationID, req.JobID)
	if !ok {
		return generated.GetApplicationJobLog404JSONResponse{
			NotFoundJSONResponse: generated.NotFoundJSONResponse(errorBody(typeNotFound, msgJobLogNotFound)),
		}, nil
	}
	return storedJobLog(raw), nil
}

// storedJobLog is a 200 response whose body is the job log exactly as
// stored. It is written by hand rather than using the generated
// GetApplicationJobLog200JSONResponse because that one re-encodes through
// the typed struct, which would drop fields openapi.yaml does not list and
// rewrite timestamps ("...00.000Z" becomes "...00Z"): the store keeps what
// it was given, and this answers it byte for byte.
type storedJobLog []byte

func (b storedJobLog) VisitGetApplicationJobLogResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	// A fresh slice: appending to b could write into the store's array.
	_, err := w.Write(append(append(make([]byte, 0, len(b)+1), b...), '\n'))
	return err
}
