package losant

import (
	"context"
	"crypto/x509"
	"net/http"
	"time"

	"github.com/losant-go/losant-go/internal/ops"
)

// ObserveWaits makes c record every retry wait it starts into waits (the
// waits still happen). Tests use it to check what the client decided to
// wait without timing anything.
func ObserveWaits(c *Client, waits chan<- time.Duration) {
	inner := c.sleep
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waits <- d
		return inner(ctx, d)
	}
}

// TrustForTest makes the default HTTP client of c trust pool, so tests can
// reach an httptest TLS server through the SDK's own transport settings.
func TrustForTest(c *Client, pool *x509.CertPool) {
	c.hc.Transport.(*http.Transport).TLSClientConfig.RootCAs = pool
}

// FakeSleep makes every wait of c (retry backoffs and Wait's polls) return
// at once, after recording its length with record; a wait whose context
// has ended returns the context's error, as the real one does.
func FakeSleep(c *Client, record func(time.Duration)) {
	c.sleep = func(ctx context.Context, d time.Duration) error {
		record(d)
		return ctx.Err()
	}
}

// PostForTest sends a POST to /applications/{applicationId}/jobLogs
// through the shared request path, as a generated method of a
// non-idempotent operation would, and returns the body it decoded.
func PostForTest(ctx context.Context, c *Client, applicationID string, opts ...RequestOption) ([]byte, error) {
	op := &ops.Operation{
		ID: "testPost", Method: http.MethodPost, Path: "/applications/{applicationId}/jobLogs",
		PathParams: ops.GetApplicationJobLog.PathParams[:1],
		Success:    map[int]bool{200: true},
	}
	var out rawObject
	err := c.do(ctx, &request{op: op, path: []string{applicationID}}, &out, opts)
	return out, err
}

// NewFinishedJobForTest is newFinishedJob, the handle the generated results
// give for work the API finished at once (an export's 200 {url}).
func NewFinishedJobForTest(c *Client, applicationID string, log *ApplicationJobLog) *Job {
	return newFinishedJob(c, applicationID, log)
}
