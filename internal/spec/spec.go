// Package spec reads openapi.yaml, as embedded in the generated package, so
// that the SDK and the local API take their API version, parameter rules,
// query defaults and accepted token scopes from the document instead of
// repeating them in Go.
package spec

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/generated"
)

// ScopesExtension is the operation extension that lists the token scopes an
// operation accepts; a token needs at least one of them. OpenAPI 3.0 requires
// an http bearer security requirement's scope list to be empty, so the scopes
// live in this extension instead.
const ScopesExtension = "x-losant-scopes"

var load = sync.OnceValues(func() (*openapi3.T, error) {
	doc, err := generated.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("spec: loading the embedded openapi.yaml: %w", err)
	}
	return doc, nil
})

// Document returns the embedded OpenAPI document, loaded once per process.
// Callers must not modify it.
func Document() (*openapi3.T, error) { return load() }

// AcceptVersion returns the Accept-Version header value clients send: the
// semver range "^" + info.version.
func AcceptVersion() (string, error) {
	doc, err := load()
	if err != nil {
		return "", err
	}
	if doc.Info == nil || doc.Info.Version == "" {
		return "", errors.New("spec: openapi.yaml has no info.version")
	}
	return "^" + doc.Info.Version, nil
}

// Operation is what a client or server needs to know about one operation.
type Operation struct {
	ID     string
	Method string
	Path   string
	// Op is the operation as the document describes it.
	Op *openapi3.Operation
	// Params are the operation's parameters, path-level ones included.
	Params openapi3.Parameters
	// DefaultQuery is the encoded query string made of every query
	// parameter's schema default, as the official clients send them.
	DefaultQuery string
	// Scopes are the token scopes the operation accepts, sorted.
	Scopes []string

	// patterns holds, for each path parameter whose schema is nothing but
	// a string with a pattern (Losant's IDs), that pattern compiled, so
	// CheckPathParam can accept a matching value without the general
	// schema validator.
	patterns map[string]*regexp.Regexp
}

var (
	opsOnce sync.Once
	ops     map[string]*Operation
	opsErr  error
)

// Op returns the operation with the given operationId.
func Op(id string) (*Operation, error) {
	opsOnce.Do(func() { ops, opsErr = index() })
	if opsErr != nil {
		return nil, opsErr
	}
	op, ok := ops[id]
	if !ok {
		return nil, fmt.Errorf("spec: openapi.yaml has no operation %q", id)
	}
	return op, nil
}

func index() (map[string]*Operation, error) {
	doc, err := load()
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Operation)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := &Operation{ID: op.OperationID, Method: method, Path: path, Op: op}
			o.Params = append(append(o.Params, item.Parameters...), op.Parameters...)
			q := url.Values{}
			for _, p := range o.Params {
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery &&
					p.Value.Schema != nil && p.Value.Schema.Value != nil && p.Value.Schema.Value.Default != nil {
					q.Set(p.Value.Name, fmt.Sprint(p.Value.Schema.Value.Default))
				}
			}
			o.DefaultQuery = q.Encode()
			scopes, err := readScopes(op)
			if err != nil {
				return nil, fmt.Errorf("spec: operation %s: %w", op.OperationID, err)
			}
			o.Scopes = scopes
			o.patterns = pathPatterns(o.Params)
			out[op.OperationID] = o
		}
	}
	return out, nil
}

func readScopes(op *openapi3.Operation) ([]string, error) {
	raw, ok := op.Extensions[ScopesExtension]
	if !ok {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("%s must be a list of strings, got %T", ScopesExtension, raw)
	}
	scopes := make([]string, 0, len(list))
	for _, v := range list {
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("%s must hold non-empty strings, got %v", ScopesExtension, v)
		}
		scopes = append(scopes, s)
	}
	sort.Strings(scopes)
	return scopes, nil
}

// PathParam returns the operation's path parameter with the given name.
func (o *Operation) PathParam(name string) (*openapi3.Parameter, error) {
	p := o.Params.GetByInAndName(openapi3.ParameterInPath, name)
	if p == nil {
		return nil, fmt.Errorf("spec: operation %s has no path parameter %q", o.ID, name)
	}
	return p, nil
}

// CheckPathParam validates value against the schema of the named path
// parameter (its pattern, for Losant's IDs). The error says which rule the
// value broke; it never repeats the value.
func (o *Operation) CheckPathParam(name, value string) error {
	p, err := o.PathParam(name)
	if err != nil {
		return err
	}
	if value == "" {
		return errors.New("is empty")
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return nil
	}
	if re := o.patterns[name]; re != nil && re.MatchString(value) {
		// What VisitJSON would accept: a string matching the only rule.
		return nil
	}
	if err := p.Schema.Value.VisitJSON(value, openapi3.DisableReadOnlyValidation()); err != nil {
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			return errors.New(se.Reason)
		}
		return err
	}
	return nil
}

// pathPatterns compiles the pattern of each path parameter whose schema
// has no rule but type string and a pattern, as kin-openapi compiles it. A
// value that matches is then valid without VisitJSON, which costs a
// microsecond and a few allocations per call; any other value, and any
// parameter with more rules, still goes through VisitJSON, which also
// words the error.
func pathPatterns(params openapi3.Parameters) map[string]*regexp.Regexp {
	out := make(map[string]*regexp.Regexp)
	for _, ref := range params {
		p := ref.Value
		if p == nil || p.In != openapi3.ParameterInPath || p.Schema == nil || p.Schema.Value == nil {
			continue
		}
		if s := p.Schema.Value; onlyStringPattern(s) {
			// kin-openapi rewrites \u escapes for Go's regexp; a pattern
			// with none compiles as it is written.
			if re, err := regexp.Compile(s.Pattern); err == nil && !strings.Contains(s.Pattern, `\u`) {
				out[p.Name] = re
			}
		}
	}
	return out
}

// onlyStringPattern reports whether s says nothing about a string but that
// it matches s.Pattern: no length, format, enum, nullability or composition
// rules (annotations such as description and example aside).
func onlyStringPattern(s *openapi3.Schema) bool {
	return s.Type != nil && s.Type.Is(openapi3.TypeString) && s.Pattern != "" &&
		s.Format == "" && s.Enum == nil && s.Const == nil && s.MinLength == 0 && s.MaxLength == nil &&
		s.Not == nil && len(s.AllOf) == 0 && len(s.AnyOf) == 0 && len(s.OneOf) == 0 &&
		s.If == nil && s.Then == nil && s.Else == nil && s.Always == nil
}

// ResponseContent returns the application/json content of the operation's
// response for status, or of its default response when the status has none.
func (o *Operation) ResponseContent(status int) (*openapi3.MediaType, error) {
	if o.Op.Responses == nil {
		return nil, fmt.Errorf("spec: operation %s has no responses", o.ID)
	}
	ref := o.Op.Responses.Status(status)
	if ref == nil {
		ref = o.Op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("spec: operation %s has no response for status %d", o.ID, status)
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, fmt.Errorf("spec: operation %s: the %d response has no application/json schema", o.ID, status)
	}
	return mt, nil
}
