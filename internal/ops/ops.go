// Package ops describes the API's operations as openapi.yaml defines them:
// method, path template, path-parameter rules, the query defaults every
// call sends, and the token scopes each accepts. The table (ops.gen.go) is
// written by internal/sdkgen at `go generate` time, so the SDK and the local
// API read the spec's facts without parsing the spec at run time; this
// package imports nothing but the standard library.
package ops

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Operation is one operation of openapi.yaml.
type Operation struct {
	// ID is the operationId, such as getApplicationJobLog.
	ID string
	// Method is the HTTP method, such as GET.
	Method string
	// Path is the path template, such as /applications/{applicationId}/jobLogs.
	Path string
	// PathParams are the path parameters in the order the path names them.
	PathParams []PathParam
	// DefaultQuery is the encoded query of the parameters sent on every
	// call with their defaults (x-go-fixed), as Losant's official clients
	// send them.
	DefaultQuery string
	// Headers are the shared headers the operation takes (component
	// header parameters, sent by the SDK's generated options).
	Headers []string
	// Success maps each 2xx status openapi.yaml declares to whether its
	// answer has a JSON body. Any other 2xx is not the API's.
	Success map[int]bool
	// Scopes are the token scopes the operation accepts (x-losant-scopes),
	// sorted; a token needs one of them.
	Scopes []string
	// DocsURL is the operation's page in Losant's API documentation.
	DocsURL string
}

// PathParam is a path parameter and the rule its values must follow.
type PathParam struct {
	Name string
	// Pattern is the schema's pattern, "" when it has none.
	Pattern string
	// Match reports whether a value matches Pattern (nil when there is
	// none). The generator writes it as Go.
	Match func(string) bool
	// Rule describes a valid value for people (the schema's description).
	Rule string
}

// ParamError is a path value that breaks its parameter's rule. Its message
// never repeats the value in full.
type ParamError struct {
	Name   string // the parameter, such as applicationId
	Reason string // what is wrong, such as `"abc" is not ...`
}

func (e *ParamError) Error() string { return e.Name + ": " + e.Reason }

// maxQuoted is how much of a bad value an error message quotes.
const maxQuoted = 40

// quote quotes v for an error message, cut to maxQuoted characters (and,
// by %q's escapes, on one line).
func quote(v string) string {
	if utf8.RuneCountInString(v) > maxQuoted {
		return strconv.Quote(string([]rune(v)[:maxQuoted])) + "..."
	}
	return strconv.Quote(v)
}

// CheckPath validates values, one per path parameter in order, against
// their rules, so that a value such as "../me" can never reach another
// path. The first failure is a *ParamError.
func (o *Operation) CheckPath(values []string) error {
	if len(values) != len(o.PathParams) {
		return fmt.Errorf("ops: %s takes %d path parameters, got %d", o.ID, len(o.PathParams), len(values))
	}
	for i := range o.PathParams {
		if err := o.PathParams[i].Check(values[i]); err != nil {
			return err
		}
	}
	return nil
}

// CheckParam validates value against the rule of the named path parameter.
func (o *Operation) CheckParam(name, value string) error {
	for i := range o.PathParams {
		if o.PathParams[i].Name == name {
			return o.PathParams[i].Check(value)
		}
	}
	return fmt.Errorf("ops: %s has no path parameter %q", o.ID, name)
}

// Check validates one value against the parameter's rule: a *ParamError
// when it breaks it.
func (p *PathParam) Check(v string) error {
	switch {
	case v == "":
		return &ParamError{Name: p.Name, Reason: "is empty; want " + lowerFirst(p.Rule)}
	case p.Match != nil && !p.Match(v):
		return &ParamError{Name: p.Name, Reason: quote(v) + " does not match " + p.Pattern + " (" + lowerFirst(p.Rule) + ")"}
	}
	return nil
}

// AppendPath appends the path with each {parameter} replaced by its value,
// path-escaped, to b. Values must have passed CheckPath.
func (o *Operation) AppendPath(b []byte, values []string) []byte {
	rest := o.Path
	for _, v := range values {
		open := strings.IndexByte(rest, '{')
		end := strings.IndexByte(rest, '}')
		if open < 0 || end < open {
			break
		}
		b = append(b, rest[:open]...)
		b = append(b, url.PathEscape(v)...)
		rest = rest[end+1:]
	}
	return append(b, rest...)
}

// Idempotent reports whether sending the operation twice has the effect of
// sending it once (RFC 9110: GET, HEAD, OPTIONS, PUT, DELETE), which is
// what makes a retry safe.
func (o *Operation) Idempotent() bool {
	switch o.Method {
	case "GET", "HEAD", "OPTIONS", "PUT", "DELETE":
		return true
	}
	return false
}

// MatchPattern reports whether s matches pattern, one of the patterns
// openapi.yaml's operations use (the generator wrote a matcher for each).
// An unknown pattern matches nothing.
func MatchPattern(pattern, s string) bool {
	m := schemaPatterns[pattern]
	return m != nil && m(s)
}

// TakesHeader reports whether the operation takes the shared header name
// (as openapi.yaml spells it).
func (o *Operation) TakesHeader(name string) bool {
	for _, h := range o.Headers {
		if strings.EqualFold(h, name) {
			return true
		}
	}
	return false
}

// ByID returns the operation with the given operationId, or nil.
func ByID(id string) *Operation {
	for _, o := range All {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return "a valid value"
	}
	if len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' {
		return s // an initialism
	}
	return strings.ToLower(s[:1]) + s[1:]
}
