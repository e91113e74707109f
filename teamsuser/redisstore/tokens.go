package redisstore

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Tokens is the store's identity.TokenCacheStore, for an
// identity.SharedTokenCache that every replica of a service shares:
//
//	cache, err := identity.NewSharedTokenCache(store.Tokens(), keys)
//	cred, err := identity.NewTeamsUserCredential(client, entra, appID, userID,
//		&identity.TeamsUserCredentialOptions{SharedCache: cache, SharedCacheID: resource + "/" + appID + "/" + userID})
//
// For each cache id (stored as its SHA-256, so Redis holds no user id in
// clear) there are three keys with one hash tag: <prefix>tok:{h}, the
// sealed token (identity seals it with the application's keys before it
// gets here: Redis never holds a token in clear), kept until the token
// expires; <prefix>tok-lease:{h}, the lease's fencing token, kept for the
// lease's ttl; and <prefix>tok-fence:{h}, the counter the fencing tokens come
// from, kept two days after the last lease. Lease, Put and Release are Lua
// scripts; Put and Release publish the end of a lease on the channel
// <prefix>tok-released, to which the store subscribes (one connection for
// the store, whatever the number of waiters) so that waiting replicas look
// again at once. Waiters also look again at least every second, so a lost
// message (a reconnection) costs at most that.
//
// What an outage loses: while Redis is unreachable every call fails, and
// the credentials exchange on their own (one exchange per replica for a
// user instead of one for the cluster). A Redis that comes back empty has
// lost the cached tokens and the leases: the next replica that needs a
// user's token exchanges for it, and the others take that one.
type Tokens struct{ s *Store }

// Tokens returns the store's identity.TokenCacheStore.
func (s *Store) Tokens() *Tokens { return &Tokens{s} }

const (
	tokenKind   = "tok"
	leaseKind   = "tok-lease"
	fenceKind   = "tok-fence"
	releasedCh  = "tok-released"
	fenceTTL    = 48 * time.Hour
	maxWaitPoll = time.Second
)

// subscribeTimeout bounds the wait for the confirmation of the store's
// subscription to releasedCh (a choice: the waiters poll meanwhile, and the
// next Wait subscribes again). A variable for the tests.
var subscribeTimeout = 5 * time.Second

func (t *Tokens) keys(key string) (h, tok, lease, fence string) {
	h = hashKey(key)
	return h, t.s.key(tokenKind, h), t.s.key(leaseKind, h), t.s.key(fenceKind, h)
}

// Get implements identity.TokenCacheStore.
func (t *Tokens) Get(ctx context.Context, key string) ([]byte, error) {
	if err := t.s.check(ctx); err != nil {
		return nil, err
	}
	_, tok, _, _ := t.keys(key)
	b, err := t.s.rdb.Get(ctx, tok).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("get a cached token", err)
	}
	return b, nil
}

// tokenLeaseScript: KEYS lease, fence; ARGV ttl (ms), a random first fence,
// the fence counter's ttl (ms). It returns the new fence, or 0 when the
// lease is held.
var tokenLeaseScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], ARGV[2]) end
local f = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], f, 'PX', ARGV[1])
return f
`)

// Lease implements identity.TokenCacheStore. The fencing tokens of a key
// count up from a random number, so that a holder from before Redis lost
// its data is not taken for a holder after.
func (t *Tokens) Lease(ctx context.Context, key string, ttl time.Duration) (uint64, bool, error) {
	if err := t.s.check(ctx); err != nil {
		return 0, false, err
	}
	if ttl <= 0 {
		return 0, false, &ArgumentError{Arg: "ttl", Problem: "must be positive"}
	}
	_, _, lease, fence := t.keys(key)
	seed := rand.Int64N(1 << 52)
	f, err := tokenLeaseScript.Run(ctx, t.s.rdb, []string{lease, fence}, millis(ttl), seed, millis(fenceTTL)).Int64()
	if err != nil {
		return 0, false, wrap("take a token lease", err)
	}
	return uint64(f), f != 0, nil
}

// tokenEndScript: KEYS lease, tok; ARGV fence, channel, message, then for a Put
// the value and its ttl (ms). It ends the lease if fence holds it, stores
// the value if there is one, and publishes the end; it returns 1, or 0 when
// fence does not hold the lease.
var tokenEndScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[4] then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5]) end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`)

