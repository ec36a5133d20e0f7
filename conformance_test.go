package losant_test

import (
	"context"
	"encoding/json"
	"io"
	"iter"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oapi-codegen/oapi-codegen/v2/pkg/codegen"

	losant "github.com/losant-go/losant-go"
)

// TestOperationsConform checks every operation of openapi.yaml against the
// method generated for it: one string argument per path parameter, a body
// argument exactly when the spec has a request body (of the body schema's
// type, or a form type with a field per part), a parameters struct exactly
// when the caller has query parameters or headers to set, with a field for
// each, and a result with a field per 2xx schema. It reads the spec with
// kin-openapi and the SDK with reflect, so a generator that drops a
// construct fails here even if the generated code compiles.
func TestOperationsConform(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := losant.NewClient(losant.WithToken(testToken))
	if err != nil {
		t.Fatal(err)
	}
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	n := 0
	for path, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			n++
			name := op.OperationID
			service, _ := op.Extensions["x-go-service"].(string)
			goMethod, _ := op.Extensions["x-go-method"].(string)
			if service == "" || goMethod == "" {
				t.Errorf("%s: give it x-go-service and x-go-method", name)
				continue
			}
			field := reflect.ValueOf(c).Elem().FieldByName(service)
			if !field.IsValid() || field.IsNil() {
				t.Errorf("%s: Client has no %s service: run go generate", name, service)
				continue
			}
			m := field.MethodByName(goMethod)
			if !m.IsValid() {
				t.Errorf("%s: %sService has no method %s: run go generate", name, service, goMethod)
				continue
			}
			mt := m.Type()
			in := []reflect.Type{}
			for i := range mt.NumIn() {
				in = append(in, mt.In(i))
			}
			if len(in) < 2 || in[0] != ctxType || !mt.IsVariadic() || in[len(in)-1].Elem().Name() != "RequestOption" {
				t.Errorf("%s: %s.%s%v: want ctx first and opts ...RequestOption last", name, service, goMethod, in)
				continue
			}
			args := in[1 : len(in)-1]
			params := append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...)

			// Path parameters, in the path's order.
			pathParams := strings.Count(path, "{")
			for i := 0; i < pathParams; i++ {
				if i >= len(args) || args[i].Kind() != reflect.String {
					t.Errorf("%s: argument %d should be a path parameter's string; have %v", name, i+1, args)
				}
			}
			args = args[min(pathParams, len(args)):]

			// The body.
			if rb := op.RequestBody; rb != nil {
				if len(args) == 0 || args[0].Kind() != reflect.Pointer {
					t.Errorf("%s: the spec has a request body; the method has no body argument (%v)", name, in)
					continue
				}
				checkBody(t, name, rb.Value, args[0].Elem())
				args = args[1:]
			}

			// The parameters struct: every query parameter of the caller's
			// and every header of the operation's own.
			var want []string
			for _, p := range params {
				switch {
				case p.Value.In == openapi3.ParameterInQuery && p.Value.Extensions["x-go-fixed"] != true:
					want = append(want, "query:"+p.Value.Name)
				case p.Value.In == openapi3.ParameterInHeader && p.Ref == "":
					want = append(want, "header:"+p.Value.Name)
				}
				// A $ref'd header is a shared option (WithLosantDomain),
				// which the fixture's golden test covers.
			}
			if len(want) > 0 {
				if len(args) == 0 || args[0].Kind() != reflect.Pointer || args[0].Elem().Kind() != reflect.Struct {
					t.Errorf("%s: the spec has parameters %v; the method has no parameters struct", name, want)
					continue
				}
				var have []string
				st := args[0].Elem()
				for i := range st.NumField() {
					f := st.Field(i)
					for _, key := range []string{"query", "header"} {
						if v, ok := f.Tag.Lookup(key); ok {
							have = append(have, key+":"+v)
						}
					}
				}
				sort.Strings(want)
				sort.Strings(have)
				if strings.Join(want, ",") != strings.Join(have, ",") {
					t.Errorf("%s: parameters struct %s holds %v, the spec %v", name, st.Name(), have, want)
				}
				args = args[1:]
			}
			if len(args) != 0 {
				t.Errorf("%s: unexpected arguments %v", name, args)
			}

			// The results.
			checkResults(t, name, op, mt, errType)

			if op.Extensions["x-go-paginate"] != nil {
				all := field.MethodByName("All")
				if !all.IsValid() || all.Type().Out(0).Kind() != reflect.Func {
					t.Errorf("%s: paged, but %sService has no All iterator", name, service)
				} else if raw := field.MethodByName("AllRaw"); !raw.IsValid() || raw.Type().Out(0) != reflect.TypeFor[iter.Seq2[json.RawMessage, error]]() {
					t.Errorf("%s: paged, but %sService has no AllRaw iterator", name, service)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("openapi.yaml has no operations")
	}
}

