// Package callercache keeps one value per authenticated caller (tenant and
// object id) built from the caller's token, while that token is valid: what
// is made on behalf of a caller (an on-behalf-of credential, a Teams user
// over one) cannot outlive the token it was made from. The token service's
// on-behalf-of credentials and teamsuser.Users keep their callers in one.
package callercache

import (
	"container/list"
	"strings"
	"sync"
	"time"
)

// Cache keeps one value per caller while the caller's token is valid. A
// later token of the same caller that lives longer rebuilds the value. At
// most max callers are kept, the least recently used going first. It is
// safe for concurrent use.
type Cache[V any] struct {
	max  int
	now  func() time.Time
	drop func(V) // told of every value that leaves; may be nil

	mu  sync.Mutex
	m   map[string]*list.Element // tenant/oid -> element of lru
	lru list.List                // of *entry[V], most recent first
}

type entry[V any] struct {
	key     string
	val     V
	expires time.Time // the caller token's expiry; zero: none known
}

// New returns an empty Cache of at most maxCallers callers (at least one)
// on the clock now. drop, if not nil, is told of every value that leaves the cache
// (evicted, expired, replaced or cleared).
func New[V any](maxCallers int, now func() time.Time, drop func(V)) *Cache[V] {
	return &Cache[V]{max: max(1, maxCallers), now: now, drop: drop, m: map[string]*list.Element{}}
}

// Get returns the value of the caller (tenantID, objectID, compared without
// case) whose token expires at expiresOn (zero: unknown), building it with
// build when there is none or the cached one's token has expired, and
// rebuilding it when expiresOn is later than the expiry of the token it was
// built from (if that fails, the cached value is kept). Concurrent first
// requests of a caller build one value: build runs under the lock, so it
// must not block.
func (c *Cache[V]) Get(tenantID, objectID string, expiresOn time.Time, build func() (V, error)) (V, error) {
	now := c.now()
	key := strings.ToLower(tenantID + "/" + objectID)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked(now)
	if el, ok := c.m[key]; ok {
		e := el.Value.(*entry[V])
		c.lru.MoveToFront(el)
		if expiresOn.After(e.expires) {
			if v, err := build(); err == nil {
				c.dropValue(e.val)
				e.val, e.expires = v, expiresOn
			}
		}
		return e.val, nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	for c.lru.Len() >= c.max {
		c.removeLocked(c.lru.Back())
	}
	c.m[key] = c.lru.PushFront(&entry[V]{key: key, val: v, expires: expiresOn})
	return v, nil
}

// expireLocked drops the values whose caller token has expired.
func (c *Cache[V]) expireLocked(now time.Time) {
	for el := c.lru.Back(); el != nil; {
		prev := el.Prev()
		if e := el.Value.(*entry[V]); !e.expires.IsZero() && !now.Before(e.expires) {
			c.removeLocked(el)
		}
		el = prev
	}
}

func (c *Cache[V]) removeLocked(el *list.Element) {
	e := c.lru.Remove(el).(*entry[V])
	delete(c.m, e.key)
	c.dropValue(e.val)
}

func (c *Cache[V]) dropValue(v V) {
	if c.drop != nil {
		c.drop(v)
	}
}

// Len is the number of callers kept.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Clear drops every value.
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.lru.Len() > 0 {
		c.removeLocked(c.lru.Back())
	}
}
