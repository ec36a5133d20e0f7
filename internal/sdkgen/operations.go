package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
	"golang.org/x/tools/go/ast/astutil"
)

// The extensions that steer the SDK's code (openapi.yaml's info.description
// documents them for readers of the spec).
const (
	serviceExt  = "x-go-service"  // the service type an operation belongs to, such as ApplicationJobLog
	methodExt   = "x-go-method"   // the method's name, such as Get or List
	fixedExt    = "x-go-fixed"    // a query parameter always sent with its default, like the official clients
	paginateExt = "x-go-paginate" // "page": the operation lists pages of items; All and AllRaw iterate them
	scopesExt   = "x-losant-scopes"
	jobNameExt  = "x-losant-job-name" // the job log name of the job an operation starts: its 202 gives a *Job
)

// apiModel is what the templates render.
type apiModel struct {
	AcceptVersion string
	Module        string
	Services      []*serviceModel
	Ops           []*opModel
	Patterns      []patternModel
	// NeedRegexp: some pattern has no generated matcher.
	NeedRegexp bool
	// SchemasJSON holds the schemas of JSON-encoded query parameters and
	// JSON bodies.
	SchemasJSON string
	// Shared are the header parameters ($ref'd components) that become
	// options rather than fields.
	Shared []*sharedHeaderModel
	// PageSize is the default page size of the paged operations, which
	// must agree on it ("" when none is paged).
	PageSize string

	schemas *schemaTable
}

type serviceModel struct {
	Name  string // ApplicationJobLog: type ApplicationJobLogService, field Client.ApplicationJobLog
	Doc   string
	Ops   []*opModel
	first string // operationId that named it, for error messages
}

type opModel struct {
	ID, Method, Path string
	Var              string // the internal/ops variable, such as GetApplicationJobLog
	Service, GoName  string
	Summary, Desc    string
	DocsURL          string
	Deprecated       bool
	Scopes           []string
	PathParams       []pathParamModel
	Query            []queryParamModel // the caller's; fixed ones are in DefaultQuery
	Headers          []headerParamModel
	SharedHeaders    []string // header names of the shared options the operation takes
	DefaultQuery     string
	Body             *bodyModel
	Results          []resultModel // one per 2xx status, in order
	// Result is the Go type of the one 2xx JSON body when there is one
	// result; ResponseType the generated <Service><Method>Response when
	// there are several (or one without a body among others); both ""
	// when the only answer has no body.
	Result, ResponseType string
	ParamsType           string // "" when the caller sets no query parameter or header
	RequiredParams       bool
	Pager                *pagerModel
	// Job: the operation starts a job (x-losant-job-name), and its 2xx
	// answer Job.Field holds the job's id; JobOnly when that is its only
	// answer, and the method returns the *Job itself.
	Job     *jobModel
	JobOnly bool
}

type jobModel struct {
	Name, Field, GoType, AppArg string
	Status                      int
}

type pathParamModel struct {
	Name, Arg, Pattern, PatternVar, Rule string
}

// patternModel is a pattern and the Go matcher the generator wrote for it
// (Func: a loop over bytes for ^[class]{m,n}$ patterns, so the SDK links no
// regexp engine; otherwise Regexp, compiled once).
type patternModel struct {
	Var, Pattern string
	Func         string // the body of a func(s string) bool, or ""
}

type queryParamModel struct {
	Name, Field, GoType, Doc string
	Kind                     string // enum, int, number, string, bool, json
	Array                    bool   // a list of Kind values
	Explode                  bool   // an array sent as name=a&name=b (else name=a,b)
	Required                 bool
	Schema                   string // the component schema of a json parameter
	Pattern                  string
	Default                  string
	Min, Max                 *float64
	EnumValues               string
}

type headerParamModel struct {
	Name, Field, Doc string
	Required         bool
}

type sharedHeaderModel struct {
	Func, Header, Doc string
}

type bodyModel struct {
	Kind     string // json or multipart
	GoType   string // the model (json) or the generated form type (multipart)
	Schema   string // json: the component schema checked before sending
	Required bool
	Doc      string
	Parts    []partModel
}

type partModel struct {
	Name, Field, Doc string
	ContentType      string // file: the part's Content-Type
	Kind             string // file, string or json
	GoType           string // json: the model type
	Schema           string // json: the component schema checked before sending
	Required         bool
}

type resultModel struct {
	Status int
	Field  string // JSON200, as oapi-codegen's ClientWithResponses names it
	GoType string // "" when the answer has no body
	Doc    string
}

type pagerModel struct {
	ItemType, PageParam, SizeParam, ItemsField, SizeField string
}

