// Package redisflag connects the examples to the Redis their replicas
// share (-redis): the address from the flag, the rest from the
// environment, where secrets belong.
//
//	REDIS_PASSWORD  the password (Azure Cache for Redis: an access key)
//	REDIS_USERNAME  the ACL user, if not "default"
//	REDIS_TLS       "true" for TLS (Azure Cache for Redis: port 6380; Azure
//	                Managed Redis: 10000), with the system's roots
//	REDIS_PREFIX    the key prefix (default redisstore.DefaultPrefix)
//
// and, for the ACS tokens the replicas share (TokenCache):
//
//	TOKEN_CACHE_KEYS  the keys that seal the tokens in Redis: comma-separated
//	                  id:key pairs, each key 32 random bytes in standard
//	                  base64 (openssl rand -base64 32), the same on every
//	                  replica; the first seals, each opens (to rotate, see
//	                  identity.SharedTokenCache). It is a secret: keep it in
//	                  a key vault, never in a flag or a log.
package redisflag

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
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

// TokenCache returns the shared cache of ACS tokens on store, sealed with
// the keys of TOKEN_CACHE_KEYS. Its errors never quote the keys.
func TokenCache(store *redisstore.Store, getenv func(string) string) (*identity.SharedTokenCache, error) {
	const how = "id:key pairs, each key 32 random bytes in base64 (openssl rand -base64 32), the same on every replica"
	v := strings.TrimSpace(getenv("TOKEN_CACHE_KEYS"))
	if v == "" {
		return nil, errors.New("-redis needs TOKEN_CACHE_KEYS, the keys that seal the ACS tokens the replicas share: " + how)
	}
	var keys []identity.TokenKey
	for i, pair := range strings.Split(v, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(pair), ":")
		key, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil {
			return nil, fmt.Errorf("TOKEN_CACHE_KEYS: pair %d is not id:base64-key; want %s", i+1, how)
		}
		keys = append(keys, identity.TokenKey{ID: id, Key: key})
	}
	cache, err := identity.NewSharedTokenCache(store.Tokens(), keys)
	if err != nil {
		return nil, fmt.Errorf("TOKEN_CACHE_KEYS: %w", err)
	}
	return cache, nil
}
