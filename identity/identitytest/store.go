package identitytest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// TestTokenCacheStore is the conformance suite of an
// identity.TokenCacheStore: values kept byte for byte until their ttl, one
// lease holder at a time with fencing tokens that grow, Put and Release
// that do nothing for a lease that is not the live one, leases that run
// out, and Wait that returns once the lease ends. elapse(d) must let d pass
// for the store (advance its manual clock, or sleep for a store on real
// time); the suite passes durations of a few hundred milliseconds. The keys
// it uses start with a random prefix, so store may be shared with other
// tests.
func TestTokenCacheStore(t *testing.T, store identity.TokenCacheStore, elapse func(time.Duration)) {
	prefix := fmt.Sprintf("identitytest-%x-", rand.Uint64())
	ctx := context.Background()
	const short = 200 * time.Millisecond

	t.Run("LeaseAndPut", func(t *testing.T) {
		key := prefix + "lease"
		if b, err := store.Get(ctx, key); err != nil || b != nil {
			t.Fatalf("Get of a key never written = %q, %v; want nil, nil", b, err)
		}
		f1 := lease(t, store, key, time.Minute, true)
		lease(t, store, key, time.Minute, false) // held
		put(t, store, key, f1+1, []byte("x"), time.Minute, false)
		value := []byte("sealed\x00\xff value")
		put(t, store, key, f1, value, time.Minute, true)
		get(t, store, key, value)
		put(t, store, key, f1, []byte("again"), time.Minute, false) // Put released the lease
		f2 := lease(t, store, key, time.Minute, true)
		if f2 <= f1 {
			t.Fatalf("fencing token %d after %d: must grow", f2, f1)
		}
		if err := store.Release(ctx, key, f1); err != nil { // a stale fence does nothing
			t.Fatal(err)
		}
		lease(t, store, key, time.Minute, false)
		if err := store.Release(ctx, key, f2); err != nil {
			t.Fatal(err)
		}
		get(t, store, key, value) // Release stores nothing
		lease(t, store, key, time.Minute, true)
	})

	t.Run("Expiry", func(t *testing.T) {
		key := prefix + "expiry"
		// A lease of a minute, so that the Put that follows finds it
		// whatever time passes between them; the value is short-lived.
		f1 := lease(t, store, key, time.Minute, true)
		put(t, store, key, f1, []byte("short-lived"), short, true)
		f2 := lease(t, store, key, short, true)
		elapse(short + short/2)
		put(t, store, key, f2, []byte("late"), time.Minute, false) // the lease ran out
		get(t, store, key, nil)                                    // so did the value
		f3 := lease(t, store, key, time.Minute, true)
		if err := store.Release(ctx, key, f2); err != nil {
			t.Fatal(err)
		}
		lease(t, store, key, time.Minute, false) // f2's release did not end f3's lease
		put(t, store, key, f3, []byte("v3"), time.Minute, true)
		get(t, store, key, []byte("v3"))
		lease(t, store, prefix+"expired-wait", short, true)
		elapse(short + short/2)
		waitReturns(t, store, prefix+"expired-wait", func() {})
	})

	t.Run("Wait", func(t *testing.T) {
		key := prefix + "wait"
		waitReturns(t, store, key, func() {}) // nobody holds it
		f := lease(t, store, key, time.Minute, true)
		waitReturns(t, store, key, func() {
			if err := store.Release(ctx, key, f); err != nil {
				t.Error(err)
			}
		})
		f = lease(t, store, key, time.Minute, true)
		waitReturns(t, store, key, func() { put(t, store, key, f, []byte("v"), time.Minute, true) })
		lease(t, store, key, time.Minute, true)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := store.Wait(cctx, key); !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait with an ended context = %v, want context.Canceled", err)
		}
	})

	t.Run("OneHolder", func(t *testing.T) {
		key := prefix + "one"
		var held atomic.Int32
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				_, ok, err := store.Lease(ctx, key, time.Minute)
				if err != nil {
					t.Error(err)
				}
				if ok {
					held.Add(1)
				}
			})
		}
		wg.Wait()
		if n := held.Load(); n != 1 {
			t.Fatalf("%d of 16 concurrent Leases got the lease, want 1", n)
		}
	})
}

func lease(t *testing.T, store identity.TokenCacheStore, key string, ttl time.Duration, want bool) uint64 {
	t.Helper()
	f, ok, err := store.Lease(context.Background(), key, ttl)
	if err != nil || ok != want || (ok && f == 0) {
		t.Fatalf("Lease(%s) = %d, %v, %v; want a fence, %v, nil", key, f, ok, err, want)
	}
	return f
}

