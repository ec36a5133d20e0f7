package spec_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/losant-go/losant-go/internal/spec"
)

// TestOpenAPIDocumentIsValid loads openapi.yaml from disk with kin-openapi
// and fails on any validation error, examples included.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("../../openapi.yaml")
	if err != nil {
		t.Fatalf("loading openapi.yaml: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(), openapi3.EnableSchemaPatternValidation()); err != nil {
		t.Fatalf("openapi.yaml is invalid: %v", err)
	}
}

func TestOp(t *testing.T) {
	op, err := spec.Op("getApplicationJobLog")
	if err != nil {
		t.Fatal(err)
	}
	if op.Method != "GET" || op.Path != "/applications/{applicationId}/jobLogs/{jobId}" {
		t.Errorf("route = %s %s", op.Method, op.Path)
	}
	if _, err := op.ResponseContent(200); err != nil {
		t.Error(err)
	}
	if _, err := spec.Op("noSuchOperation"); err == nil {
		t.Error("Op of an unknown operationId succeeded")
	}
}
