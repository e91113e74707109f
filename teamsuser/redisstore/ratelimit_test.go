package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice/tokenservicetest"
)

var _ tokenservice.RateLimitStore = (*redisstore.RateLimits)(nil)

func TestRateLimits(t *testing.T) {
	s, _, _ := newStore(t, nil)
	tokenservicetest.TestRateLimitStore(t, s.RateLimits())
}

func TestRateLimitsKeys(t *testing.T) {
	ctx := context.Background()
	s, srv, rdb := newStore(t, nil)
	now := time.Unix(1_800_000_000, 0)
	ok, _, err := s.RateLimits().Take(ctx, "tenant-1/user-1", 5, 12*time.Second, now)
	require.NoError(t, err)
	require.True(t, ok)
	keys := rdb.Keys(ctx, "*").Val()
	require.Len(t, keys, 1)
	require.NotContains(t, keys[0], "user-1", "no user id in clear")
	require.Regexp(t, `^teamsuser:rl:\{[0-9a-f]{32}\}$`, keys[0])
	ttl := rdb.PTTL(ctx, keys[0]).Val()
	require.Greater(t, ttl, 11*time.Second)
	require.LessOrEqual(t, ttl, 12*time.Second, "the bucket lives until it would be full again")

	var ae *redisstore.ArgumentError
	_, _, err = s.RateLimits().Take(ctx, "k", 0, time.Second, now)
	require.ErrorAs(t, err, &ae)
	_, _, err = s.RateLimits().Take(ctx, "k", 1, 0, now)
	require.ErrorAs(t, err, &ae)

	srv.Stop()
	_, _, err = s.RateLimits().Take(ctx, "tenant-1/user-1", 5, 12*time.Second, now)
	require.ErrorContains(t, err, "redisstore: take from a rate limit")
	srv.Restart()
	for range 5 { // the bucket is full again after the restart
		ok, _, err = s.RateLimits().Take(ctx, "tenant-1/user-1", 5, 12*time.Second, now)
		require.NoError(t, err)
		require.True(t, ok)
	}
}