func put(t *testing.T, store identity.TokenCacheStore, key string, fence uint64, v []byte, ttl time.Duration, want bool) {
	t.Helper()
	ok, err := store.Put(context.Background(), key, fence, v, ttl)
	if err != nil || ok != want {
		t.Fatalf("Put(%s, fence %d) = %v, %v; want %v, nil", key, fence, ok, err, want)
	}
}

func get(t *testing.T, store identity.TokenCacheStore, key string, want []byte) {
	t.Helper()
	b, err := store.Get(context.Background(), key)
	if err != nil || !bytes.Equal(b, want) || (want == nil) != (b == nil) {
		t.Fatalf("Get(%s) = %q, %v; want %q", key, b, err, want)
	}
}

// waitReturns starts Wait, runs end, and fails unless Wait returns nil
// within a generous bound (a hang is a failure, not a timing assertion).
func waitReturns(t *testing.T, store identity.TokenCacheStore, key string, end func()) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- store.Wait(ctx, key) }()
	end()
	if err := <-done; err != nil {
		t.Fatalf("Wait(%s) = %v after the lease ended", key, err)
	}
}

// TestExchangeBudgetStore is the conformance suite of an
// identity.ExchangeBudgetStore: an exchange is recorded now while the window
// has room, and otherwise at the earliest later time that keeps every
// window within the limit, after those reserved before it (the window
// slides: an exchange leaves it a window after its time, not at the end of
// a fixed period); nothing is recorded when that is further away than
// maxWait; keys are independent; and concurrent reservations (of several
// replicas at once) never put more than the limit in any window. The times
// are given, so no time passes; the keys start with a random prefix, so
// store may be shared with other tests.
func TestExchangeBudgetStore(t *testing.T, store identity.ExchangeBudgetStore) {
	prefix := fmt.Sprintf("identitytest-%x-", rand.Uint64())
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	const window = 30 * time.Second
	const forever = time.Duration(1<<63 - 1)
	expect := func(t *testing.T, key string, limit int, at, maxWait time.Duration, want bool, wantWait time.Duration) {
		t.Helper()
		wait, ok, err := store.Reserve(ctx, prefix+key, limit, window, now.Add(at), maxWait)
		if err != nil {
			t.Fatalf("Reserve(%s) at %v: %v", key, at, err)
		}
		if ok != want || wait < wantWait-time.Millisecond || wait > wantWait+time.Millisecond {
			t.Fatalf("Reserve(%s) at %v, max wait %v = %v, %v; want %v, %v", key, at, maxWait, wait, ok, wantWait, want)
		}
	}

	t.Run("SlidingWindow", func(t *testing.T) {
		expect(t, "a", 3, 0, 0, true, 0)
		expect(t, "a", 3, 10*time.Second, 0, true, 0)
		expect(t, "a", 3, 20*time.Second, 0, true, 0)
		expect(t, "a", 3, 25*time.Second, 0, false, 5*time.Second) // too long a wait: nothing recorded
		expect(t, "b", 3, 25*time.Second, 0, true, 0)              // another key
		expect(t, "a", 3, 25*time.Second, 10*time.Second, true, 5*time.Second)
		expect(t, "a", 3, 25*time.Second, forever, true, 15*time.Second) // after the one reserved before
		expect(t, "a", 3, 25*time.Second, forever, true, 25*time.Second)
		expect(t, "a", 3, 45*time.Second, forever, true, 15*time.Second) // 0 and 10 have left
		expect(t, "a", 3, 95*time.Second, 0, true, 0)                    // all have left
		expect(t, "c", 1, 0, 0, true, 0)
		expect(t, "c", 1, 29999*time.Millisecond, 0, false, time.Millisecond)
	})

	t.Run("Concurrent", func(t *testing.T) {
		const limit, takers = 25, 8
		var mu sync.Mutex
		var granted int
		var at []time.Time
		var wg sync.WaitGroup
		for i := range takers {
			wg.Go(func() {
				for j := range 10 {
					maxWait := time.Duration(0)
					if i%2 == 0 {
						maxWait = forever
					}
					sent := now.Add(time.Duration(i*10+j) * time.Millisecond)
					wait, ok, err := store.Reserve(ctx, prefix+"shared", limit, window, sent, maxWait)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						mu.Lock()
						granted++
						at = append(at, sent.Add(wait))
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()
		if granted < limit || granted > limit+40 {
			t.Fatalf("%d reservations granted of 80, want the %d that fit at once and at most the 40 that wait", granted, limit)
		}
		slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
		for i := range at {
			if i+limit < len(at) && at[i+limit].Sub(at[i]) < window {
				t.Fatalf("%d exchanges within %v: from %v to %v", limit+1, window, at[i].Sub(now), at[i+limit].Sub(now))
			}
		}
	})
}
