package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	nethttpmiddleware "github.com/oapi-codegen/nethttp-middleware"

	"github.com/losant-go/losant-go/generated"
	"github.com/losant-go/losant-go/internal/ops"
)

// validator matches every request to an operation of openapi.yaml and
// validates it there (the token first, then the parameters) with
// kin-openapi, answering every failure in Losant's shape.
type validator struct {
	router    routers.Router // kin-openapi's, for the Allow header of a 405
	errs      *errorWriter
	basePath  string
	json      jsonParams
	jsonNames []string // every name in json, to skip requests without one
}

func newValidator(auth *authenticator, errs *errorWriter, basePath string) (func(http.Handler) http.Handler, error) {
	doc, err := routingDoc()
	if err != nil {
		return nil, err
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("api: routing openapi.yaml: %w", err)
	}
	v := &validator{router: router, errs: errs, basePath: basePath, json: takeJSONParams(doc)}
	for _, params := range v.json {
		for name := range params {
			if !slices.Contains(v.jsonNames, name) {
				v.jsonNames = append(v.jsonNames, name)
			}
		}
	}
	middleware := func(excludeBody bool) func(http.Handler) http.Handler {
		return nethttpmiddleware.OapiRequestValidatorWithOptions(doc, &nethttpmiddleware.Options{
			Options:               openapi3filter.Options{AuthenticationFunc: auth.authenticate, ExcludeRequestBody: excludeBody},
			ErrorHandlerWithOpts:  v.fail,
			Prefix:                basePath,
			SilenceServersWarning: true,
		})
	}
	// kin-openapi reads a whole request body into memory, twice over: to
	// validate it, and (v0.153, validateSecurityRequirement) before calling
	// the authentication function, in case that reads the body. That is
	// fine for JSON bodies, which the limiter caps at Options.MaxBodyBytes,
	// but not for an import's multipart body, which may be gigabytes. So a
	// multipart request is validated without its body: the validator is
	// shown an empty one and told to skip it, the real body is handed back
	// after, and the import handler streams and checks each part itself
	// (import.go).
	validate, validateStreamed := middleware(false), middleware(true)
	return func(next http.Handler) http.Handler {
		next = v.checkJSON(next)
		whole := validate(next)
		streamed := validateStreamed(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if body, ok := r.Context().Value(heldBodyKey{}).(io.ReadCloser); ok {
				r.Body = body
			}
			next.ServeHTTP(w, r)
		}))
		return withCORS(doc, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isMultipart(r) {
				held := r.Body
				r = r.WithContext(context.WithValue(r.Context(), heldBodyKey{}, held))
				r.Body = http.NoBody
				streamed.ServeHTTP(w, r)
				return
			}
			whole.ServeHTTP(w, r)
		}))
	}, nil
}

// heldBodyKey is the context key under which a multipart request's body
// waits while the request is validated without it.
type heldBodyKey struct{}

// isMultipart reports whether r's body is multipart/form-data.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// routingDoc returns a private copy of openapi.yaml without its servers:
// kin-openapi's router would otherwise match only requests addressed to
// api.losant.com, not to this server's loopback address.
func routingDoc() (*openapi3.T, error) {
	doc, err := generated.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("api: loading the embedded openapi.yaml: %w", err)
	}
	doc.Servers = nil
	return doc, nil
}

// jsonParams maps each operation to its query parameters whose value is
// JSON text (content: application/json) with a component schema: the
// parameter's name to the schema's.
type jsonParams map[*openapi3.Operation]map[string]string

// takeJSONParams finds doc's JSON-text query parameters and takes them
// out of doc, so that kin-openapi (which lets a query parameter the spec
// does not list through) leaves them alone: checkJSON judges them with
// internal/ops.CheckJSON, the SDK's own check, which also enforces the
// spec's x-losant extensions (enum, nesting depth) and names the mistake
// ("unknown operator"). One judge, so a query the SDK sends is one this
// server takes, and every refusal reads the same.
func takeJSONParams(doc *openapi3.T) jsonParams {
	out := jsonParams{}
	for _, item := range doc.Paths.Map() {
		shared := takeJSON(&item.Parameters)
		for _, op := range item.Operations() {
			own := takeJSON(&op.Parameters)
			if len(shared)+len(own) == 0 {
				continue
			}
			out[op] = map[string]string{}
			maps.Copy(out[op], shared)
			maps.Copy(out[op], own) // an operation's own parameter overrides the path's
		}
	}
	return out
}

// takeJSON removes the JSON-text query parameters from list, returning
// their names and the names of their schemas.
func takeJSON(list *openapi3.Parameters) map[string]string {
	found := map[string]string{}
	*list = slices.DeleteFunc(*list, func(p *openapi3.ParameterRef) bool {
		mt := p.Value.Content.Get("application/json")
		if p.Value.In != openapi3.ParameterInQuery || mt == nil || mt.Schema == nil || mt.Schema.Ref == "" {
			return false
		}
		found[p.Value.Name] = mt.Schema.Ref[strings.LastIndexByte(mt.Schema.Ref, '/')+1:]
		return true
	})
	return found
}

