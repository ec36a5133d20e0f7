package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/losant-go/losant-go/api"
	"github.com/losant-go/losant-go/internal/ops"
)

// TestEveryOperationIsServed sends each operation of openapi.yaml (from
// the generated table) to the local API with the example application and
// job: each must be answered by a handler, 2xx or a Losant-style 4xx, never
// a 5xx or 501. The strict server interface already makes a missing
// handler a build failure; this catches one that is there but broken.
func TestEveryOperationIsServed(t *testing.T) {
	srv := newServer(t, api.Options{})
	values := map[string]string{"applicationId": "575ec8687ae143cd83dc4a97", "jobId": "575ec76c7ae143cd83dc4a96"}
	for _, op := range ops.All {
		path := op.Path
		for _, p := range op.PathParams {
			v, ok := values[p.Name]
			if !ok {
				t.Fatalf("%s: no example value for path parameter %s; add one to this test", op.ID, p.Name)
			}
			path = strings.Replace(path, "{"+p.Name+"}", v, 1)
		}
		req, err := http.NewRequest(op.Method, srv.URL+path+"?"+op.DefaultQuery, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer any")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusNotImplemented || resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
			t.Errorf("%s %s (%s): %d, want the operation's handler to answer", op.Method, path, op.ID, resp.StatusCode)
		}
	}
}
