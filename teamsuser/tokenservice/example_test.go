package tokenservice_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// A token service for the Teams users of Fabrikam, run offline against a fake
// Entra ID and a fake ACS resource on loopback. In production, Exchanger is
// an identity.Client of the real resource, AuthorityHost is left empty, and
// the on-behalf-of credential is azidentity's.
func ExampleService() {
	entra := fake.NewEntra(nil)
	fabrikam := entra.AddTenant("Fabrikam")
	northwind := entra.AddTenant("Northwind")
	adele := entra.AddUser(fabrikam.ID, "Adele Vance")
	alex := entra.AddUser(northwind.ID, "Alex Wilber")
	entraSrv := httptest.NewServer(entra.Handler())
	defer entraSrv.Close()
	acs := fake.New(&fake.Options{Entra: entra})
	acsSrv := acs.NewServer()
	defer acsSrv.Close()
	client, err := identity.NewClientFromConnectionString(acs.ConnectionString(acsSrv.URL),
		&identity.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}})
	if err != nil {
		panic(err)
	}

	const apiAppID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" // the token service's app registration
	const webAppID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac" // the web client's
	svc, err := tokenservice.New(tokenservice.Config{
		Exchanger: client,
		AppID:     apiAppID,
		Audiences: []string{apiAppID, "api://contoso-token-service"},
		Tenants:   []string{fabrikam.ID},
	}, &tokenservice.Options{
		OnBehalfOf: tokenservice.OnBehalfOfCredential(func(c tokenservice.Caller, assertion string) (azcore.TokenCredential, error) {
			// Production: azidentity.NewOnBehalfOfCredentialWithSecret(c.TenantID, apiAppID, assertion, secret, nil)
			u, _ := entra.User(c.ObjectID)
			return entra.Credential(u, apiAppID, nil), nil
		}),
		AuthorityHost: entraSrv.URL,
	})
	if err != nil {
		panic(err)
	}
	defer svc.Close()
	mux := http.NewServeMux()
	mux.Handle("/api/token", svc)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// The web client signs the user in for the token service's API and
	// asks for the user's ACS token.
	call := func(u fake.TestUser) {
		callerToken, _, err := entra.TeamsUserToken(u, webAppID, fake.V2(), fake.WithAudience(apiAppID), fake.WithScopes("access_as_user"))
		if err != nil {
			panic(err)
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/token", nil)
		req.Header.Set("Authorization", "Bearer "+callerToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			var e struct {
				Error struct{ Code, Message string }
			}
			_ = json.NewDecoder(resp.Body).Decode(&e)
			fmt.Println(u.DisplayName+":", resp.StatusCode, e.Error.Code)
			return
		}
		var out tokenservice.Response
		_ = json.NewDecoder(resp.Body).Decode(&out)
		fmt.Println(u.DisplayName+":", resp.StatusCode, out.User.Kind, out.User.RawID == "8:orgid:"+u.ObjectID)
	}
	call(adele)
	call(alex)
	// Output:
	// Adele Vance: 200 microsoftTeamsUser true
	// Alex Wilber: 403 tenant_not_allowed
}

// Replicas of a token service that share a token cache hand out one
// exchanged token per user per token lifetime, whichever replica a request
// reaches. Here two replicas share a cache in memory; in production each
// replica makes its cache on the same Redis (teamsuser/redisstore's Tokens)
// with the same keys, from the application's key vault.
func ExampleService_sharedCache() {
	entra := fake.NewEntra(nil)
	fabrikam := entra.AddTenant("Fabrikam")
	adele := entra.AddUser(fabrikam.ID, "Adele Vance")
	entraSrv := httptest.NewServer(entra.Handler())
	defer entraSrv.Close()
	acs := fake.New(&fake.Options{Entra: entra})

	const apiAppID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" // the token service's app registration
	const webAppID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac" // the web client's, which gets the Teams tokens
	store := identity.NewMemoryTokenCacheStore(nil)         // production: store.Tokens() of a redisstore.Store
	key := identity.TokenKey{ID: "2026-12", Key: make([]byte, 32)}
	_, _ = rand.Read(key.Key) // production: the same 32 bytes for every replica, from a key vault
	var replicas []*httptest.Server
	for range 2 {
		cache, err := identity.NewSharedTokenCache(store, []identity.TokenKey{key})
		if err != nil {
			panic(err)
		}
		svc, err := tokenservice.New(tokenservice.Config{
			Exchanger: acs, // production: an identity.Client
			AppID:     apiAppID,
			Audiences: []string{apiAppID},
			Tenants:   []string{fabrikam.ID},
		}, &tokenservice.Options{
			ForwardedAppID: webAppID,
			AuthorityHost:  entraSrv.URL,
			SharedCache:    cache,
			SharedCacheID:  func(appID, userID string) string { return "contoso-acs/" + appID + "/" + userID },
		})
		if err != nil {
			panic(err)
		}
		srv := httptest.NewServer(svc)
		defer srv.Close()
		replicas = append(replicas, srv)
	}

	// Adele's web client forwards her Teams token; a load balancer sends
	// her requests to either replica.
	callerToken, _, _ := entra.TeamsUserToken(adele, webAppID, fake.V2(), fake.WithAudience(apiAppID))
	teamsToken, _, _ := entra.TeamsUserToken(adele, webAppID)
	for i := range 4 {
		req, _ := http.NewRequest(http.MethodPost, replicas[i%2].URL, nil)
		req.Header.Set("Authorization", "Bearer "+callerToken)
		req.Header.Set(tokenservice.TeamsTokenHeader, teamsToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println("replica", i%2+1, resp.StatusCode)
	}
	fmt.Println("exchanges:", len(acs.Exchanges()))
	// Output:
	// replica 1 200
	// replica 2 200
	// replica 1 200
	// replica 2 200
	// exchanges: 1
}