func readAPI(doc *openapi3.T, module string) (*apiModel, error) {
	if doc.Info == nil || doc.Info.Version == "" {
		return nil, errors.New("openapi.yaml has no info.version")
	}
	if err := refuseUnsupported(doc); err != nil {
		return nil, err
	}
	m := &apiModel{AcceptVersion: "^" + doc.Info.Version, Module: module, schemas: newSchemaTable(doc)}
	services := map[string]*serviceModel{}
	patterns := map[string]string{}
	shared := map[string]*sharedHeaderModel{}
	tagDocs := map[string]string{}
	for _, t := range doc.Tags {
		tagDocs[t.Name] = t.Description
	}
	for _, d := range operations(doc) {
		path, method, item, op := d.path, d.method, d.item, d.op
		o, err := readOp(doc, path, method, item, op, patterns, shared, m.schemas)
		if err != nil {
			return nil, fmt.Errorf("operation %s %s (%s): %w", method, path, op.OperationID, err)
		}
		m.Ops = append(m.Ops, o)
		s := services[o.Service]
		if s == nil {
			s = &serviceModel{Name: o.Service, first: o.ID}
			services[o.Service] = s
			m.Services = append(m.Services, s)
		}
		if len(op.Tags) > 0 {
			if d := strings.TrimSpace(tagDocs[op.Tags[0]]); d != "" && !strings.Contains(s.Doc, d) {
				s.Doc = strings.TrimSpace(s.Doc + " " + d)
			}
		}
		for _, other := range s.Ops {
			if other.GoName == o.GoName || (other.Pager != nil && o.GoName == "All") || (o.Pager != nil && other.GoName == "All") {
				return nil, fmt.Errorf("operations %s and %s both make %sService.%s: give one another %s", other.ID, o.ID, o.Service, o.GoName, methodExt)
			}
		}
		s.Ops = append(s.Ops, o)
		if o.Pager != nil {
			size := o.PageSizeDefault()
			if size == "0" {
				return nil, fmt.Errorf("operation %s: %s: its %s parameter needs a default, the page size All asks for", o.ID, paginateExt, o.Pager.SizeParam)
			}
			if m.PageSize != "" && m.PageSize != size {
				return nil, fmt.Errorf("operation %s: %s: its default page size %s differs from another paged operation's, %s (DefaultPageSize is one constant)", o.ID, paginateExt, size, m.PageSize)
			}
			m.PageSize = size
		}
	}
	sort.Slice(m.Services, func(i, j int) bool { return m.Services[i].Name < m.Services[j].Name })
	for _, name := range sortedKeys(shared) {
		m.Shared = append(m.Shared, shared[name])
	}
	for _, p := range m.schemas.Patterns() {
		if _, ok := patterns[p]; !ok {
			patterns[p] = fmt.Sprintf("pattern%d", len(patterns)+1)
		}
	}
	m.SchemasJSON = m.schemas.JSON()
	for p, v := range patterns {
		m.Patterns = append(m.Patterns, patternModel{Var: v, Pattern: p, Func: matcher(p)})
		m.NeedRegexp = m.NeedRegexp || matcher(p) == ""
	}
	sort.Slice(m.Patterns, func(i, j int) bool { return m.Patterns[i].Var < m.Patterns[j].Var })
	return m, nil
}

// refuseUnsupported fails on document-level constructs the generators do
// not implement, rather than ignoring them.
func refuseUnsupported(doc *openapi3.T) error {
	for name, ss := range doc.Components.SecuritySchemes {
		if ss.Value == nil || ss.Value.Type != "http" || !strings.EqualFold(ss.Value.Scheme, "bearer") {
			return fmt.Errorf("security scheme %s: only an http bearer scheme is implemented (the client sends WithToken's token as Authorization: Bearer)", name)
		}
	}
	return nil
}

