package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"
)

// The extensions that steer the SDK's code (openapi.yaml's info.description
// documents them for readers of the spec).
const (
	serviceExt = "x-go-service" // the service type an operation belongs to, such as ApplicationJobLog
	methodExt  = "x-go-method"  // the method's name, such as Get or List
	fixedExt   = "x-go-fixed"   // a query parameter always sent with its default, like the official clients
	scopesExt  = "x-losant-scopes"
)

// apiModel is what the templates render.
type apiModel struct {
	AcceptVersion string
	Services      []*serviceModel
	Ops           []*opModel
	Patterns      []patternModel
	// NeedRegexp: some pattern has no generated matcher.
	NeedRegexp bool
	// SchemasJSON holds the schemas of JSON-encoded query parameters.
	SchemasJSON string
	// NeedURL and NeedStrconv: the operations' parameters use net/url
	// and strconv.
	NeedURL, NeedStrconv bool

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
	Scopes           []string
	PathParams       []pathParamModel
	Query            []queryParamModel // the caller's; fixed ones are in DefaultQuery
	DefaultQuery     string
	Result           string // Go type of the 200 JSON body
	ParamsType       string // "" when the operation takes no query parameters of the caller's
}

type pathParamModel struct {
	Name, Arg, Pattern, PatternVar, Rule string
}

// patternModel is a path parameter's pattern and the Go matcher the
// generator wrote for it (Func: a loop over bytes for ^[class]{m,n}$
// patterns, so the SDK links no regexp engine; Regexp: the fallback).
type patternModel struct {
	Var, Pattern string
	Func         string // the body of a func(s string) bool, or ""
}

type queryParamModel struct {
	Name, Field, GoType, Doc string
	Kind                     string // enum, int, string, bool, json
	Schema                   string // the component schema of a json parameter
	Default                  string
	Min, Max                 *float64
	EnumValues               string
}

func readAPI(doc *openapi3.T) (*apiModel, error) {
	if doc.Info == nil || doc.Info.Version == "" {
		return nil, errors.New("openapi.yaml has no info.version")
	}
	m := &apiModel{AcceptVersion: "^" + doc.Info.Version, schemas: newSchemaTable(doc)}
	services := map[string]*serviceModel{}
	patterns := map[string]string{}
	tagDocs := map[string]string{}
	for _, t := range doc.Tags {
		tagDocs[t.Name] = t.Description
	}
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, path := range paths {
		item := doc.Paths.Value(path)
		methods := make([]string, 0)
		for method := range item.Operations() {
			methods = append(methods, method)
		}
		sort.Strings(methods)
		for _, method := range methods {
			op := item.GetOperation(method)
			o, err := readOp(path, method, item, op, patterns, m.schemas)
			if err != nil {
				return nil, fmt.Errorf("operation %s %s (%s): %w", method, path, op.OperationID, err)
			}
			m.Ops = append(m.Ops, o)
			for _, q := range o.Query {
				m.NeedURL = true
				m.NeedStrconv = m.NeedStrconv || q.Kind == "int" || q.Kind == "bool"
			}
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
				if other.GoName == o.GoName {
					return nil, fmt.Errorf("operations %s and %s are both %sService.%s: give one another %s", other.ID, o.ID, o.Service, o.GoName, methodExt)
				}
			}
			s.Ops = append(s.Ops, o)
		}
	}
	sort.Slice(m.Services, func(i, j int) bool { return m.Services[i].Name < m.Services[j].Name })
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

