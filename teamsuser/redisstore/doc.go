// Package redisstore keeps on Redis the state that the replicas of a
// service must share to be right together: the stores that identity,
// calling, chat and teamsuser/tokenservice declare as small interfaces, with
// in-memory defaults that serve one process.
//
// It sits above the domain packages (it implements their interfaces) and
// beside the facade, under teamsuser/; nothing of the module imports it, so
// a program that does not run replicas never builds go-redis.
//
// # Connecting
//
// New takes a redis.UniversalClient that the application configures: a
// *redis.Client for one server, a *redis.ClusterClient for a cluster, or
// redis.NewUniversalClient. The store never closes it. For Azure Cache for
// Redis and Azure Managed Redis, connect over TLS (port 6380 for Azure Cache
// for Redis, 10000 for Azure Managed Redis) and authenticate with an access
// key as the password, or with Microsoft Entra ID through go-redis's
// StreamingCredentialsProvider, which github.com/redis/go-redis-entraid
// implements and which re-authenticates the connections before the Entra
// token expires (https://learn.microsoft.com/azure/redis/go-get-started,
// https://learn.microsoft.com/azure/azure-cache-for-redis/cache-azure-active-directory-for-authentication):
//
//	rdb := redis.NewClient(&redis.Options{
//		Addr:      "contoso.redis.cache.windows.net:6380",
//		Password:  accessKey, // or StreamingCredentialsProvider: entraProvider
//		TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12},
//	})
//	store, err := redisstore.New(rdb, &redisstore.Options{Prefix: "contoso:"})
//
// The store needs commands of Redis 6.0 only (on strings, hashes and
// sorted sets, with expiry; EVALSHA and EVAL of Lua scripts; PUBLISH,
// SUBSCRIBE and TIME): none that Azure blocks, and none newer than the
// Redis 6.0 of Azure Cache for Redis's Basic, Standard and Premium tiers
// (the redisVersion of its REST API 2024-11-01: "Supported versions: 4.0,
// 6.0 (latest)", https://learn.microsoft.com/rest/api/redis/redis/update).
// Each Lua script touches keys of one hash slot (the keys share a {hash
// tag}), so a cluster serves it.
//
// # Deadlines
//
// Every call of the stores is bounded by the client's socket timeouts
// (redis.Options.ReadTimeout and WriteTimeout; go-redis's defaults are 5 s),
// which is why New refuses a *redis.Client or *redis.ClusterClient that
// turned them off. A caller's context deadline bounds a call too only when
// the client has ContextTimeoutEnabled; set it when callers need less than
// the socket timeouts (a notification webhook that must answer within
// seconds, say). The store's own subscription, for the ends of token
// leases, waits at most 5 s for its confirmation.
//
// # Keys
//
// Every key starts with Options.Prefix (default DefaultPrefix), so several
// applications or environments can share one Redis, and every key has a TTL,
// so nothing grows without bound when replicas die or users leave: the state
// of a key lives only as long as what it describes can matter.
//
// What Redis holds: no token and no client state in any readable form (ACS
// tokens sealed by identity.SharedTokenCache, client states as their
// SHA-256), and the users of the token cache and the rate limits only as
// the SHA-256 of their keys. The call statuses hold what calling.CallStatus
// holds, the participants' identifiers (Teams user ids, phone numbers)
// among it, and the chat subscription records what chat.Subscription
// holds (its resource, which may name a user, and its creator's id), in
// clear: keep Redis as private as the application's own data (TLS, a
// password or Entra ID, no public network access).
//
// # Outages
//
// Redis is a cache of shared state here, not a database: when it is
// unreachable the stores' calls fail (with the go-redis error, wrapped), and
// when it comes back empty (a restart without persistence, a failover that
// lost writes) the replicas rebuild what they need. What each store loses
// is said on the store.
package redisstore
