package spec_test

import (
	"context"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

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

// The eleven scopes Losant's documentation page and newest official client
// accept for getApplicationJobLog.
var wantScopes = []string{
	"all.Application", "all.Application.bounded", "all.Application.read",
	"all.Organization", "all.Organization.bounded", "all.Organization.read",
	"all.User", "all.User.bounded", "all.User.read",
	"applicationJobLog.*", "applicationJobLog.get",
}

func TestOperationFacts(t *testing.T) {
	op, err := spec.Op("getApplicationJobLog")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantScopes, op.Scopes); diff != "" {
		t.Errorf("scopes (-want +got):\n%s", diff)
	}
	if op.Method != "GET" || op.Path != "/applications/{applicationId}/jobLogs/{jobId}" {
		t.Errorf("route = %s %s", op.Method, op.Path)
	}
	if want := "_actions=false&_embedded=true&_links=true"; op.DefaultQuery != want {
		t.Errorf("DefaultQuery = %q, want %q", op.DefaultQuery, want)
	}
	if _, err := spec.Op("noSuchOperation"); err == nil {
		t.Error("Op of an unknown operationId succeeded")
	}
	v, err := spec.AcceptVersion()
	if err != nil || !strings.HasPrefix(v, "^1.") {
		t.Errorf("AcceptVersion = %q, %v; want ^1.x", v, err)
	}
}

func TestCheckPathParam(t *testing.T) {
	op, err := spec.Op("getApplicationJobLog")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, value string
		ok          bool
	}{
		{"applicationId", "575ec8687ae143cd83dc4a97", true},
		{"jobId", "575EC8687AE143CD83DC4A97", true},
		{"jobId", "575ec8687ae143cd83dc4a9", false},
		{"jobId", "575ec8687ae143cd83dc4a97a", false},
		{"jobId", "../me", false},
		{"jobId", "", false},
		{"applicationId", "575ec8687ae143cd83dc4a9z", false},
		{"losantdomain", "575ec8687ae143cd83dc4a97", false}, // not a path parameter
	} {
		err := op.CheckPathParam(tt.name, tt.value)
		if (err == nil) != tt.ok {
			t.Errorf("CheckPathParam(%s, %q) = %v, want ok=%v", tt.name, tt.value, err, tt.ok)
		}
	}
}
