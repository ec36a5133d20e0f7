package spec_test

import (
	"context"
	"github.com/losant-go/losant-go/internal/ops"
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

// TestJobNames checks x-losant-job-name across openapi.yaml: an operation
// names a job exactly when it can answer 202 with a JobEnqueuedResult, and
// no two operations share a name.
func TestJobNames(t *testing.T) {
	all := map[string]*spec.Operation{}
	for _, o := range ops.All {
		op, err := spec.Op(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		all[o.ID] = op
	}
	seen := map[string]string{}
	jobs := 0
	for id, op := range all {
		startsJob := false
		if r := op.Op.Responses.Status(202); r != nil && r.Value != nil {
			if mt := r.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				startsJob = mt.Schema.Ref == "#/components/schemas/JobEnqueuedResult"
			}
		}
		name, err := op.JobName()
		switch {
		case startsJob && err != nil:
			t.Errorf("%s answers 202 JobEnqueuedResult but names no job: %v", id, err)
		case !startsJob && err == nil:
			t.Errorf("%s names job %q but starts none", id, name)
		case startsJob:
			jobs++
			if other, dup := seen[name]; dup {
				t.Errorf("%s and %s both name job %q", id, other, name)
			}
			seen[name] = id
		}
	}
	if jobs == 0 {
		t.Error("no operation starts a job")
	}
	if op, err := spec.Op("exportApplication"); err != nil {
		t.Fatal(err)
	} else if name, err := op.JobName(); err != nil || name != "ApplicationExport" {
		t.Errorf("exportApplication's job = %q, %v; want Losant's ApplicationExport", name, err)
	}
}

func TestSchema(t *testing.T) {
	s, err := spec.Schema("Application")
	if err != nil {
		t.Fatal(err)
	}
	if s.Properties["id"] == nil {
		t.Error("Application has no id property")
	}
	if _, err := spec.Schema("NoSuchSchema"); err == nil {
		t.Error("Schema of an unknown name succeeded")
	}
}
