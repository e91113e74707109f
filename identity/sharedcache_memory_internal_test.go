package identity

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// manualClock is a Clock whose time moves only when the test sets it.
type manualClock struct{ now time.Time }

func (c *manualClock) Now() time.Time { return c.now }

func (c *manualClock) NewTimer(d time.Duration) Timer { return SystemClock().NewTimer(d) }

// TestMemoryTokenCacheStoreForgetsUsersWhoLeft: the entries of users who
// never come back are dropped once expired — they were dropped only when
// read, so a long-running process kept every user it ever served.
func TestMemoryTokenCacheStoreForgetsUsersWhoLeft(t *testing.T) {
	ctx := context.Background()
	clk := &manualClock{now: time.Unix(1_800_000_000, 0)}
	m := NewMemoryTokenCacheStore(clk).(*memTokenStore)
	most := 0
	for hour := range 48 { // a new set of users every hour, each token an hour
		for u := range 500 {
			key := fmt.Sprintf("user-%d-%d", hour, u)
			f, ok, err := m.Lease(ctx, key, time.Minute)
			if err != nil || !ok {
				t.Fatalf("Lease(%s) = %v, %v", key, ok, err)
			}
			if ok, err := m.Put(ctx, key, f, []byte("sealed"), time.Hour); err != nil || !ok {
				t.Fatalf("Put(%s) = %v, %v", key, ok, err)
			}
		}
		most = max(most, len(m.entries))
		clk.now = clk.now.Add(time.Hour)
	}
	if most > 4096 {
		t.Fatalf("%d entries held at once for 500 users an hour, each entry an hour: expired ones are kept", most)
	}
}
