package redisstore_test

import (
	"crypto/tls"
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

// A store on Azure Cache for Redis: TLS on port 6380 and the access key as
// the password (or go-redis's StreamingCredentialsProvider for Microsoft
// Entra ID). The client belongs to the application; the store never closes
// it.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{
		Addr:      "contoso.redis.cache.windows.net:6380",
		Password:  "<access key>",
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12},
	})
	defer rdb.Close()
	store, err := redisstore.New(rdb, &redisstore.Options{Prefix: "contoso:prod:"})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
}
