package callercache

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCache: one value per caller whatever the case of its ids, kept while
// the caller's token is valid and dropped at its expiry, rebuilt from a
// token that lives longer (the old value dropped; kept if the rebuild
// fails), at most maxCallers of them (the least recently used goes first),
// a failed build keeps nothing, Clear drops every value.
func TestCache(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var dropped []string
	c := New(2, func() time.Time { return now }, func(v string) { dropped = append(dropped, v) })
	builds := 0
	get := func(tenant, oid string, exp time.Time, v string) (string, error) {
		return c.Get(tenant, oid, exp, func() (string, error) { builds++; return v, nil })
	}
	hour := now.Add(time.Hour)

	v, err := get("T", "a", hour, "a1")
	require.NoError(t, err)
	assert.Equal(t, "a1", v)
	v, _ = get("t", "A", hour, "a2") // the same caller, spelled otherwise
	assert.Equal(t, "a1", v)
	assert.Equal(t, 1, builds)

	_, _ = get("t", "b", hour, "b1")
	_, _ = get("t", "a", hour, "-")  // a is the most recently used
	_, _ = get("t", "c", hour, "c1") // evicts b
	assert.Equal(t, []string{"b1"}, dropped)
	assert.Equal(t, 2, c.Len())

	// A longer-lived token of a rebuilds its value; a failed rebuild keeps it.
	v, _ = get("t", "a", hour.Add(time.Hour), "a3")
	assert.Equal(t, "a3", v)
	assert.Equal(t, []string{"b1", "a1"}, dropped)
	v, err = c.Get("t", "a", hour.Add(2*time.Hour), func() (string, error) { return "", errors.New("no") })
	require.NoError(t, err)
	assert.Equal(t, "a3", v)

	// A failed first build keeps nothing.
	_, err = c.Get("t", "d", hour, func() (string, error) { return "", errors.New("refused") })
	require.EqualError(t, err, "refused")
	assert.Equal(t, 2, c.Len())

	// At the expiry of c's token, its value goes (a's token lives longer).
	now = hour
	assert.Equal(t, 2, c.Len(), "expiry is noticed on the next Get")
	v, _ = get("t", "c", hour.Add(time.Hour), "c2")
	assert.Equal(t, "c2", v)
	assert.Equal(t, []string{"b1", "a1", "c1"}, dropped)

	c.Clear()
	assert.Zero(t, c.Len())
	assert.ElementsMatch(t, []string{"b1", "a1", "c1", "a3", "c2"}, dropped)
}

// TestCacheConcurrentFirstRequests: concurrent first requests of a caller
// build one value.
func TestCacheConcurrentFirstRequests(t *testing.T) {
	c := New[*int](10, time.Now, nil)
	var mu sync.Mutex
	builds := 0
	got := make([]*int, 50)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			got[i], _ = c.Get("t", "a", time.Time{}, func() (*int, error) {
				mu.Lock()
				defer mu.Unlock()
				builds++
				return new(int), nil
			})
		})
	}
	wg.Wait()
	assert.Equal(t, 1, builds)
	for _, v := range got {
		assert.Same(t, got[0], v)
	}
}
