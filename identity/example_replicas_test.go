package identity_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Three replicas of a service share the Teams user's ACS token: one
// exchange for all of them. In production the store is
// teamsuser/redisstore's Tokens, the keys come from a key vault, and each
// replica is its own process.
func ExampleNewSharedTokenCache() {
	store := identity.NewMemoryTokenCacheStore(nil)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keys := []identity.TokenKey{{ID: "2026-03", Key: key}}
	ex := &exchangeStub{now: time.Now}

	const appID, userID = "8e0a1f3c-5b7d-4c2e-9f61-2d4b6a8c0e13", "3f9c2b1a-7d6e-4f50-8a1b-c2d3e4f5a6b7"
	for replica := range 3 {
		cache, err := identity.NewSharedTokenCache(store, keys)
		if err != nil {
			fmt.Println(err)
			return
		}
		cred, err := identity.NewTeamsUserCredential(ex, entraStub{now: time.Now}, appID, userID,
			&identity.TeamsUserCredentialOptions{SharedCache: cache, SharedCacheID: "contoso-acs/" + appID + "/" + userID})
		if err != nil {
			fmt.Println(err)
			return
		}
		tok, err := cred.Token(context.Background())
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("replica", replica, "got", tok.Token)
		_ = cred.Close()
	}
	fmt.Println("exchanges:", ex.calls)
	fmt.Println(keys[0]) // keys print redacted
	// Output:
	// replica 0 got acs-token-1
	// replica 1 got acs-token-1
	// replica 2 got acs-token-1
	// exchanges: 1
	// {2026-03 [REDACTED]}
}

// Users spread over two ACS resources, each kept under ACS's limit of 500
// exchanges per 30 seconds (for the whole cluster when the budget store is
// shared: teamsuser/redisstore's Budget).
func ExampleNewExchangePool() {
	east := &exchangeStub{now: time.Now}
	west := &exchangeStub{now: time.Now}
	pool, err := identity.NewExchangePool([]identity.ExchangeResource{
		{Name: "contoso-east.communication.azure.com", Exchanger: east},
		{Name: "contoso-west.communication.azure.com", Exchanger: west},
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, user := range []string{"3f9c2b1a-7d6e-4f50-8a1b-c2d3e4f5a6b7", "72f988bf-86f1-41af-91ab-2d7cd011db47"} {
		_, err := pool.ExchangeTeamsUserToken(context.Background(), identity.TeamsUserTokenRequest{Token: "entra-token", AppID: "app", UserID: user}, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(user, "is on", pool.Resource(user))
	}
	fmt.Println("exchanges:", east.calls+west.calls)
	// Output:
	// 3f9c2b1a-7d6e-4f50-8a1b-c2d3e4f5a6b7 is on contoso-east.communication.azure.com
	// 72f988bf-86f1-41af-91ab-2d7cd011db47 is on contoso-west.communication.azure.com
	// exchanges: 2
}
