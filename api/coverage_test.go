package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/generated"
)

// TestEveryOperationIsServed sends each operation of openapi.yaml to the
// local API as its examples describe it: path, query and header
// parameters from their examples, the body from the request body's example
// (a multipart body from its parts' examples, files from exampleFiles).
// Each must be answered with a 2xx the operation documents: a handler that
// is missing, broken, or refuses the spec's own example fails.
func TestEveryOperationIsServed(t *testing.T) {
	doc, err := generated.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, api.Options{JobDuration: fastJobs})
	n := 0
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			n++
			t.Run(op.OperationID, func(t *testing.T) {
				req := exampleRequest(t, srv.URL, method, path, item, op)
				req.Header.Set("Authorization", "Bearer any")
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				code := strconv.Itoa(resp.StatusCode)
				if resp.StatusCode < 200 || resp.StatusCode > 299 || op.Responses.Value(code) == nil {
					t.Errorf("%s %s: %d %s, want a 2xx the operation documents (%v)", method, req.URL.Path, resp.StatusCode, body, documented(op))
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("openapi.yaml has no operations")
	}
}

func documented(op *openapi3.Operation) []string {
	var out []string
	for code := range op.Responses.Map() {
		if strings.HasPrefix(code, "2") {
			out = append(out, code)
		}
	}
	sort.Strings(out)
	return out
}

// exampleRequest builds op's request from the spec's examples.
func exampleRequest(t *testing.T, base, method, path string, item *openapi3.PathItem, op *openapi3.Operation) *http.Request {
	t.Helper()
	query := url.Values{}
	header := http.Header{}
	for _, ref := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
		p := ref.Value
		ex := p.Example
		if ex == nil && p.Schema != nil && p.Schema.Value != nil {
			ex = p.Schema.Value.Example
		}
		if ex == nil {
			for _, mt := range p.Content {
				if mt.Example != nil {
					b, _ := json.Marshal(mt.Example)
					ex = string(b)
				}
			}
		}
		if ex == nil {
			if p.Required {
				t.Fatalf("required %s parameter %s has no example", p.In, p.Name)
			}
			continue
		}
		v := fmt.Sprint(ex)
		switch p.In {
		case openapi3.ParameterInPath:
			path = strings.ReplaceAll(path, "{"+p.Name+"}", url.PathEscape(v))
		case openapi3.ParameterInQuery:
			query.Set(p.Name, v)
		case openapi3.ParameterInHeader:
			header.Set(p.Name, v)
		}
	}
	var body io.Reader
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil {
			if mt.Example == nil {
				if rb.Value.Required {
					t.Fatal("the request body has no example")
				}
			} else {
				b, err := json.Marshal(mt.Example)
				if err != nil {
					t.Fatal(err)
				}
				body = bytes.NewReader(b)
				header.Set("Content-Type", "application/json")
			}
		}
		if mt := rb.Value.Content.Get("multipart/form-data"); mt != nil {
			// The parts from the body's example: a file part's example is
			// its content; an object part is sent as JSON text.
			ex, ok := mt.Example.(map[string]any)
			if !ok {
				t.Fatal("the multipart body has no example object")
			}
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			for _, name := range slices.Sorted(maps.Keys(ex)) {
				prop := mt.Schema.Value.Properties[name]
				if prop == nil {
					t.Fatalf("the example has part %s, which the schema lacks", name)
				}
				v := ex[name]
				switch {
				case prop.Value.Format == "binary":
					fw, _ := w.CreateFormFile(name, name+".zip")
					_, _ = io.WriteString(fw, fmt.Sprint(v))
				default:
					if _, isString := v.(string); !isString {
						b, _ := json.Marshal(v)
						v = string(b)
					}
					_ = w.WriteField(name, fmt.Sprint(v))
				}
			}
			_ = w.Close()
			body = &buf
			header.Set("Content-Type", w.FormDataContentType())
		}
	}
	u := base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return req
}