// checkJSON answers 400 when a JSON-text query parameter breaks its
// schema, before the generated code decodes it; it runs after kin-openapi
// has authenticated the request and checked the rest.
func (v *validator) checkJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !v.checkJSONBody(w, r) {
			return
		}
		if r.URL.RawQuery == "" {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		if !slices.ContainsFunc(v.jsonNames, q.Has) {
			next.ServeHTTP(w, r)
			return
		}
		if route, _, err := v.router.FindRoute(v.probe(r, r.Method)); err == nil {
			for name, schema := range v.json[route.Operation] {
				if text := q.Get(name); text != "" {
					if err := ops.CheckJSON(schema, []byte(text)); err != nil {
						v.errs.write(w, http.StatusBadRequest, typeValidation, name+": "+err.Error())
						return
					}
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// checkJSONBody judges a JSON request body with the SDK's own check
// (ops.CheckJSON, against the operation's body schema), so that the local
// API refuses what the SDK refuses before sending: kin-openapi, which has
// already validated it, checks no string formats (an email, a uri). It
// answers 400 and returns false for a body that breaks a rule; the body is
// already bounded (Options.MaxBodyBytes) and is put back for the handler.
func (v *validator) checkJSONBody(w http.ResponseWriter, r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return true
	}
	route, _, err := v.router.FindRoute(v.probe(r, r.Method))
	if err != nil || route.Operation.RequestBody == nil || route.Operation.RequestBody.Value == nil {
		return true
	}
	content := route.Operation.RequestBody.Value.Content.Get("application/json")
	if content == nil || content.Schema == nil || content.Schema.Ref == "" {
		return true
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		v.errs.write(w, http.StatusBadRequest, typeValidation, "request body: "+err.Error())
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if len(bytes.TrimSpace(body)) == 0 {
		return true // an optional body left out; kin-openapi judged a required one
	}
	schema := content.Schema.Ref[strings.LastIndexByte(content.Schema.Ref, '/')+1:]
	if err := ops.CheckJSON(schema, body); err != nil {
		v.errs.write(w, http.StatusBadRequest, typeValidation, "request body: "+err.Error())
		return false
	}
	return true
}

// fail is the middleware's ErrorHandlerWithOpts.
func (v *validator) fail(_ context.Context, err error, w http.ResponseWriter, r *http.Request, o nethttpmiddleware.ErrorHandlerOpts) {
	if o.MatchedRoute == nil {
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			v.errs.methodNotAllowed(w, r, v.allowed(r))
			return
		}
		v.errs.routeNotFound(w, r)
		return
	}
	if ae, ok := asAuthError(err); ok {
		if ae.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", "Bearer")
		}
		v.errs.write(w, ae.status, ae.typ, ae.msg)
		return
	}
	var sre *openapi3filter.SecurityRequirementsError
	var re *openapi3filter.RequestError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		v.errs.write(w, http.StatusBadRequest, typeValidation, bodyTooLarge(tooLarge.Limit, "MaxBodyBytes"))
	case errors.As(err, &sre):
		v.errs.serverError(w, r, err) // the authenticator failed, not the caller
	case errors.As(err, &re):
		v.errs.write(w, http.StatusBadRequest, typeValidation, validationMessage(re))
	default:
		v.errs.serverError(w, r, err)
	}
}

// validationMessage says in one line which parameter broke which rule.
// kin-openapi's own Error() spans several lines and dumps the schema.
func validationMessage(re *openapi3filter.RequestError) string {
	reason := re.Reason
	var se *openapi3.SchemaError
	switch {
	case errors.As(re.Err, &se) && se.Reason != "":
		reason = se.Reason
	case re.Err != nil:
		reason = re.Err.Error()
	}
	if p := re.Parameter; p != nil {
		return fmt.Sprintf("%s parameter %q: %s", p.In, p.Name, firstLine(reason))
	}
	if re.RequestBody != nil && se != nil {
		// Where in the body, as the SDK's check says it: request body: a.b.
		if where := strings.Join(se.JSONPointer(), "."); where != "" {
			return "request body: " + where + ": " + firstLine(reason)
		}
	}
	return firstLine(reason)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// openAPIMethods are the methods an OpenAPI path item can hold.
var openAPIMethods = []string{
	http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
	http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace,
}

// allowed lists the methods openapi.yaml has for r's path. kin-openapi's
// router only says "method not allowed", so each method is tried in turn.
func (v *validator) allowed(r *http.Request) []string {
	var allow []string
	for _, m := range openAPIMethods {
		if _, _, err := v.router.FindRoute(v.probe(r, m)); err == nil {
			allow = append(allow, m)
		}
	}
	return allow
}

// probe is r with method m and without the base path, for the router.
func (v *validator) probe(r *http.Request, m string) *http.Request {
	if v.basePath == "" && m == r.Method {
		return r
	}
	probe := r.Clone(r.Context())
	probe.Method = m
	if v.basePath != "" {
		probe.URL.Path = strings.TrimPrefix(probe.URL.Path, v.basePath)
		probe.URL.RawPath = ""
	}
	return probe
}
