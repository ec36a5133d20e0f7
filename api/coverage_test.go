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
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/internal/spec"
)

// TestEveryOperationIsServed sends each operation of openapi.yaml (read
// from the embedded spec, so a new operation is covered the moment it is
// added) to the local API with the example application and job, the
// example of every required query parameter and the example request body:
// each must be answered with one of the 2xx statuses the operation
// documents. The strict server interface already makes a missing handler a
// build failure; this catches one that is there but broken, and an example
// that the local API refuses.
func TestEveryOperationIsServed(t *testing.T) {
	srv := newServer(t, api.Options{JobDuration: fastJobs})
	values := map[string]string{"applicationId": "575ec8687ae143cd83dc4a97", "jobId": "575ec76c7ae143cd83dc4a96"}
	all, err := spec.All()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range slices.Sorted(maps.Keys(all)) {
		op := all[id]
		path := op.Path
		query := url.Values{}
		params := append(slices.Clone(op.Op.Parameters), pathItemParams(t, op)...)
		for _, ref := range params {
			p := ref.Value
			switch {
			case p.In == openapi3.ParameterInPath:
				v, ok := values[p.Name]
				if !ok {
					t.Fatalf("%s: no example value for path parameter %s; add one to this test", id, p.Name)
				}
				path = strings.Replace(path, "{"+p.Name+"}", v, 1)
			case p.In == openapi3.ParameterInQuery && p.Required:
				if p.Example == nil {
					t.Fatalf("%s: required query parameter %s has no example in openapi.yaml", id, p.Name)
				}
				query.Set(p.Name, fmt.Sprint(p.Example))
			}
		}
		body, contentType := exampleBody(t, op)
		req, err := http.NewRequestWithContext(t.Context(), op.Method, srv.URL+path+"?"+query.Encode(), body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer any")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp := send(t, srv, req)
		if resp.status < 200 || resp.status > 299 || op.Op.Responses.Status(resp.status) == nil {
			t.Errorf("%s %s (%s): %d %s, want a 2xx the operation documents", op.Method, path, id, resp.status, resp.body)
		}
	}
}

// pathItemParams returns the parameters declared on the operation's path
// item (shared by its methods), such as applicationId.
func pathItemParams(t *testing.T, op *spec.Operation) openapi3.Parameters {
	t.Helper()
	doc, err := specDoc()
	if err != nil {
		t.Fatal(err)
	}
	item := doc.Paths.Value(op.Path)
	if item == nil {
		t.Fatalf("%s: no path item %s", op.ID, op.Path)
	}
	return item.Parameters
}

// exampleBody returns the operation's example request body and its content
// type, or nil and "" when it takes none. A multipart example becomes one
// part per property: a JSON part where the spec's encoding says so, a file
// part for a binary string, a field otherwise.
func exampleBody(t *testing.T, op *spec.Operation) (io.Reader, string) {
	t.Helper()
	rb := op.Op.RequestBody
	if rb == nil || rb.Value == nil {
		return nil, ""
	}
	if mt := rb.Value.Content.Get("application/json"); mt != nil {
		if mt.Example == nil {
			t.Fatalf("%s: the JSON request body has no example", op.ID)
		}
		data, err := json.Marshal(mt.Example)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.NewBuffer(data), "application/json"
	}
	mt := rb.Value.Content.Get("multipart/form-data")
	if mt == nil {
		t.Fatalf("%s: a request body neither JSON nor multipart", op.ID)
	}
	example, ok := mt.Example.(map[string]any)
	if !ok {
		t.Fatalf("%s: the multipart request body's example is %T, want an object", op.ID, mt.Example)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(example)) {
		v := example[name]
		var data []byte
		switch enc := mt.Encoding[name]; {
		case enc != nil && enc.ContentType == "application/json":
			var err error
			if data, err = json.Marshal(v); err != nil {
				t.Fatal(err)
			}
		default:
			data = []byte(fmt.Sprint(v))
		}
		var w io.Writer
		var err error
		if prop := mt.Schema.Value.Properties[name]; prop != nil && prop.Value.Format == "binary" {
			w, err = mw.CreateFormFile(name, name+".zip")
		} else {
			w, err = mw.CreateFormField(name)
		}
		if err == nil {
			_, err = w.Write(data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}
