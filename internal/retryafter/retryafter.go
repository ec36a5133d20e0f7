// Package retryafter parses the Retry-After response header.
package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Max bounds what a server can ask for: a larger value is clamped, so a
// broken or hostile header cannot park a client for days.
const Max = 24 * time.Hour

// Parse reads a Retry-After value in either of its forms (RFC 9110 10.2.3):
// a number of seconds, or an HTTP-date, taken relative to now. It reports
// false for an absent or malformed value. A date in the past gives 0.
func Parse(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if v[0] >= '0' && v[0] <= '9' {
		if strings.TrimLeft(v, "0123456789") != "" {
			return 0, false // "12abc": ParseUint would report the overflow before the letter
		}
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return Max, true
			}
			return 0, false
		}
		if secs > uint64(Max/time.Second) {
			return Max, true
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	switch {
	case d < 0:
		return 0, true
	case d > Max:
		return Max, true
	}
	return d, true
}
