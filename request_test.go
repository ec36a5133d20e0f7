package losant

import (
	"testing"

	"github.com/losant-go/losant-go/generated"
)

// Get builds its URL from openapi.yaml without the generated request
// builder (three URL parses and reflection per call); the URL must be the
// one the generated builder makes, default query included, for any base
// URL NewClient accepts.
func TestRouteMatchesGeneratedClient(t *testing.T) {
	for _, base := range []string{
		"https://api.losant.com", "https://api.losant.com/", "http://127.0.0.1:8080/api/v1", "http://localhost/api/v1///",
		"https://h.example.com/a/./b/../c", "https://h.example.com/caf%C3%A9/x%2Fy", "https://h.example.com/a b",
		"http://[::1]:9/p", "https://H.Example.COM:443/Mixed/Case",
	} {
		c, err := NewClient(WithToken(benchToken), WithBaseURL(base))
		if err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		for _, ids := range [][2]string{{benchAppID, benchJobID}, {"575EC8687AE143CD83DC4A97", "000000000000000000000000"}} {
			want, err := generated.NewGetApplicationJobLogRequest(c.server, ids[0], ids[1], nil)
			if err != nil {
				t.Fatal(err)
			}
			want.URL.RawQuery = c.ApplicationJobLog.op.DefaultQuery
			got := c.ApplicationJobLog.route.url(ids[0], ids[1])
			if got != want.URL.String() {
				t.Errorf("base %q: URL %q, the generated client makes %q", base, got, want.URL.String())
			}
		}
	}
}
