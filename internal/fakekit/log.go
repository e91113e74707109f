package fakekit

import (
	"net/url"
	"sync"
)

// DefaultMaxRequests is how many requests a Log keeps unless told otherwise.
const DefaultMaxRequests = 10_000

// Log is a fake's request log: the requests of both faces, oldest first,
// bounded. R is the fake's public Request type. The zero value keeps
// DefaultMaxRequests; it is safe for concurrent use.
type Log[R any] struct {
	mu      sync.Mutex
	max     int
	entries []entry[R]
}

type entry[R any] struct {
	op       string
	injected bool
	r        R
}

// SetMax bounds the log to n requests; n <= 0 means DefaultMaxRequests.
func (l *Log[R]) SetMax(n int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.max = n
}

// Add logs r, a request of op that an injected fault decided (injected) or
// not. When the log is full its oldest tenth is dropped at once, so a full
// log costs one copy per tenth of its size rather than one per request.
func (l *Log[R]) Add(op string, injected bool, r R) {
	l.mu.Lock()
	defer l.mu.Unlock()
	limit := l.max
	if limit <= 0 {
		limit = DefaultMaxRequests
	}
	if len(l.entries) >= limit {
		drop := min(len(l.entries)-limit+1+limit/10, len(l.entries))
		l.entries = append(l.entries[:0], l.entries[drop:]...)
	}
	l.entries = append(l.entries, entry[R]{op: op, injected: injected, r: r})
}

// All returns the logged requests, oldest first.
func (l *Log[R]) All() []R {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]R, len(l.entries))
	for i, e := range l.entries {
		out[i] = e.r
	}
	return out
}

// Reset empties the log.
func (l *Log[R]) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}

// Count returns how many logged requests were of op (all when op is empty)
// and, of those, how many an injected fault decided.
func (l *Log[R]) Count(op string) (total, injected int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range l.entries {
		if op == "" || e.op == op {
			total++
			if e.injected {
				injected++
			}
		}
	}
	return total, injected
}

// UnescapedPath is an escaped URL path as the request logs show paths:
// without its percent-escapes (a path that does not unescape is shown as
// it is).
func UnescapedPath(path string) string {
	if p, err := url.PathUnescape(path); err == nil {
		return p
	}
	return path
}
