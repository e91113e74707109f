// Package retryafter reads the Retry-After header (RFC 9110 §10.2.3), for
// the ACS clients, the Graph chat client and the token service alike. It
// depends on the standard library only.
package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Parse reads a Retry-After header value: delay seconds, or an HTTP date
// relative to now. It returns 0 for a missing or unreadable value and never
// a negative duration; a huge number of seconds saturates.
func Parse(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		const maxSec = int64(1<<63-1) / int64(time.Second)
		if n > maxSec {
			n = maxSec
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
