package tokenservice_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// stubExchanger answers at once, so that a benchmark shows the handler's
// own cost (authentication, decoding, answer) without the fake's signing.
type stubExchanger struct{}

func (stubExchanger) ExchangeTeamsUserToken(_ context.Context, req identity.TeamsUserTokenRequest, _ *identity.ExchangeTeamsUserTokenOptions) (identity.ExchangeTeamsUserTokenResponse, error) {
	return identity.ExchangeTeamsUserTokenResponse{AccessToken: identity.AccessToken{Token: "eyJ.acs-token." + req.UserID, ExpiresOn: time.Now().Add(time.Hour)}}, nil
}

// BenchmarkService measures an authenticated request through the
// handler (caller token verified with the cached keys, request decoded,
// exchange, JSON answer) beside the plain alternative, the same exchange
// called directly: against a stub that answers at once (the handler's own
// cost), the fake ACS's Go face, and the real client on its HTTP face.
// handler-cached is the handler with a shared token cache in memory, where
// every request but the first is answered from the cache (the Teams token
// checked, the sealed token opened), whatever the exchanger.
func BenchmarkService(b *testing.B) {
	entra := fake.NewEntra(&fake.EntraOptions{Key: keys()[0]})
	tn := entra.AddTenant("Fabrikam")
	adele := entra.AddUser(tn.ID, "Adele Vance")
	entraSrv := httptest.NewServer(entra.Handler())
	defer entraSrv.Close()
	acs := fake.New(&fake.Options{Entra: entra, DisableRateLimits: true})
	acsSrv := acs.NewServer()
	defer acsSrv.Close()
	client, err := identity.NewClientFromConnectionString(acs.ConnectionString(acsSrv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true, Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	if err != nil {
		b.Fatal(err)
	}
	caller, _, err := entra.TeamsUserToken(adele, spaAppID, fake.V2(), fake.WithAudience(apiAppID), fake.WithScopes(apiScope))
	if err != nil {
		b.Fatal(err)
	}
	teams, _, err := entra.TeamsUserToken(adele, spaAppID)
	if err != nil {
		b.Fatal(err)
	}
	req := identity.TeamsUserTokenRequest{Token: teams, AppID: spaAppID, UserID: adele.ObjectID}
	body := `{"teamsToken":"` + teams + `"}`
	serve := func(b *testing.B, svc *tokenservice.Service) {
		b.ReportAllocs()
		for b.Loop() {
			r := httptest.NewRequest(http.MethodPost, "/api/token", strings.NewReader(body))
			r.Header.Set("Authorization", "Bearer "+caller)
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			svc.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
		}
	}

	for _, face := range []struct {
		name string
		x    identity.TokenExchanger
	}{{"stub", stubExchanger{}}, {"goface", acs}, {"http", client}} {
		svc, err := tokenservice.New(tokenservice.Config{
			Exchanger: face.x, AppID: apiAppID, Audiences: []string{apiAppID}, Tenants: []string{tn.ID},
		}, &tokenservice.Options{
			ForwardedAppID: spaAppID,
			AuthorityHost:  entraSrv.URL, HTTPClient: entraSrv.Client(),
			RateLimit: tokenservice.RateLimit{Disabled: true},
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("handler/"+face.name, func(b *testing.B) { serve(b, svc) })
		b.Run("direct/"+face.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if _, err := face.x.ExchangeTeamsUserToken(ctx, req, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		_ = svc.Close()
	}
	svc, err := tokenservice.New(tokenservice.Config{
		Exchanger: client, AppID: apiAppID, Audiences: []string{apiAppID}, Tenants: []string{tn.ID},
	}, &tokenservice.Options{
		ForwardedAppID: spaAppID,
		AuthorityHost:  entraSrv.URL, HTTPClient: entraSrv.Client(),
		RateLimit:     tokenservice.RateLimit{Disabled: true},
		SharedCache:   sharedCache(b, identity.NewMemoryTokenCacheStore(nil)),
		SharedCacheID: func(appID, userID string) string { return "acs-1/" + appID + "/" + userID },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	b.Run("handler-cached/http", func(b *testing.B) { serve(b, svc) })
}
