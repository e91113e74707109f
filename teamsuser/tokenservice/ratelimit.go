package tokenservice

import (
	"container/list"
	"sync"
	"time"
)

// limiter is a token bucket per key with a bounded number of keys: when it
// is full, the least recently used bucket is dropped (its user starts
// afresh, which errs on the side of the user).
type limiter struct {
	burst    float64
	every    time.Duration
	maxUsers int

	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket
	lru     list.List                // front: most recently used
}

type bucket struct {
	key    string
	tokens float64
	at     time.Time
}

func newLimiter(rl RateLimit) *limiter {
	l := &limiter{burst: float64(rl.Burst), every: rl.Every, maxUsers: rl.MaxUsers, buckets: make(map[string]*list.Element)}
	if l.burst == 0 {
		l.burst = DefaultRateLimitBurst
	}
	if l.every == 0 {
		l.every = DefaultRateLimitEvery
	}
	if l.maxUsers == 0 {
		l.maxUsers = DefaultRateLimitMaxUsers
	}
	return l
}

// allow takes one request from key's bucket at now. When the bucket is
// empty it returns false and how long until it holds a request again.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b *bucket
	if e, ok := l.buckets[key]; ok {
		l.lru.MoveToFront(e)
		b = e.Value.(*bucket)
		if elapsed := now.Sub(b.at); elapsed > 0 {
			b.tokens = min(l.burst, b.tokens+float64(elapsed)/float64(l.every))
			b.at = now
		}
	} else {
		for len(l.buckets) >= l.maxUsers {
			oldest := l.lru.Back()
			l.lru.Remove(oldest)
			delete(l.buckets, oldest.Value.(*bucket).key)
		}
		b = &bucket{key: key, tokens: l.burst, at: now}
		l.buckets[key] = l.lru.PushFront(b)
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) * float64(l.every))
	return false, wait
}

// size returns the number of buckets kept.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
