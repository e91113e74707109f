package teamsuser

import (
	"container/list"
	"strings"
	"sync"
	"time"
)

// callerCache keeps one value per caller (tenant and object id) built from
// the caller's token, while that token is valid: what is made on behalf of
// a caller (an on-behalf-of credential, a User over one) cannot outlive the
// token it was made from. A later token of the same caller that lives
// longer rebuilds the value. At most max callers are kept, the least
// recently used going first. Users and OnBehalfOfCredential keep their
// callers in one.
type callerCache[V any] struct {
	max   int
	now   func() time.Time
	build func(caller Caller, callerToken string) (V, error)
	drop  func(V) // told of every value that leaves; may be nil

	mu  sync.Mutex
	m   map[string]*list.Element // tenant/oid -> element of lru
	lru list.List                // of *callerEntry[V], most recent first
}

type callerEntry[V any] struct {
	key     string
	val     V
	expires time.Time // the caller token's expiry; zero: none known
}

func newCallerCache[V any](max int, now func() time.Time, build func(Caller, string) (V, error), drop func(V)) *callerCache[V] {
	return &callerCache[V]{max: max, now: now, build: build, drop: drop, m: map[string]*list.Element{}}
}

// get returns the caller's value, building it from callerToken when there
// is none or the cached one's token has expired, and rebuilding it when
// caller's token lives longer than the one it was built from (if that
// fails, the cached value is kept). Concurrent first requests of a caller
// build one value: build runs under the lock, so it must not block.
func (c *callerCache[V]) get(caller Caller, callerToken string) (V, error) {
	now := c.now()
	key := strings.ToLower(caller.TenantID + "/" + caller.ObjectID)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked(now)
	if el, ok := c.m[key]; ok {
		e := el.Value.(*callerEntry[V])
		c.lru.MoveToFront(el)
		if caller.ExpiresOn.After(e.expires) {
			if v, err := c.build(caller, callerToken); err == nil {
				c.dropValue(e.val)
				e.val, e.expires = v, caller.ExpiresOn
			}
		}
		return e.val, nil
	}
	v, err := c.build(caller, callerToken)
	if err != nil {
		return v, err
	}
	for c.lru.Len() >= c.max {
		c.removeLocked(c.lru.Back())
	}
	c.m[key] = c.lru.PushFront(&callerEntry[V]{key: key, val: v, expires: caller.ExpiresOn})
	return v, nil
}

// expireLocked drops the values whose caller token has expired.
func (c *callerCache[V]) expireLocked(now time.Time) {
	for el := c.lru.Back(); el != nil; {
		prev := el.Prev()
		if e := el.Value.(*callerEntry[V]); !e.expires.IsZero() && !now.Before(e.expires) {
			c.removeLocked(el)
		}
		el = prev
	}
}

func (c *callerCache[V]) removeLocked(el *list.Element) {
	e := c.lru.Remove(el).(*callerEntry[V])
	delete(c.m, e.key)
	c.dropValue(e.val)
}

func (c *callerCache[V]) dropValue(v V) {
	if c.drop != nil {
		c.drop(v)
	}
}

// len is the number of callers kept.
func (c *callerCache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// clear drops every value.
func (c *callerCache[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.lru.Len() > 0 {
		c.removeLocked(c.lru.Back())
	}
}