func readOp(doc *openapi3.T, path, method string, item *openapi3.PathItem, op *openapi3.Operation, patterns map[string]string, shared map[string]*sharedHeaderModel, schemas *schemaTable) (*opModel, error) {
	if op.OperationID == "" {
		return nil, errors.New("no operationId")
	}
	switch {
	case len(op.Callbacks) > 0:
		return nil, errors.New("callbacks are not generated: remove them or extend internal/sdkgen")
	case op.Servers != nil && len(*op.Servers) > 0:
		return nil, errors.New("per-operation servers are not generated: the client has one base URL")
	case len(item.Servers) > 0:
		return nil, errors.New("per-path servers are not generated: the client has one base URL")
	}
	o := &opModel{
		ID: op.OperationID, Method: method, Path: path,
		Var:     goIdent(op.OperationID),
		Summary: strings.TrimSpace(op.Summary), Desc: strings.TrimSpace(op.Description),
		Deprecated: op.Deprecated,
	}
	o.Service, o.GoName = opNames(op)
	if o.Service == "" {
		return nil, fmt.Errorf("neither %s nor a tag names its service", serviceExt)
	}
	if op.ExternalDocs != nil {
		o.DocsURL = op.ExternalDocs.URL
	}
	if raw, ok := op.Extensions[scopesExt]; ok {
		list, ok := raw.([]any)
		if !ok {
			return nil, fmt.Errorf("%s must be a list of strings", scopesExt)
		}
		for _, v := range list {
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return nil, fmt.Errorf("%s must hold non-empty strings, got %v", scopesExt, v)
			}
			o.Scopes = append(o.Scopes, s)
		}
		sort.Strings(o.Scopes)
	}

	// Operation parameters override path-item ones of the same name and
	// location (OpenAPI 3.0, 4.7.10).
	params := append(openapi3.Parameters{}, item.Parameters...)
	for _, p := range op.Parameters {
		params = slices.DeleteFunc(params, func(q *openapi3.ParameterRef) bool {
			return q.Value.In == p.Value.In && q.Value.Name == p.Value.Name
		})
		params = append(params, p)
	}
	byName := map[string]*openapi3.Parameter{}
	fixed := url.Values{}
	for _, ref := range params {
		p := ref.Value
		byName[p.In+":"+p.Name] = p
		switch p.In {
		case openapi3.ParameterInPath:
			continue // below, in the path's order
		case openapi3.ParameterInHeader:
			h, err := readHeaderParam(ref)
			if err != nil {
				return nil, fmt.Errorf("header parameter %s: %w", p.Name, err)
			}
			if ref.Ref != "" {
				// A component header: one option for every operation.
				fn := "With" + h.Field
				if prev, ok := shared[fn]; ok && prev.Header != p.Name {
					return nil, fmt.Errorf("header parameter %s: option %s already sends %s; give one another x-go-name", p.Name, fn, prev.Header)
				}
				shared[fn] = &sharedHeaderModel{Func: fn, Header: p.Name, Doc: h.Doc}
				o.SharedHeaders = append(o.SharedHeaders, p.Name)
				continue
			}
			o.Headers = append(o.Headers, h)
			o.RequiredParams = o.RequiredParams || h.Required
		case openapi3.ParameterInQuery:
			if isFixed, _ := p.Extensions[fixedExt].(bool); isFixed {
				if p.Schema == nil || p.Schema.Value == nil || p.Schema.Value.Default == nil {
					return nil, fmt.Errorf("query parameter %s is %s but has no default", p.Name, fixedExt)
				}
				fixed.Set(p.Name, fmt.Sprint(p.Schema.Value.Default))
				continue
			}
			q, err := readQueryParam(p, schemas, patterns)
			if err != nil {
				return nil, fmt.Errorf("query parameter %s: %w", p.Name, err)
			}
			o.Query = append(o.Query, q)
			o.RequiredParams = o.RequiredParams || q.Required
		default:
			return nil, fmt.Errorf("parameter %s: %s parameters are not generated", p.Name, p.In)
		}
	}
	sort.Strings(o.SharedHeaders)
	o.DefaultQuery = fixed.Encode()
	if len(o.Query) > 0 || len(o.Headers) > 0 {
		o.ParamsType = o.Service + o.GoName + "Params"
	}

	// Path parameters in the order the path names them.
	rest := path
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("unbalanced braces in path %q", path)
		}
		name := rest[open+1 : open+end]
		rest = rest[open+end+1:]
		p := byName[openapi3.ParameterInPath+":"+name]
		if p == nil {
			return nil, fmt.Errorf("path parameter {%s} is not declared", name)
		}
		pp := pathParamModel{Name: name, Arg: lowerFirst(goIdent(name))}
		if s := p.Schema; s != nil && s.Value != nil {
			if !s.Value.Type.Is(openapi3.TypeString) {
				return nil, fmt.Errorf("path parameter %s: only string path parameters are generated, got %v", name, s.Value.Type)
			}
			if s.Value.Pattern != "" {
				pp.Pattern, pp.PatternVar = s.Value.Pattern, patternVar(patterns, s.Value.Pattern)
			}
			pp.Rule = strings.TrimSuffix(strings.TrimSpace(s.Value.Description), ".")
		}
		o.PathParams = append(o.PathParams, pp)
	}
	for key, p := range byName {
		if p.In == openapi3.ParameterInPath && !strings.Contains(path, "{"+p.Name+"}") {
			return nil, fmt.Errorf("path parameter %s is declared but not in the path", key)
		}
	}

	if op.RequestBody != nil {
		b, err := readBody(o, op.RequestBody, schemas)
		if err != nil {
			return nil, fmt.Errorf("request body: %w", err)
		}
		o.Body = b
	}
	if err := readResults(o, op); err != nil {
		return nil, err
	}
	if v, ok := op.Extensions[jobNameExt]; ok {
		j, err := readJob(doc, o, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", jobNameExt, err)
		}
		o.Job = j
		if len(o.Results) == 1 {
			o.JobOnly, o.Result = true, ""
		}
	}
	if v, ok := op.Extensions[paginateExt]; ok {
		p, err := readPager(doc, o, v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", paginateExt, err)
		}
		o.Pager = p
	}
	return o, nil
}

