package losant

import (
	"context"
	"crypto/x509"
	"net/http"
	"time"
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
