// Package spec gives the local API (package api) and tests the operations
// of openapi.yaml as kin-openapi parsed them from the copy embedded in the
// generated package: their response schemas and examples. The SDK never
// imports it: what the SDK needs of the spec is generated as Go
// (internal/ops), so a user's binary carries no OpenAPI or YAML library.
package spec

import (
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/generated"
)

// Operation is one operation as openapi.yaml describes it.
type Operation struct {
	ID     string
	Method string
	Path   string
	// Op is the operation as kin-openapi parsed it.
	Op *openapi3.Operation
}

var index = sync.OnceValues(func() (map[string]*Operation, error) {
	doc, err := generated.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("spec: loading the embedded openapi.yaml: %w", err)
	}
	out := make(map[string]*Operation)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[op.OperationID] = &Operation{ID: op.OperationID, Method: method, Path: path, Op: op}
		}
	}
	return out, nil
})

// Op returns the operation with the given operationId.
func Op(id string) (*Operation, error) {
	ops, err := index()
	if err != nil {
		return nil, err
	}
	op, ok := ops[id]
	if !ok {
		return nil, fmt.Errorf("spec: openapi.yaml has no operation %q", id)
	}
	return op, nil
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