// readResults reads the 2xx answers: each either application/json with a
// $ref to a component schema, or no body.
func readResults(o *opModel, op *openapi3.Operation) error {
	if op.Responses == nil {
		return errors.New("no responses")
	}
	for _, code := range sortedKeys(op.Responses.Map()) {
		ref := op.Responses.Value(code)
		if code == "default" || code[0] != '2' {
			// Answered as an *APIError, whose Decode reads a JSON body's
			// details (a 422's validationErrors, say).
			if ref.Value != nil {
				for _, ct := range sortedKeys(ref.Value.Content) {
					if ct != "application/json" {
						return fmt.Errorf("response %s: content type %s is not generated (an *APIError decodes application/json)", code, ct)
					}
				}
			}
			continue
		}
		status, err := strconv.Atoi(code)
		if err != nil {
			return fmt.Errorf("response %q: status ranges such as 2XX are not generated; list each status", code)
		}
		r := resultModel{Status: status, Field: "JSON" + code}
		if ref.Value == nil {
			return fmt.Errorf("response %s: unresolved", code)
		}
		if ref.Value.Description != nil {
			r.Doc = strings.TrimSuffix(strings.TrimSpace(*ref.Value.Description), ".")
		}
		if len(ref.Value.Headers) > 0 {
			return fmt.Errorf("response %s: 2xx response headers (%s) are not generated; read them with WithResponseInto and drop them from the spec, or extend internal/sdkgen", code, strings.Join(sortedKeys(ref.Value.Headers), ", "))
		}
		for _, ct := range sortedKeys(ref.Value.Content) {
			if ct != "application/json" {
				return fmt.Errorf("response %s: content type %s is not generated (only application/json)", code, ct)
			}
		}
		if mt := ref.Value.Content.Get("application/json"); mt != nil {
			if mt.Schema == nil || mt.Schema.Ref == "" {
				return fmt.Errorf("response %s: its application/json schema must $ref a component schema, so its Go type is one users can name", code)
			}
			r.GoType = schemaGoName(mt.Schema)
		}
		o.Results = append(o.Results, r)
	}
	switch {
	case len(o.Results) == 0:
		return errors.New("no 2xx response: what does success return?")
	case len(o.Results) == 1 && o.Results[0].GoType != "":
		o.Result = o.Results[0].GoType
	case len(o.Results) > 1:
		o.ResponseType = o.Service + o.GoName + "Response"
	}
	return nil
}

func readHeaderParam(ref *openapi3.ParameterRef) (headerParamModel, error) {
	p := ref.Value
	h := headerParamModel{Name: p.Name, Doc: strings.TrimSpace(p.Description), Required: p.Required}
	h.Field, _ = p.Extensions["x-go-name"].(string)
	if h.Field == "" {
		h.Field = goIdent(p.Name)
	}
	if p.Content != nil || p.Schema == nil || p.Schema.Value == nil || !p.Schema.Value.Type.Is(openapi3.TypeString) || len(p.Schema.Value.Enum) > 0 || p.Schema.Value.Pattern != "" {
		return h, errors.New("only a plain string schema is generated for a header (no content, enum or pattern)")
	}
	return h, nil
}

func readBody(o *opModel, ref *openapi3.RequestBodyRef, schemas *schemaTable) (*bodyModel, error) {
	rb := ref.Value
	if rb == nil {
		return nil, errors.New("unresolved")
	}
	types := sortedKeys(rb.Content)
	if len(types) != 1 {
		return nil, fmt.Errorf("content types %v: exactly one of application/json and multipart/form-data is generated", types)
	}
	b := &bodyModel{Required: rb.Required, Doc: strings.TrimSpace(rb.Description)}
	mt := rb.Content[types[0]]
	switch types[0] {
	case "application/json":
		if mt.Schema == nil || mt.Schema.Ref == "" {
			return nil, errors.New("an application/json body needs a schema")
		}
		b.Kind, b.GoType = "json", schemaGoName(mt.Schema)
		b.Schema = mt.Schema.Ref[strings.LastIndexByte(mt.Schema.Ref, '/')+1:]
		schemas.add(b.Schema)
	case "multipart/form-data":
		b.Kind, b.GoType = "multipart", o.Service+o.GoName+"Form"
		if mt.Schema == nil || mt.Schema.Value == nil || !mt.Schema.Value.Type.Is(openapi3.TypeObject) {
			return nil, errors.New("a multipart/form-data body needs an object schema (its parts are the properties)")
		}
		if mt.Schema.Ref != "" {
			// A component used as a form is the form type, not a model
			// (genModels leaves it out: a file part is an io.Reader).
			b.GoType = schemaGoName(mt.Schema)
		}
		s := mt.Schema.Value
		for _, name := range sortedKeys(s.Properties) {
			prop := s.Properties[name]
			part := partModel{Name: name, Field: goIdent(name), Required: slices.Contains(s.Required, name)}
			if prop.Value == nil {
				return nil, fmt.Errorf("part %s: unresolved schema", name)
			}
			part.Doc = strings.TrimSpace(prop.Value.Description)
			enc := mt.Encoding[name]
			switch {
			case prop.Value.Type.Is(openapi3.TypeString) && prop.Value.Format == "binary":
				part.Kind, part.ContentType = "file", "application/octet-stream"
				if enc != nil && enc.ContentType != "" {
					if strings.ContainsAny(enc.ContentType, ",*") {
						return nil, fmt.Errorf("part %s: encoding contentType %q: name one media type for the file", name, enc.ContentType)
					}
					part.ContentType = enc.ContentType
				}
			case prop.Value.Type.Is(openapi3.TypeString):
				if enc != nil && enc.ContentType != "" && enc.ContentType != "text/plain" {
					return nil, fmt.Errorf("part %s: a string part is sent as text/plain, not %s", name, enc.ContentType)
				}
				part.Kind = "string"
			case prop.Ref != "" && (enc == nil || enc.ContentType == "application/json"):
				if enc == nil {
					return nil, fmt.Errorf("part %s: an object part needs encoding: {%s: {contentType: application/json}} to say how it is sent", name, name)
				}
				part.Kind, part.GoType = "json", schemaGoName(prop)
				part.Schema = prop.Ref[strings.LastIndexByte(prop.Ref, '/')+1:]
				schemas.add(part.Schema)
			default:
				return nil, fmt.Errorf("part %s: only binary files, strings and $ref'd objects sent as application/json are generated", name)
			}
			if enc != nil && len(enc.Headers) > 0 {
				return nil, fmt.Errorf("part %s: per-part headers are not generated", name)
			}
			b.Parts = append(b.Parts, part)
		}
		if len(b.Parts) == 0 {
			return nil, errors.New("a multipart/form-data body without parts")
		}
	default:
		return nil, fmt.Errorf("content type %s is not generated (application/json and multipart/form-data are)", types[0])
	}
	return b, nil
}

