package tokenservice_test

import (
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
