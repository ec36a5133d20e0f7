package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refuseBase is a spec of one operation, badOp, whose pieces each case
// replaces: {{params}}, {{body}}, {{responses}}, {{extra}} (more keys of
// the operation) and {{schemas}}.
const refuseBase = `openapi: 3.0.3
info: {title: refuse, version: 1.0.0}
paths:
  /things/{thingId}:
    post:
      operationId: badOp
      x-go-service: Thing
      x-go-method: Do
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}}
{{params}}
{{body}}
{{extra}}
      responses:
{{responses}}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
{{schemas}}
`

const okResponse = `        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}`

// TestRefuses: each construct the generator does not implement fails
// generation with a message naming the operation and the construct,
// instead of compiling into code that drops it.
func TestRefuses(t *testing.T) {
	for _, tt := range []struct {
		name                                    string
		params, body, extra, responses, schemas string
		want                                    []string
	}{
		{name: "an application/xml body",
			body: `      requestBody:
        content:
          application/xml:
            schema: {$ref: '#/components/schemas/Thing'}`,
			want: []string{"badOp", "request body", "application/xml"}},
		{name: "two body content types",
			body: `      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Thing'}
          multipart/form-data:
            schema: {type: object, properties: {f: {type: string, format: binary}}}`,
			want: []string{"badOp", "request body", "exactly one"}},
		{name: "a multipart body with a $ref'd schema",
			body: `      requestBody:
        content:
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Thing'}`,
			want: []string{"badOp", "multipart/form-data", "inline object schema"}},
		{name: "a multipart object part without an encoding",
			body: `      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                meta: {$ref: '#/components/schemas/Thing'}`,
			want: []string{"badOp", "part meta", "encoding"}},
		{name: "a multipart part of another type",
			body: `      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                n: {type: integer}`,
			want: []string{"badOp", "part n"}},
		{name: "a cookie parameter",
			params: `        - {name: session, in: cookie, schema: {type: string}}`,
			want:   []string{"badOp", "session", "cookie"}},
		{name: "a header with an enum",
			params: `        - {name: X-Mode, in: header, schema: {type: string, enum: [a, b]}}`,
			want:   []string{"badOp", "header parameter X-Mode"}},
		{name: "a deepObject query parameter",
			params: `        - {name: filter, in: query, style: deepObject, schema: {type: object}}`,
			want:   []string{"badOp", "query parameter filter", "deepObject"}},
		{name: "an object query parameter",
			params: `        - {name: filter, in: query, schema: {type: object}}`,
			want:   []string{"badOp", "query parameter filter", "not generated"}},
		{name: "an inline enum query parameter",
			params: `        - {name: mode, in: query, schema: {type: string, enum: [a, b]}}`,
			want:   []string{"badOp", "query parameter mode", "$ref"}},
		{name: "a text/plain response",
			responses: `        '200':
          description: ok
          content:
            text/plain:
              schema: {type: string}`,
			want: []string{"badOp", "response 200", "text/plain"}},
		{name: "an error answer that is not JSON",
			responses: okResponse + `
        '404':
          description: gone
          content:
            text/html:
              schema: {type: string}`,
			want: []string{"badOp", "response 404", "text/html"}},
		{name: "an inline response schema",
			responses: `        '200':
          description: ok
          content:
            application/json:
              schema: {type: object}`,
			want: []string{"badOp", "response 200", "$ref"}},
		{name: "a 2XX range",
			responses: `        '2XX':
          description: ok`,
			want: []string{"badOp", "2XX"}},
		{name: "2xx response headers",
			responses: `        '200':
          description: ok
          headers:
            X-Next: {schema: {type: string}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}`,
			want: []string{"badOp", "response 200", "X-Next"}},
		{name: "no 2xx response",
			responses: `        '400':
          description: bad`,
			want: []string{"badOp", "no 2xx"}},
		{name: "callbacks",
			extra: `      callbacks:
        done:
          '{$request.body#/url}':
            post:
              responses:
                '200': {description: ok}`,
			want: []string{"badOp", "callbacks"}},
		{name: "paging without the page parameters",
			extra: `      x-go-paginate: page`,
			want:  []string{"badOp", "x-go-paginate", "page"}},
		{name: "a model needing oapi-codegen's runtime types",
			schemas: `    Upload:
      type: object
      properties:
        file: {type: string, format: binary}`,
			want: []string{"models", "openapi_types"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.responses == "" {
				tt.responses = okResponse
			}
			spec := strings.NewReplacer("{{params}}", tt.params, "{{body}}", tt.body, "{{extra}}", tt.extra,
				"{{responses}}", tt.responses, "{{schemas}}", tt.schemas).Replace(refuseBase)
			dir := t.TempDir()
			path := filepath.Join(dir, "openapi.yaml")
			if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			err := run(path, dir, "")
			if err == nil {
				t.Fatalf("generation succeeded; want it to fail naming %v", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if _, statErr := os.Stat(filepath.Join(dir, "operations.gen.go")); statErr == nil {
				t.Error("a failed generation wrote operations.gen.go")
			}
		})
	}
}