// readPager checks that a paginated operation has what the page walker
// needs: page and size query parameters and a result with the items and
// the page size used, and returns their names.
func readPager(doc *openapi3.T, o *opModel, v any) (*pagerModel, error) {
	if v != "page" {
		return nil, fmt.Errorf("%v: only page (page-number paging) is implemented", v)
	}
	p := &pagerModel{PageParam: "page", SizeParam: "perPage", ItemsField: "items", SizeField: "perPage"}
	has := func(name, kind string) bool {
		for _, q := range o.Query {
			if q.Name == name && q.Kind == kind && !q.Array {
				return true
			}
		}
		return false
	}
	if !has(p.PageParam, "int") || !has(p.SizeParam, "int") {
		return nil, fmt.Errorf("a paged operation needs integer query parameters %s and %s", p.PageParam, p.SizeParam)
	}
	if o.Result == "" {
		return nil, errors.New("a paged operation needs one 2xx JSON result")
	}
	var result *openapi3.Schema
	for _, r := range o.Results {
		for name, s := range doc.Components.Schemas {
			if schemaGoName(&openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: s.Value}) == r.GoType {
				result = s.Value
			}
		}
	}
	if result == nil {
		return nil, fmt.Errorf("result %s is not a component schema", o.Result)
	}
	items := result.Properties[p.ItemsField]
	if items == nil || items.Value == nil || items.Value.Items == nil || items.Value.Items.Ref == "" {
		return nil, fmt.Errorf("result %s needs %s: an array of a $ref'd schema", o.Result, p.ItemsField)
	}
	if size := result.Properties[p.SizeField]; size == nil || size.Value == nil || !size.Value.Type.Is(openapi3.TypeInteger) {
		return nil, fmt.Errorf("result %s needs an integer %s", o.Result, p.SizeField)
	}
	if item := items.Value.Items.Value; item == nil || item.Properties["id"] == nil {
		return nil, fmt.Errorf("the items of %s need an id (All skips an item already seen by it)", o.Result)
	}
	p.ItemType = schemaGoName(items.Value.Items)
	return p, nil
}

// readJob checks a job-starting operation: it names its application in an
// applicationId path parameter and answers with the job's id in a 2xx
// result whose schema has a jobId.
func readJob(doc *openapi3.T, o *opModel, v any) (*jobModel, error) {
	name, ok := v.(string)
	if !ok || name == "" {
		return nil, fmt.Errorf("%v: want the job log's name, a string", v)
	}
	j := &jobModel{Name: name}
	for _, p := range o.PathParams {
		if p.Name == "applicationId" {
			j.AppArg = p.Arg
		}
	}
	if j.AppArg == "" {
		return nil, errors.New("a job runs in an application: the path needs {applicationId}")
	}
	for _, r := range o.Results {
		if r.GoType == "" {
			continue
		}
		for cname, s := range doc.Components.Schemas {
			if schemaGoName(&openapi3.SchemaRef{Ref: "#/components/schemas/" + cname, Value: s.Value}) == r.GoType && s.Value.Properties["jobId"] != nil {
				if j.Field != "" {
					return nil, fmt.Errorf("answers %d and %d both carry a jobId: which one started the job?", j.Status, r.Status)
				}
				j.Field, j.GoType, j.Status = r.Field, r.GoType, r.Status
			}
		}
	}
	if j.Field == "" {
		return nil, errors.New("no 2xx answer carries the job's id (a schema with jobId)")
	}
	return j, nil
}

