package redisstore_test

import (
	"crypto/tls"
	"fmt"
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
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

// The store's calls are bounded by the client's socket timeouts, so a
// client that turned them off is refused (go-redis's defaults are kept
// above).
func ExampleNew_deadlines() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ReadTimeout: -1})
	defer rdb.Close()
	_, err := redisstore.New(rdb, nil)
	fmt.Println(err)
	// Output: redisstore: invalid rdb: has no read timeout (Options.ReadTimeout): every call of the store needs a deadline
}

// Every replica of a service wires the same stores, on the same Redis:
// a call tracker, shared ACS tokens and a cluster-wide exchange budget,
// and the token service's per-user rate limit.
func ExampleStore_replicas() {
	rdb := redis.NewClient(&redis.Options{Addr: "contoso.redis.cache.windows.net:6380", Password: "<access key>",
		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}})
	defer rdb.Close()
	store, err := redisstore.New(rdb, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	// Calls: every replica's tracker sees the events the others received.
	trackerStore, err := calling.NewSharedTrackerStore(store.Calls(), nil)
	if err != nil {
		log.Fatal(err)
	}
	_ = &calling.TrackerOptions{Store: trackerStore, SharedStore: true}

	// ACS tokens: one exchange per user for the cluster, sealed under the
	// application's keys; exchanges paced under ACS's limit per resource.
	cache, err := identity.NewSharedTokenCache(store.Tokens(), []identity.TokenKey{{ID: "2026-03", Key: keyFromVault()}})
	if err != nil {
		log.Fatal(err)
	}
	var acsClient identity.TokenExchanger // an *identity.Client
	pool, err := identity.NewExchangePool([]identity.ExchangeResource{{Name: "contoso.communication.azure.com", Exchanger: acsClient}},
		&identity.ExchangePoolOptions{Budget: store.Budget()})
	if err != nil {
		log.Fatal(err)
	}
	userID := "3f9c2b1a-7d6e-4f50-8a1b-c2d3e4f5a6b7"
	_ = &identity.TeamsUserCredentialOptions{SharedCache: cache, SharedCacheID: pool.Resource(userID) + "/" + userID}

	// The token service: a user's rate limit holds across replicas.
	_ = tokenservice.RateLimit{Store: store.RateLimits()}
}

func keyFromVault() []byte { return make([]byte, 32) }
