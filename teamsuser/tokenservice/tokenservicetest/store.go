// Package tokenservicetest is the conformance suite of the stores a
// tokenservice.Service keeps its shared state in. Run it against any
// implementation, in the manner of testing/fstest.TestFS: the in-memory
// store, teamsuser/redisstore's, or one of your own.
package tokenservicetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// TestRateLimitStore checks a tokenservice.RateLimitStore: a bucket never
// seen is full, each Take takes one request until it is empty, the wait is
// the time until one request is regained, time refills it up to the burst
// and never beyond, a clock that goes back adds nothing, buckets of
// different keys are independent, and concurrent Takes (of several
// replicas at once) never take more than the bucket holds. The keys it uses
// start with a random prefix, so store may be shared with other tests.
func TestRateLimitStore(t *testing.T, store tokenservice.RateLimitStore) {
	prefix := fmt.Sprintf("tokenservicetest-%x-", rand.Uint64())
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	expect := func(t *testing.T, key string, burst int, every time.Duration, at time.Time, want bool, wantWait time.Duration) {
		t.Helper()
		ok, wait, err := store.Take(ctx, prefix+key, burst, every, at)
		if err != nil {
			t.Fatalf("Take(%s): %v", key, err)
		}
		if ok != want || (!ok && (wait < wantWait-time.Millisecond || wait > wantWait+time.Millisecond)) {
			t.Fatalf("Take(%s) at %v = %v, wait %v; want %v, wait %v", key, at.Sub(now), ok, wait, want, wantWait)
		}
	}

	t.Run("Bucket", func(t *testing.T) {
		const every = 10 * time.Second
		expect(t, "a", 2, every, now, true, 0)
		expect(t, "a", 2, every, now, true, 0)
		expect(t, "a", 2, every, now, false, every)
		expect(t, "b", 2, every, now, true, 0) // another key, another bucket
		expect(t, "a", 2, every, now.Add(4*time.Second), false, 6*time.Second)
		expect(t, "a", 2, every, now.Add(-time.Hour), false, 6*time.Second) // a clock that jumps back gives nothing
		expect(t, "a", 2, every, now.Add(every), true, 0)
		expect(t, "a", 2, every, now.Add(time.Hour), true, 0) // refilled, up to the burst only
		expect(t, "a", 2, every, now.Add(time.Hour), true, 0)
		expect(t, "a", 2, every, now.Add(time.Hour), false, every)
		expect(t, "c", 1, 250*time.Millisecond, now, true, 0)
		expect(t, "c", 1, 250*time.Millisecond, now, false, 250*time.Millisecond)
	})

	t.Run("Concurrent", func(t *testing.T) {
		const burst, takers = 25, 8
		var granted atomic.Int32
		var wg sync.WaitGroup
		for range takers {
			wg.Go(func() {
				for range 10 {
					ok, _, err := store.Take(ctx, prefix+"shared", burst, time.Hour, now)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						granted.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if n := granted.Load(); n != burst {
			t.Fatalf("%d takers of 10 requests each got %d of a bucket of %d", takers, n, burst)
		}
	})
}