func patternVar(patterns map[string]string, pattern string) string {
	if _, ok := patterns[pattern]; !ok {
		patterns[pattern] = fmt.Sprintf("pattern%d", len(patterns)+1)
	}
	return patterns[pattern]
}

// goIdent is the exported Go name of an OpenAPI name: camel case with Go's
// initialisms (applicationId -> ApplicationID, callbackUrl -> CallbackURL).
func goIdent(name string) string {
	s := codegen.ToCamelCaseWithInitialisms(name)
	for _, ini := range []struct{ from, to string }{{"Id", "ID"}, {"Url", "URL"}, {"Api", "API"}} {
		for i := 0; ; {
			j := strings.Index(s[i:], ini.from)
			if j < 0 {
				break
			}
			j += i
			end := j + len(ini.from)
			if end == len(s) || (s[end] >= 'A' && s[end] <= 'Z') || (s[end] >= '0' && s[end] <= '9') {
				s = s[:j] + ini.to + s[end:]
			}
			i = j + len(ini.to)
		}
	}
	return s
}

// schemaGoName is the Go type oapi-codegen gives the component schema ref
// points to.
func schemaGoName(ref *openapi3.SchemaRef) string {
	if ref.Value != nil {
		if v, ok := ref.Value.Extensions["x-go-name"].(string); ok && v != "" {
			return v
		}
	}
	return codegen.SchemaNameToTypeName(ref.Ref[strings.LastIndexByte(ref.Ref, '/')+1:])
}