// Put implements identity.TokenCacheStore.
func (t *Tokens) Put(ctx context.Context, key string, fence uint64, value []byte, ttl time.Duration) (bool, error) {
	if err := t.s.check(ctx); err != nil {
		return false, err
	}
	if ttl <= 0 {
		return false, &ArgumentError{Arg: "ttl", Problem: "must be positive"}
	}
	h, tok, lease, _ := t.keys(key)
	n, err := tokenEndScript.Run(ctx, t.s.rdb, []string{lease, tok}, strconv.FormatUint(fence, 10), t.s.prefix+releasedCh, h, value, millis(ttl)).Int()
	if err != nil {
		return false, wrap("store a token", err)
	}
	return n == 1, nil
}

// Release implements identity.TokenCacheStore.
func (t *Tokens) Release(ctx context.Context, key string, fence uint64) error {
	if err := t.s.check(ctx); err != nil {
		return err
	}
	h, tok, lease, _ := t.keys(key)
	err := tokenEndScript.Run(ctx, t.s.rdb, []string{lease, tok}, strconv.FormatUint(fence, 10), t.s.prefix+releasedCh, h).Err()
	return wrap("release a token lease", err)
}

// Wait implements identity.TokenCacheStore: it returns when the lease's end
// is published, when the lease's time is up, or after a second (the caller
// looks again), whichever is first.
func (t *Tokens) Wait(ctx context.Context, key string) error {
	if err := t.s.check(ctx); err != nil {
		return err
	}
	h, _, lease, _ := t.keys(key)
	ended, stop := t.s.releases().watch(h)
	defer stop()
	// Subscribed before looking: an end published after the look is seen.
	t.s.releases().subscribe(ctx)
	left, err := t.s.rdb.PTTL(ctx, lease).Result()
	if err != nil {
		return wrap("look at a token lease", err)
	}
	if left < 0 { // -2: no lease; -1 (no ttl) cannot happen: look again
		return nil
	}
	timer := time.NewTimer(min(left, maxWaitPoll))
	defer timer.Stop()
	select {
	case <-ended:
	case <-timer.C:
	case <-ctx.Done():
		return ctx.Err()
	case <-t.s.ctx.Done():
		return ErrClosed
	}
	return nil
}

// releases tells waiters of this store when a lease of theirs ends, from
// one subscription to the channel that Put and Release publish on.
type releases struct {
	s *Store

	mu       sync.Mutex
	waiters  map[string]map[chan struct{}]struct{}
	ps       *redis.PubSub // nil until subscribed
	starting bool
}

func (s *Store) releases() *releases {
	s.relOnce.Do(func() { s.rel = &releases{s: s, waiters: map[string]map[chan struct{}]struct{}{}} })
	return s.rel
}

// watch registers a waiter for h; stop removes it.
func (r *releases) watch(h string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	r.mu.Lock()
	if r.waiters[h] == nil {
		r.waiters[h] = map[chan struct{}]struct{}{}
	}
	r.waiters[h][ch] = struct{}{}
	r.mu.Unlock()
	return ch, func() {
		r.mu.Lock()
		delete(r.waiters[h], ch)
		if len(r.waiters[h]) == 0 {
			delete(r.waiters, h)
		}
		r.mu.Unlock()
	}
}

// subscribe makes sure the store listens to the channel, waiting (within
// ctx) for the first subscription to be confirmed. A failure is left to the
// waiters' polling, and tried again by the next Wait.
func (r *releases) subscribe(ctx context.Context) {
	r.mu.Lock()
	if r.ps != nil || r.starting || r.s.ctx.Err() != nil {
		r.mu.Unlock()
		return
	}
	r.starting = true
	r.mu.Unlock()

	ps := r.s.rdb.Subscribe(r.s.ctx, r.s.prefix+releasedCh)
	// The subscription's confirmation, for at most subscribeTimeout: a
	// PubSub's Receive does not use the client's ReadTimeout, and ctx may
	// have no deadline.
	_, err := ps.ReceiveTimeout(ctx, subscribeTimeout)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.starting = false
	if err != nil || r.s.ctx.Err() != nil {
		_ = ps.Close()
		return
	}
	r.ps = ps
	msgs := ps.Channel() // go-redis reconnects and resubscribes itself
	if !r.s.spawn(func() {
		defer ps.Close()
		for {
			select {
			case m, ok := <-msgs:
				if !ok {
					return
				}
				r.notify(m.Payload)
			case <-r.s.ctx.Done():
				return
			}
		}
	}) {
		_ = ps.Close()
	}
}

func (r *releases) notify(h string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for ch := range r.waiters[h] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
