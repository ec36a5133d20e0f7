package api_test

import (
	"testing"

	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/internal/ops"
)

// TestApplicationScopes: the Application resource's operations accept the
// scopes openapi.yaml lists for each (x-losant-scopes, through the
// generated operation table), and no other.
func TestApplicationScopes(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"getApplication", "exportApplication"} {
		if ops.ByID(id) == nil {
			t.Skipf("internal/ops has no %s yet: the SDK generator writes it at go generate", id)
		}
	}
	srv := newServer(t, api.Options{Store: appStore(t), JobDuration: fastJobs, Tokens: map[string][]string{
		"get-only":    {"application.get"},
		"export-only": {"application.export"},
		"app-all":     {"all.Application"},
		"app-read":    {"all.Application.read"},
	}})
	get, export := "/applications/"+appA, "/applications/"+appA+"/export"
	for _, tc := range []struct {
		token               string
		getWant, exportWant int
	}{
		{"get-only", 200, 403},
		{"export-only", 403, 202},
		{"app-all", 200, 202},
		{"app-read", 200, 403},
	} {
		if got := doJSONAs(t, srv, tc.token, "GET", get, "").status; got != tc.getWant {
			t.Errorf("%s: GET the application: %d, want %d", tc.token, got, tc.getWant)
		}
		if got := doJSONAs(t, srv, tc.token, "POST", export, "{}").status; got != tc.exportWant {
			t.Errorf("%s: export: %d, want %d", tc.token, got, tc.exportWant)
		}
	}
}
