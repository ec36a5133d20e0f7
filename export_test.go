package losant

import (
	"context"
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
