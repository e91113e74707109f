package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/redis/go-redis/v9"
)

// Budget is the store's identity.ExchangeBudgetStore: the exchanges every
// replica made with each ACS resource in the last window, so that an
// identity.ExchangePool keeps the cluster under ACS's limit
// (identity.ExchangePoolOptions.Budget).
//
// Each resource's window is a sorted set, <prefix>budget:{<resource name>},
// of the exchanges' times (milliseconds, the replicas' clocks), trimmed and
// added to by one Lua script per exchange: it never holds more than the
// limit, and expires a window after the last exchange.
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

// budgetScript: KEYS the window; ARGV now (ms), window (ms), limit, a
// unique member. It returns {1, 0} when the exchange was recorded, {0, wait
// in ms} otherwise.
var budgetScript = redis.NewScript(`
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(tonumber(oldest[2]) + window - now, 1)}
`)

// Take implements identity.ExchangeBudgetStore.
func (b *Budget) Take(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (bool, time.Duration, error) {
	if err := b.s.check(ctx); err != nil {
		return false, 0, err
	}
	switch {
	case key == "":
		return false, 0, &ArgumentError{Arg: "key", Problem: "is empty"}
	case limit < 1:
		return false, 0, &ArgumentError{Arg: "limit", Problem: "must be at least 1"}
	case window < time.Millisecond:
		return false, 0, &ArgumentError{Arg: "window", Problem: "must be at least a millisecond"}
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	res, err := budgetScript.Run(ctx, b.s.rdb, []string{b.s.key(budgetKind, key)},
		now.UnixMilli(), window.Milliseconds(), limit, hex.EncodeToString(id[:])).Int64Slice()
	if err != nil {
		return false, 0, wrap("take from an exchange budget", err)
	}
	return res[0] == 1, time.Duration(res[1]) * time.Millisecond, nil
}
