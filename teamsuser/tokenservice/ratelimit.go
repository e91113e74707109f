package tokenservice

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// RateLimitStore keeps the token buckets of a Service's per-user rate limit
// (RateLimit.Store). NewMemoryRateLimitStore keeps them in the process; a
// store shared by every replica of the service (teamsuser/redisstore has
// one on Redis) makes the limit hold for a user across the replicas, instead
// of replicas × Burst. Implementations must be safe for concurrent use and
// take each request atomically.
type RateLimitStore interface {
	// Take takes one request from the bucket of key, which holds at most
	// burst requests and gains one every every, at now; a bucket never
	// seen is full. When the bucket is empty it takes nothing and
	// returns false and how long until it holds a request again. A now
	// earlier than the bucket's last change adds nothing (replicas'
	// clocks may differ a little).
	Take(ctx context.Context, key string, burst int, every time.Duration, now time.Time) (ok bool, wait time.Duration, err error)
}

// NewMemoryRateLimitStore returns a RateLimitStore in the process's memory
// that keeps at most maxUsers buckets (DefaultRateLimitMaxUsers when zero or
// less): when it is full, the least recently used bucket is dropped (its
// user starts afresh, which errs on the side of the user).
func NewMemoryRateLimitStore(maxUsers int) RateLimitStore {
	if maxUsers <= 0 {
		maxUsers = DefaultRateLimitMaxUsers
	}
	return &limiter{maxUsers: maxUsers, buckets: make(map[string]*list.Element)}
}

// rateLimits is a Service's rate limit: its store, and the memory store it
// falls back on when a shared store fails.
type rateLimits struct {
	burst    int
	every    time.Duration
	store    RateLimitStore
	fallback RateLimitStore // nil when store is the memory store
}

func newRateLimits(rl RateLimit) *rateLimits {
	r := &rateLimits{burst: rl.Burst, every: rl.Every, store: rl.Store}
	if r.burst == 0 {
		r.burst = DefaultRateLimitBurst
	}
	if r.every == 0 {
		r.every = DefaultRateLimitEvery
	}
	mem := NewMemoryRateLimitStore(rl.MaxUsers)
	if r.store == nil {
		r.store = mem
	} else {
		r.fallback = mem
	}
	return r
}

// take takes one request of the caller key at now: whether it may go on,
// how long to wait when not, and the shared store's error when the memory
// store answered in its place.
func (r *rateLimits) take(ctx context.Context, key string, now time.Time) (ok bool, wait time.Duration, storeErr error) {
	ok, wait, storeErr = r.store.Take(ctx, key, r.burst, r.every, now)
	if storeErr != nil && r.fallback != nil {
		ok, wait, _ = r.fallback.Take(ctx, key, r.burst, r.every, now)
	}
	return ok, wait, storeErr
}

// limiter is a token bucket per key with a bounded number of keys: when it
// is full, the least recently used bucket is dropped (its user starts
// afresh, which errs on the side of the user).
type limiter struct {
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

// Take implements RateLimitStore.
func (l *limiter) Take(ctx context.Context, key string, burst int, every time.Duration, now time.Time) (bool, time.Duration, error) {
	if err := ctx.Err(); err != nil {
		return false, 0, err
	}
	ok, wait := l.allow(key, float64(burst), every, now)
	return ok, wait, nil
}

// allow takes one request from key's bucket at now. When the bucket is
// empty it returns false and how long until it holds a request again.
func (l *limiter) allow(key string, burst float64, every time.Duration, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b *bucket
	if e, ok := l.buckets[key]; ok {
		l.lru.MoveToFront(e)
		b = e.Value.(*bucket)
		if elapsed := now.Sub(b.at); elapsed > 0 {
			b.tokens = min(burst, b.tokens+float64(elapsed)/float64(every))
			b.at = now
		}
	} else {
		for len(l.buckets) >= l.maxUsers {
			oldest := l.lru.Back()
			l.lru.Remove(oldest)
			delete(l.buckets, oldest.Value.(*bucket).key)
		}
		b = &bucket{key: key, tokens: burst, at: now}
		l.buckets[key] = l.lru.PushFront(b)
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) * float64(every))
	return false, wait
}

// size returns the number of buckets kept.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
