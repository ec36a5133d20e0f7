package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// normalize rewrites the loaded document into the form the generators
// read, the same way for the SDK and for the local API so that both see
// one set of types: an inline JSON request-body schema becomes the
// component schema <Service><Method>Body (a type users can name).
func normalize(doc *openapi3.T) error {
	for _, o := range operations(doc) {
		mt := requestContent(o.op, "application/json")
		if mt == nil || mt.Schema == nil || mt.Schema.Ref != "" || mt.Schema.Value == nil {
			continue
		}
		service, goName := opNames(o.op)
		name := service + goName + "Body"
		if doc.Components.Schemas == nil {
			doc.Components.Schemas = openapi3.Schemas{}
		}
		if _, taken := doc.Components.Schemas[name]; taken {
			return fmt.Errorf("operation %s %s (%s): its inline request body would be the component schema %s, which exists: $ref a component schema instead", o.method, o.path, o.op.OperationID, name)
		}
		doc.Components.Schemas[name] = &openapi3.SchemaRef{Value: mt.Schema.Value}
		mt.Schema = &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: mt.Schema.Value}
	}
	doubleNumbers(doc)
	return hoistInlineObjects(doc)
}

// hoistInlineObjects makes every object schema nested inline in a
// component schema (a property, or an array's items) a component of its
// own, named <Parent><Property> (<Parent><Property>Item for items): a Go
// type callers can name, with getters, instead of an anonymous struct.
func hoistInlineObjects(doc *openapi3.T) error {
	queue := sortedKeys(doc.Components.Schemas)
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		s := doc.Components.Schemas[parent].Value
		if s == nil {
			continue
		}
		hoist := func(ref *openapi3.SchemaRef, name string) (*openapi3.SchemaRef, error) {
			if ref == nil || ref.Ref != "" || ref.Value == nil || !ref.Value.Type.Is(openapi3.TypeObject) || len(ref.Value.Properties) == 0 {
				return ref, nil
			}
			if _, taken := doc.Components.Schemas[name]; taken {
				return nil, fmt.Errorf("schema %s: its inline object would be the component schema %s, which exists: $ref a component schema instead", parent, name)
			}
			doc.Components.Schemas[name] = &openapi3.SchemaRef{Value: ref.Value}
			queue = append(queue, name)
			return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: ref.Value}, nil
		}
		for _, prop := range sortedKeys(s.Properties) {
			base := goIdent(parent) + goIdent(prop)
			r, err := hoist(s.Properties[prop], base)
			if err != nil {
				return err
			}
			s.Properties[prop] = r
			if p := r.Value; r.Ref == "" && p != nil && p.Type.Is(openapi3.TypeArray) {
				if p.Items, err = hoist(p.Items, base+"Item"); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// doubleNumbers gives every number schema without a format the format
// double: oapi-codegen would make it a float32, which loses digits of the
// API's numbers (a count of 123456789 becomes 123456792).
func doubleNumbers(doc *openapi3.T) {
	walkSchemas(doc, func(s *openapi3.Schema) {
		if s.Type.Is(openapi3.TypeNumber) && s.Format == "" {
			s.Format = "double"
		}
	})
}

// walkSchemas calls fn on every schema of the document's components,
// operations' parameters, bodies and responses, once each.
func walkSchemas(doc *openapi3.T, fn func(*openapi3.Schema)) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(r *openapi3.SchemaRef)
	walk = func(r *openapi3.SchemaRef) {
		if r == nil || r.Value == nil || seen[r.Value] {
			return
		}
		s := r.Value
		seen[s] = true
		fn(s)
		for _, name := range sortedKeys(s.Properties) {
			walk(s.Properties[name])
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		walk(s.Not)
		for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
			for _, x := range list {
				walk(x)
			}
		}
	}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		walk(doc.Components.Schemas[name])
	}
	for _, name := range sortedKeys(doc.Components.Parameters) {
		if p := doc.Components.Parameters[name].Value; p != nil {
			walk(p.Schema)
		}
	}
	for _, path := range sortedPaths(doc) {
		item := doc.Paths.Value(path)
		for _, method := range sortedMethods(item) {
			op := item.GetOperation(method)
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				if p.Value != nil {
					walk(p.Value.Schema)
					for _, mt := range p.Value.Content {
						walk(mt.Schema)
					}
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
			if op.Responses != nil {
				for _, r := range op.Responses.Map() {
					if r.Value != nil {
						for _, mt := range r.Value.Content {
							walk(mt.Schema)
						}
					}
				}
			}
		}
	}
}

// stripBooleanEnums drops the enum of every boolean schema, such as
// jobQueued: {type: boolean, enum: [true]}: oapi-codegen would make it a
// named type that callers must convert; a plain bool reads naturally, and
// the spec still documents (and the local API still checks) the value.
func stripBooleanEnums(doc *openapi3.T) {
	walkSchemas(doc, func(s *openapi3.Schema) {
		if s.Type.Is(openapi3.TypeBoolean) && len(s.Enum) > 0 {
			s.Enum = nil
		}
	})
}

// opNames returns the service and method an operation is generated as:
// x-go-service (or its first tag) and x-go-method (or its operationId).
func opNames(op *openapi3.Operation) (service, method string) {
	service, _ = op.Extensions[serviceExt].(string)
	if service == "" && len(op.Tags) > 0 {
		service = strings.ReplaceAll(op.Tags[0], " ", "")
	}
	method, _ = op.Extensions[methodExt].(string)
	if method == "" {
		method = goIdent(op.OperationID)
	}
	return service, method
}

func sortedPaths(doc *openapi3.T) []string {
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	return paths
}

func sortedMethods(item *openapi3.PathItem) []string {
	var methods []string
	for m := range item.Operations() {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	return methods
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// formSchemas returns the names of the component schemas used as
// multipart/form-data bodies: the SDK generates them as form types (a file
// part is an io.Reader), not as models.
func formSchemas(doc *openapi3.T) map[string]bool {
	out := map[string]bool{}
	for _, o := range operations(doc) {
		if mt := requestContent(o.op, "multipart/form-data"); mt != nil && mt.Schema != nil && mt.Schema.Ref != "" {
			out[mt.Schema.Ref[strings.LastIndexByte(mt.Schema.Ref, '/')+1:]] = true
		}
	}
	return out
}

// docOperation is one operation of the document, where it is.
type docOperation struct {
	path, method string
	item         *openapi3.PathItem
	op           *openapi3.Operation
}

// operations lists the document's operations by path, then method.
func operations(doc *openapi3.T) []docOperation {
	var out []docOperation
	for _, path := range sortedPaths(doc) {
		item := doc.Paths.Value(path)
		for _, method := range sortedMethods(item) {
			out = append(out, docOperation{path, method, item, item.GetOperation(method)})
		}
	}
	return out
}

// requestContent is op's request body of the media type, or nil.
func requestContent(op *openapi3.Operation, mediaType string) *openapi3.MediaType {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	return op.RequestBody.Value.Content.Get(mediaType)
}
