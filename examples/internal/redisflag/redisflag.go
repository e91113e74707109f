// Package redisflag connects the examples to the Redis their replicas
// share (-redis): the address from the flag, the rest from the
// environment, where secrets belong.
//
//	REDIS_PASSWORD  the password (Azure Cache for Redis: an access key)
//	REDIS_USERNAME  the ACL user, if not "default"
//	REDIS_TLS       "true" for TLS (Azure Cache for Redis: port 6380; Azure
//	                Managed Redis: 10000), with the system's roots
//	REDIS_PREFIX    the key prefix (default redisstore.DefaultPrefix)
package redisflag

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

// Open connects to the Redis at addr, checks that it answers, and returns
// the store on it and a function that closes both.
func Open(ctx context.Context, addr string, getenv func(string) string) (*redisstore.Store, func(), error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("-redis %q: want host:port", addr)
	}
	o := &redis.Options{
		Addr:         addr,
		Username:     getenv("REDIS_USERNAME"),
		Password:     getenv("REDIS_PASSWORD"),
		DialTimeout:  5 * time.Second,
		ReadTimeout:  3 * time.Second,
		WriteTimeout: 3 * time.Second,
	}
	if v := getenv("REDIS_TLS"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return nil, nil, fmt.Errorf("REDIS_TLS %q: want true or false", v)
		}
		if on {
			o.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
		}
	}
	rdb := redis.NewClient(o)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, nil, fmt.Errorf("redis at %s: %w", addr, err)
	}
	store, err := redisstore.New(rdb, &redisstore.Options{Prefix: getenv("REDIS_PREFIX")})
	if err != nil {
		_ = rdb.Close()
		return nil, nil, err
	}
	return store, func() { _ = store.Close(); _ = rdb.Close() }, nil
}