func readQueryParam(p *openapi3.Parameter, schemas *schemaTable, patterns map[string]string) (queryParamModel, error) {
	q := queryParamModel{Name: p.Name, Doc: strings.TrimSpace(p.Description), Required: p.Required}
	q.Field, _ = p.Extensions["x-go-name"].(string)
	if q.Field == "" {
		q.Field = goIdent(p.Name)
	}
	if p.Style != "" && p.Style != openapi3.SerializationForm {
		return q, fmt.Errorf("style %s is not generated (form is)", p.Style)
	}
	if mt := p.Content.Get("application/json"); mt != nil {
		// A JSON-encoded parameter: its Go type is the SDK's own
		// (x-go-sdk-type), checked against the schema before sending.
		q.Kind = "json"
		q.GoType, _ = p.Extensions["x-go-sdk-type"].(string)
		if q.GoType == "" || mt.Schema == nil || mt.Schema.Ref == "" {
			return q, errors.New("a JSON-encoded parameter needs x-go-sdk-type and a $ref to a component schema")
		}
		q.Schema = mt.Schema.Ref[strings.LastIndexByte(mt.Schema.Ref, '/')+1:]
		schemas.add(q.Schema)
		return q, nil
	}
	if len(p.Content) > 0 {
		return q, fmt.Errorf("content %v is not generated (application/json is)", sortedKeys(p.Content))
	}
	if p.Schema == nil || p.Schema.Value == nil {
		return q, errors.New("no schema")
	}
	ref, s := p.Schema, p.Schema.Value
	if s.Type.Is(openapi3.TypeArray) {
		if s.Items == nil || s.Items.Value == nil {
			return q, errors.New("an array without items")
		}
		q.Array = true
		q.Explode = p.Explode == nil || *p.Explode
		ref, s = s.Items, s.Items.Value
		if s.Type.Is(openapi3.TypeArray) || s.Type.Is(openapi3.TypeObject) {
			return q, errors.New("an array of arrays or objects is not generated")
		}
	}
	if s.Default != nil && !q.Array {
		q.Default = fmt.Sprint(s.Default)
	}
	q.Min, q.Max = s.Min, s.Max
	switch {
	case len(s.Enum) > 0:
		if ref.Ref == "" {
			return q, errors.New("an enum parameter must $ref a component schema, so its Go type is one users can name")
		}
		q.Kind, q.GoType = "enum", schemaGoName(ref)
		var vals []string
		for _, v := range s.Enum {
			vals = append(vals, fmt.Sprint(v))
		}
		q.EnumValues = strings.Join(vals, ", ")
	case s.Type.Is(openapi3.TypeInteger):
		q.Kind, q.GoType = "int", "int"
	case s.Type.Is(openapi3.TypeNumber):
		q.Kind, q.GoType = "number", "float64"
	case s.Type.Is(openapi3.TypeString):
		q.Kind, q.GoType = "string", "string"
		if s.Format != "" && s.Format != "date-time" && s.Format != "date" && s.Format != "email" && s.Format != "uri" {
			return q, fmt.Errorf("string format %s is not generated", s.Format)
		}
		if s.Pattern != "" {
			q.Pattern = s.Pattern
			patternVar(patterns, s.Pattern)
		}
	case s.Type.Is(openapi3.TypeBoolean):
		q.Kind, q.GoType = "bool", "*bool"
		if q.Required || q.Array {
			q.GoType = "bool"
		}
	default:
		return q, fmt.Errorf("schema type %v is not generated", s.Type)
	}
	if q.Array {
		q.GoType = "[]" + q.GoType
		if q.Min != nil || q.Max != nil || q.Pattern != "" {
			return q, errors.New("minimum, maximum and pattern on array items are not generated")
		}
	}
	if q.Required && q.Default != "" {
		return q, errors.New("a required parameter with a default: one of the two is a mistake")
	}
	return q, nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	if len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z' && !strings.HasPrefix(s, "ID") && !strings.HasPrefix(s, "URL") && !strings.HasPrefix(s, "API") {
		return s // an initialism such as JSON in prose
	}
	// ID -> id, URL -> url: a leading initialism is lowered whole.
	for _, ini := range []string{"ID", "URL", "API"} {
		if strings.HasPrefix(s, ini) && (len(s) == len(ini) || strings.ToUpper(s[len(ini):len(ini)+1]) == s[len(ini):len(ini)+1]) {
			return strings.ToLower(ini) + s[len(ini):]
		}
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// comment turns text into // lines, each paragraph refilled to 76
// columns; lines of a list ("- ", "* ") or indented code stay as written.
func comment(text string) string {
	var b strings.Builder
	for i, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if i > 0 {
			b.WriteString("//\n")
		}
		lines := strings.Split(para, "\n")
		literal := false
		for _, l := range lines {
			if t := strings.TrimSpace(l); strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
				literal = true
			}
		}
		if literal {
			for _, l := range lines {
				b.WriteString(strings.TrimRight("// "+l, " ") + "\n")
			}
			continue
		}
		line := "//"
		for _, w := range strings.Fields(para) {
			if len(line)+1+len(w) > 79 && line != "//" {
				b.WriteString(line + "\n")
				line = "//"
			}
			line += " " + w
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// DocComment is the method's doc comment: what it does (the spec's summary
// and description), how its arguments are checked, the accepted scopes,
// the Losant docs link and the route.
func (o *opModel) DocComment() string {
	var paras []string
	paras = append(paras, fmt.Sprintf("%s is %s: %s.", o.GoName, o.ID, lowerFirst(strings.TrimSuffix(o.Summary, "."))))
	if o.Desc != "" {
		paras = append(paras, o.Desc)
	}
	if len(o.PathParams) > 0 {
		var rules []string
		for _, p := range o.PathParams {
			rules = append(rules, p.Arg+": "+lowerFirst(p.Rule))
		}
		paras = append(paras, "Path parameters are checked against openapi.yaml before anything is sent ("+
			strings.Join(rules, "; ")+"); a value that breaks its rule gives an error matching ErrInvalidArgument.")
	}
	if o.Body != nil {
		switch {
		case o.Body.Kind == "multipart":
			paras = append(paras, "body is sent as multipart/form-data: file parts are streamed from their readers, never read whole into memory. A required part left empty gives an error matching ErrInvalidArgument before anything is sent.")
		case o.Body.Required:
			paras = append(paras, "body is required and sent as JSON, checked against openapi.yaml's "+o.Body.Schema+" first: a value that breaks it gives an error matching ErrInvalidArgument, naming the field.")
		default:
			paras = append(paras, "body may be nil (nothing is sent); otherwise it is sent as JSON, checked against openapi.yaml's "+o.Body.Schema+" first: a value that breaks it gives an error matching ErrInvalidArgument, naming the field.")
		}
	}
	if o.ParamsType != "" {
		if o.RequiredParams {
			paras = append(paras, "params is required (some of its fields are). Invalid parameters give an error matching ErrInvalidArgument, before anything is sent.")
		} else {
			paras = append(paras, "params may be nil: the API's defaults apply. Invalid parameters give an error matching ErrInvalidArgument, before anything is sent.")
		}
	}
	if len(o.SharedHeaders) > 0 {
		paras = append(paras, "Shared headers, sent when set by their options: "+strings.Join(o.SharedHeaders, ", ")+".")
	}
	if o.ResponseType != "" {
		var alts []string
		for _, r := range o.Results {
			if r.GoType == "" {
				alts = append(alts, fmt.Sprintf("%d (no body)", r.Status))
			} else {
				alts = append(alts, fmt.Sprintf("%d (%s)", r.Status, r.Field))
			}
		}
		paras = append(paras, "The result holds the status the API answered and the body of that status: "+strings.Join(alts, ", ")+". Any other 2xx status is a *ResponseError.")
	}
	if o.Job != nil {
		if o.JobOnly {
			paras = append(paras, "It starts the "+o.Job.Name+" job and returns its handle: Wait follows it to the end. Save Job.Name to resume from another process with Client.ParseJob.")
		} else {
			paras = append(paras, fmt.Sprintf("The result's Job method gives the handle on the %s job: the one the API queued (a %d answer), to Wait for, or, when the API did the work at once, a finished job whose Wait returns at once. Save Job.Name to resume from another process with Client.ParseJob.", o.Job.Name, o.Job.Status))
		}
	}
	if !o.Idempotent() {
		paras = append(paras, "It is not retried unless the call says WithRetryNonIdempotent: sending it twice may start two jobs. A failure after the request may have reached the API matches ErrMaybeDelivered.")
	}
	if o.Deprecated {
		paras = append(paras, "Deprecated: openapi.yaml marks this operation deprecated.")
	}
	if len(o.Scopes) > 0 {
		paras = append(paras, "Accepted token scopes (any one): "+strings.Join(o.Scopes, ", ")+".")
	}
	if o.DocsURL != "" {
		paras = append(paras, "Losant API docs: "+o.DocsURL)
	}
	paras = append(paras, o.Method+" "+o.Path)
	return comment(strings.Join(paras, "\n\n"))
}

// Idempotent reports whether the method is one HTTP says may be repeated.
func (o *opModel) Idempotent() bool {
	switch o.Method {
	case "GET", "HEAD", "OPTIONS", "PUT", "DELETE":
		return true
	}
	return false
}

// Params is the method's arguments after ctx and before opts: the path
// parameters, the body, the parameters struct.
func (o *opModel) Params() string {
	var out []string
	for _, p := range o.PathParams {
		out = append(out, p.Arg+" string")
	}
	if o.Body != nil {
		out = append(out, "body *"+o.Body.GoType)
	}
	if o.ParamsType != "" {
		out = append(out, "params *"+o.ParamsType)
	}
	return strings.Join(out, ", ")
}

// Args is Params' names, for a call.
func (o *opModel) Args() string {
	var out []string
	for _, p := range o.PathParams {
		out = append(out, p.Arg)
	}
	if o.Body != nil {
		out = append(out, "body")
	}
	if o.ParamsType != "" {
		out = append(out, "params")
	}
	return strings.Join(out, ", ")
}

// PathArgs is the path parameters' names.
func (o *opModel) PathArgs() string {
	var out []string
	for _, p := range o.PathParams {
		out = append(out, p.Arg)
	}
	return strings.Join(out, ", ")
}

// Statuses lists the 2xx statuses and whether each has a body, for the
// operation table.
func (o *opModel) Statuses() string {
	var out []string
	for _, r := range o.Results {
		out = append(out, fmt.Sprintf("%d: %v", r.Status, r.GoType != ""))
	}
	return strings.Join(out, ", ")
}

// PageSizeDefault is the default of the pager's size parameter, the page
// size All asks for when params set none.
func (o *opModel) PageSizeDefault() string {
	for _, q := range o.Query {
		if o.Pager != nil && q.Name == o.Pager.SizeParam && q.Default != "" {
			return q.Default
		}
	}
	return "0"
}

var funcs = template.FuncMap{
	"comment": comment,
	"field":   codegen.ToCamelCaseWithInitialisms,
	"trimDot": func(s string) string { return strings.TrimSuffix(strings.TrimSpace(s), ".") },
	"docSuffix": func(doc string) string {
		if doc == "" {
			return ""
		}
		return " " + strings.TrimSpace(doc)
	},
	"requiredSuffix": func(required bool) string {
		if required {
			return " Required."
		}
		return ""
	},
	"required": func(o *opModel) string {
		var names []string
		for _, q := range o.Query {
			if q.Required {
				names = append(names, q.Field)
			}
		}
		for _, h := range o.Headers {
			if h.Required {
				names = append(names, h.Field)
			}
		}
		return strings.Join(names, " and ")
	},
	"quote": strconv.Quote,
	"join":  strings.Join,
	"lower": lowerFirst,
	"float": func(f *float64) string { return strconv.FormatFloat(*f, 'f', -1, 64) },
	"methods": func(ops []*opModel) string {
		var out []string
		for _, o := range ops {
			out = append(out, o.GoName)
		}
		return strings.Join(out, ", ")
	},
	"args": func(ps []pathParamModel) string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Arg)
		}
		return strings.Join(out, ", ")
	},
}

func render(name, text string, data any) ([]byte, error) {
	t, err := template.New(name).Funcs(funcs).Parse(text)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, err
	}
	return tidy(name, b.Bytes())
}

// tidy removes the imports src does not use and formats it. Templates
// import every package they might need; what a spec does not use goes.
func tidy(name string, src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name+".go", src, parser.ParseComments)
	if err != nil {
		return src, fmt.Errorf("parsing the generated %s: %w\n%s", name, err, src)
	}
	for _, imp := range slices.Clone(f.Imports) {
		path, _ := strconv.Unquote(imp.Path.Value)
		if !astutil.UsesImport(f, path) {
			if imp.Name != nil {
				astutil.DeleteNamedImport(fset, f, imp.Name.Name, path)
			} else {
				astutil.DeleteImport(fset, f, path)
			}
		}
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return src, fmt.Errorf("formatting %s: %w", name, err)
	}
	return format.Source(out.Bytes())
}
