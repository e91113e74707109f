package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/redis/go-redis/v9"
)

// RateLimits is the store's tokenservice.RateLimitStore: per-user token
// buckets that every replica of a token service shares, so a user's limit
// holds across replicas (tokenservice.RateLimit.Store).
//
// Each bucket is one hash, <prefix>rl:{<SHA-256 of the user's key>}: the
// requests it holds and when that was computed, changed by one Lua script
// per request, so concurrent requests of one user on several replicas take
// at most what the bucket holds. A bucket expires when it would be full
// again, so only the users who made requests lately have one. The times are
// the replicas' (the now each Take is given), which should agree within a
// fraction of the refill interval; a now earlier than the bucket's last
// change adds nothing.
//
// What an outage loses: while Redis is unreachable Take fails, and the
// token service falls back on each replica's own buckets (see
// tokenservice.RateLimit); a Redis that comes back empty has every bucket
// full again.
type RateLimits struct{ s *Store }

// RateLimits returns the store's tokenservice.RateLimitStore.
func (s *Store) RateLimits() *RateLimits { return &RateLimits{s} }

const rateLimitKind = "rl"

// takeScript: KEYS[1] the bucket; ARGV burst, every (ms), now (ms). It
// returns {1, 0} when a request was taken, {0, wait in ms} otherwise.
var takeScript = redis.NewScript(`
local burst = tonumber(ARGV[1])
local every = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens, at = tonumber(b[1]), tonumber(b[2])
if tokens == nil or at == nil then
  tokens, at = burst, now
elseif now > at then
  tokens = math.min(burst, tokens + (now - at) / every)
  at = now
end
local ok, wait = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  ok = 1
else
  wait = math.ceil((1 - tokens) * every)
end
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'at', at)
redis.call('PEXPIRE', KEYS[1], math.max(math.ceil((burst - tokens) * every), 1))
return {ok, wait}
`)

// Take implements tokenservice.RateLimitStore.
func (r *RateLimits) Take(ctx context.Context, key string, burst int, every time.Duration, now time.Time) (bool, time.Duration, error) {
	if err := r.s.check(ctx); err != nil {
		return false, 0, err
	}
	switch {
	case burst < 1:
		return false, 0, &ArgumentError{Arg: "burst", Problem: "must be at least 1"}
	case every < time.Millisecond:
		return false, 0, &ArgumentError{Arg: "every", Problem: "must be at least a millisecond"}
	}
	ok, wait, err := pair(takeScript.Run(ctx, r.s.rdb, []string{r.s.key(rateLimitKind, hashKey(key))}, burst, every.Milliseconds(), now.UnixMilli()))
	if err != nil {
		return false, 0, wrap("take from a rate limit", err)
	}
	return ok == 1, time.Duration(wait) * time.Millisecond, nil
}

// hashKey is the hex SHA-256 of a key that names a user (first 128 bits),
// so that Redis holds no user's id in clear.
func hashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:16])
}
