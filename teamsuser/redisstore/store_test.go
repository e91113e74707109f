package redisstore_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

// newStore starts a redis-server and returns a store on it, closed when the
// test ends, with the server and a raw client for looking at the keys.
func newStore(t *testing.T, opts *redisstore.Options) (*redisstore.Store, *redistest.Server, *redis.Client) {
	t.Helper()
	srv := redistest.Start(t)
	rdb := srv.Client()
	s, err := redisstore.New(rdb, opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s, srv, rdb
}

func TestNewArguments(t *testing.T) {
	_, err := redisstore.New(nil, nil)
	var ae *redisstore.ArgumentError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "rdb", ae.Arg)

	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	_, err = redisstore.New(rdb, &redisstore.Options{Prefix: "a{b}:"})
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "opts.Prefix", ae.Arg)

	s, err := redisstore.New(rdb, nil)
	require.NoError(t, err, "New does no I/O: an unreachable Redis is not its error")
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")
}

func TestStoreReachesRedis(t *testing.T) {
	_, _, rdb := newStore(t, nil)
	require.NoError(t, rdb.Ping(context.Background()).Err())
}