func readOp(path, method string, item *openapi3.PathItem, op *openapi3.Operation, patterns map[string]string, schemas *schemaTable) (*opModel, error) {
	if op.OperationID == "" {
		return nil, errors.New("no operationId")
	}
	o := &opModel{
		ID: op.OperationID, Method: method, Path: path,
		Var:     codegen.ToCamelCaseWithInitialisms(op.OperationID),
		Summary: strings.TrimSpace(op.Summary), Desc: strings.TrimSpace(op.Description),
	}
	o.Service, _ = op.Extensions[serviceExt].(string)
	if o.Service == "" {
		if len(op.Tags) == 0 {
			return nil, fmt.Errorf("neither %s nor a tag names its service", serviceExt)
		}
		o.Service = strings.ReplaceAll(op.Tags[0], " ", "")
	}
	o.GoName, _ = op.Extensions[methodExt].(string)
	if o.GoName == "" {
		o.GoName = o.Var
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

	params := append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)
	byName := map[string]*openapi3.Parameter{}
	fixed := url.Values{}
	for _, ref := range params {
		p := ref.Value
		byName[p.In+":"+p.Name] = p
		if p.In != openapi3.ParameterInQuery {
			continue
		}
		if isFixed, _ := p.Extensions[fixedExt].(bool); isFixed {
			if p.Schema == nil || p.Schema.Value == nil || p.Schema.Value.Default == nil {
				return nil, fmt.Errorf("query parameter %s is %s but has no default", p.Name, fixedExt)
			}
			fixed.Set(p.Name, fmt.Sprint(p.Schema.Value.Default))
			continue
		}
		q, err := readQueryParam(p, schemas)
		if err != nil {
			return nil, fmt.Errorf("query parameter %s: %w", p.Name, err)
		}
		o.Query = append(o.Query, q)
	}
	o.DefaultQuery = fixed.Encode()
	if len(o.Query) > 0 {
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
		pp := pathParamModel{Name: name, Arg: lowerFirst(codegen.ToCamelCaseWithInitialisms(name))}
		if s := p.Schema; s != nil && s.Value != nil {
			if s.Value.Pattern != "" {
				if _, ok := patterns[s.Value.Pattern]; !ok {
					patterns[s.Value.Pattern] = fmt.Sprintf("pattern%d", len(patterns)+1)
				}
				pp.Pattern, pp.PatternVar = s.Value.Pattern, patterns[s.Value.Pattern]
			}
			pp.Rule = strings.TrimSuffix(strings.TrimSpace(s.Value.Description), ".")
		}
		o.PathParams = append(o.PathParams, pp)
	}

	ok := op.Responses.Status(200)
	if ok == nil || ok.Value == nil {
		return nil, errors.New("no 200 response")
	}
	mt := ok.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Ref == "" {
		return nil, errors.New("the 200 response must be application/json with a $ref to a component schema")
	}
	o.Result = schemaGoName(mt.Schema)
	return o, nil
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

func readQueryParam(p *openapi3.Parameter, schemas *schemaTable) (queryParamModel, error) {
	q := queryParamModel{Name: p.Name, Doc: strings.TrimSpace(p.Description)}
	q.Field, _ = p.Extensions["x-go-name"].(string)
	if q.Field == "" {
		q.Field = codegen.ToCamelCaseWithInitialisms(p.Name)
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
	if p.Schema == nil || p.Schema.Value == nil {
		return q, errors.New("no schema")
	}
	s := p.Schema.Value
	if s.Default != nil {
		q.Default = fmt.Sprint(s.Default)
	}
	q.Min, q.Max = s.Min, s.Max
	switch {
	case len(s.Enum) > 0:
		if p.Schema.Ref == "" {
			return q, errors.New("an enum parameter must $ref a component schema, so its Go type is one users can name")
		}
		q.Kind, q.GoType = "enum", schemaGoName(p.Schema)
		var vals []string
		for _, v := range s.Enum {
			vals = append(vals, fmt.Sprint(v))
		}
		q.EnumValues = strings.Join(vals, ", ")
	case s.Type.Is(openapi3.TypeInteger):
		q.Kind, q.GoType = "int", "int"
	case s.Type.Is(openapi3.TypeString):
		q.Kind, q.GoType = "string", "string"
	case s.Type.Is(openapi3.TypeBoolean):
		q.Kind, q.GoType = "bool", "*bool"
	default:
		return q, fmt.Errorf("schema type %v is not supported", s.Type)
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
	if o.ParamsType != "" {
		paras = append(paras, "params may be nil: the API's defaults apply. Invalid parameters give an error matching ErrInvalidArgument, before anything is sent.")
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

var funcs = template.FuncMap{
	"comment": comment,
	"quote":   strconv.Quote,
	"join":    strings.Join,
	"lower":   lowerFirst,
	"float":   func(f *float64) string { return strconv.FormatFloat(*f, 'f', -1, 64) },
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
	out, err := format.Source(b.Bytes())
	if err != nil {
		return b.Bytes(), fmt.Errorf("formatting %s: %w\n%s", name, err, b.String())
	}
	return out, nil
}
