package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"math"
	"time"

	"github.com/redis/go-redis/v9"
)

// Budget is the store's identity.ExchangeBudgetStore: the exchanges every
// replica made with each ACS resource in the last window, so that an
// identity.ExchangePool keeps the cluster under ACS's limit
// (identity.ExchangePoolOptions.Budget).
//
// Each resource's window is a sorted set, <prefix>budget:{<resource name>},
// of the exchanges' times (milliseconds, the replicas' clocks), the
// reserved later ones included, trimmed and added to by one Lua script per
// exchange; it expires a window after the last reserved exchange.
//
// What an outage loses: while Redis is unreachable the pools count in their
// own memory (see identity.ExchangePoolOptions); a Redis that comes back
// empty has forgotten the last window's exchanges, so the cluster may make
// up to twice the limit in the window of the restart, and ACS answers the
// excess with 429, which the credentials honour.
type Budget struct{ s *Store }

// Budget returns the store's identity.ExchangeBudgetStore.
func (s *Store) Budget() *Budget { return &Budget{s} }

const budgetKind = "budget"

// budgetScript: KEYS the window; ARGV now (ms), window (ms), limit, max
// wait (ms, -1 for none), a unique member. It returns {1, wait in ms} when
// the exchange was recorded, {0, wait in ms} otherwise.
var budgetScript = redis.NewScript(`
local now, window, limit, maxwait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
local at = now
if n >= limit then
  local e = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  at = tonumber(e[2]) + window
end
if maxwait >= 0 and at - now > maxwait then return {0, at - now} end
redis.call('ZADD', KEYS[1], at, ARGV[5])
local ttl = at - now + window
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return {1, at - now}
`)

// Reserve implements identity.ExchangeBudgetStore.
func (b *Budget) Reserve(ctx context.Context, key string, limit int, window time.Duration, now time.Time, maxWait time.Duration) (time.Duration, bool, error) {
	if err := b.s.check(ctx); err != nil {
		return 0, false, err
	}
	switch {
	case key == "":
		return 0, false, &ArgumentError{Arg: "key", Problem: "is empty"}
	case limit < 1:
		return 0, false, &ArgumentError{Arg: "limit", Problem: "must be at least 1"}
	case window < time.Millisecond:
		return 0, false, &ArgumentError{Arg: "window", Problem: "must be at least a millisecond"}
	}
	maxMS := int64(-1) // no bound
	if maxWait < time.Duration(math.MaxInt64) {
		maxMS = max(maxWait.Milliseconds(), 0)
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	ok, wait, err := pair(budgetScript.Run(ctx, b.s.rdb, []string{b.s.key(budgetKind, key)},
		now.UnixMilli(), window.Milliseconds(), limit, maxMS, hex.EncodeToString(id[:])))
	if err != nil {
		return 0, false, wrap("reserve an exchange", err)
	}
	return time.Duration(wait) * time.Millisecond, ok == 1, nil
}