// checkBody checks the body argument's type against the request body.
func checkBody(t *testing.T, op string, rb *openapi3.RequestBody, typ reflect.Type) {
	t.Helper()
	if mt := rb.Content.Get("application/json"); mt != nil {
		if mt.Schema.Ref != "" {
			want := codegen.SchemaNameToTypeName(mt.Schema.Ref[strings.LastIndexByte(mt.Schema.Ref, '/')+1:])
			if typ.Name() != want {
				t.Errorf("%s: body is *%s, the spec's schema is %s", op, typ.Name(), want)
			}
		}
		return
	}
	mt := rb.Content.Get("multipart/form-data")
	if mt == nil {
		t.Errorf("%s: a body of %v", op, rb.Content)
		return
	}
	var want, have []string
	for part := range mt.Schema.Value.Properties {
		want = append(want, part)
	}
	for i := range typ.NumField() {
		if v, ok := typ.Field(i).Tag.Lookup("form"); ok {
			have = append(have, v)
			if s := mt.Schema.Value.Properties[v]; s != nil && s.Value.Format == "binary" && typ.Field(i).Type != reflect.TypeFor[io.Reader]() {
				t.Errorf("%s: file part %s is a %v, want an io.Reader", op, v, typ.Field(i).Type)
			}
		}
	}
	sort.Strings(want)
	sort.Strings(have)
	if strings.Join(want, ",") != strings.Join(have, ",") {
		t.Errorf("%s: form %s has parts %v, the spec %v", op, typ.Name(), have, want)
	}
}

// checkResults checks the method returns a field per 2xx schema.
func checkResults(t *testing.T, op string, spec *openapi3.Operation, mt reflect.Type, errType reflect.Type) {
	t.Helper()
	type result struct {
		code   int
		schema string
	}
	var results []result
	for code, r := range spec.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil || status < 200 || status > 299 {
			continue
		}
		res := result{code: status}
		if c := r.Value.Content.Get("application/json"); c != nil {
			res.schema = codegen.SchemaNameToTypeName(c.Schema.Ref[strings.LastIndexByte(c.Schema.Ref, '/')+1:])
		}
		results = append(results, res)
	}
	out := []reflect.Type{}
	for i := range mt.NumOut() {
		out = append(out, mt.Out(i))
	}
	if out[len(out)-1] != errType {
		t.Errorf("%s: the last result is %v, want error", op, out[len(out)-1])
		return
	}
	switch {
	case len(results) == 1 && results[0].schema == "":
		if len(out) != 1 {
			t.Errorf("%s: one bodiless answer, want a method returning error alone, got %v", op, out)
		}
	case len(results) == 1 && spec.Extensions["x-losant-job-name"] != nil:
		// The answer is the job it started: its handle.
		if len(out) != 2 || out[0] != reflect.TypeFor[*losant.Job]() {
			t.Errorf("%s: starts a job and answers only %d; returns %v, want *Job", op, results[0].code, out)
		}
	case len(results) == 1:
		if len(out) != 2 || out[0].Kind() != reflect.Pointer || out[0].Elem().Name() != results[0].schema {
			t.Errorf("%s: returns %v, want *%s", op, out, results[0].schema)
		}
	default:
		if len(out) != 2 || out[0].Kind() != reflect.Pointer {
			t.Errorf("%s: returns %v, want a response type", op, out)
			return
		}
		rt := out[0].Elem()
		if spec.Extensions["x-losant-job-name"] != nil {
			if _, ok := out[0].MethodByName("Job"); !ok {
				t.Errorf("%s: starts a job, but %s has no Job method", op, rt.Name())
			}
		}
		if f, ok := rt.FieldByName("StatusCode"); !ok || f.Type.Kind() != reflect.Int {
			t.Errorf("%s: %s has no StatusCode", op, rt.Name())
		}
		for _, r := range results {
			if r.schema == "" {
				continue
			}
			f, ok := rt.FieldByName("JSON" + strconv.Itoa(r.code))
			if !ok || f.Type.Kind() != reflect.Pointer || f.Type.Elem().Name() != r.schema {
				t.Errorf("%s: %s has no JSON%d *%s", op, rt.Name(), r.code, r.schema)
			}
		}
	}
}
