package tokenservice_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// oboEntra is the part of Entra ID that azidentity's on-behalf-of
// credential talks to (the tenant's OpenID configuration and its token
// endpoint, OAuth 2.0 jwt-bearer grant with requested_token_use
// on_behalf_of), on loopback over TLS, counting the token requests.
type oboEntra struct {
	srv    *httptest.Server
	tokens atomic.Int32
}

func newOBOEntra(t *testing.T) *oboEntra {
	e := &oboEntra{}
	e.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tenant, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		base := e.srv.URL + "/" + tenant
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodGet && rest == "v2.0/.well-known/openid-configuration":
			_ = json.NewEncoder(w).Encode(map[string]string{
				"issuer":                 base + "/v2.0",
				"authorization_endpoint": base + "/oauth2/v2.0/authorize",
				"token_endpoint":         base + "/oauth2/v2.0/token",
			})
		case r.Method == http.MethodPost && rest == "oauth2/v2.0/token":
			if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" ||
				r.PostForm.Get("requested_token_use") != "on_behalf_of" || r.PostForm.Get("assertion") == "" {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"invalid_request"}`))
				return
			}
			n := e.tokens.Add(1)
			_ = json.NewEncoder(w).Encode(map[string]any{
				"token_type": "Bearer", "access_token": "teams-token-" + string(rune('0'+n)),
				"expires_in": 3600, "ext_expires_in": 3600, "scope": r.PostForm.Get("scope"),
			})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// TestOnBehalfOfCredentialReusesTheCallersCredential runs azidentity's real
// on-behalf-of credential: a caller's repeated requests cost one round trip
// to Entra ID (the caller's credential, and its token cache, are kept), and
// a tenant id spelled otherwise than the credential's does not make the
// request fail.
func TestOnBehalfOfCredentialReusesTheCallersCredential(t *testing.T) {
	entra := newOBOEntra(t)
	const tenant = "8f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
	var built atomic.Int32
	obo := tokenservice.OnBehalfOfCredential(func(c tokenservice.Caller, assertion string) (azcore.TokenCredential, error) {
		built.Add(1)
		// The tenant as the configuration spells it, upper case; the
		// caller's token carries it in lower case.
		return azidentity.NewOnBehalfOfCredentialWithSecret(strings.ToUpper(c.TenantID), apiAppID, assertion, "the-app-secret",
			&azidentity.OnBehalfOfCredentialOptions{
				ClientOptions: azcore.ClientOptions{
					Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: entra.srv.URL + "/"},
					Transport: entra.srv.Client(),
				},
				DisableInstanceDiscovery: true,
			})
	})
	adele := tokenservice.Caller{TenantID: tenant, ObjectID: "0b8a6c2e-1f3d-4e5a-9b7c-6d5e4f3a2b1c", ExpiresOn: time.Now().Add(time.Hour)}
	ctx := context.Background()
	var first string
	for i := range 3 {
		at, err := obo(ctx, adele, "adele-caller-token")
		require.NoError(t, err, "request %d", i)
		if i == 0 {
			first = at.Token
		}
		assert.Equal(t, first, at.Token, "request %d: the cached token", i)
	}
	assert.EqualValues(t, 1, built.Load(), "one credential for the caller")
	assert.EqualValues(t, 1, entra.tokens.Load(), "one round trip to Entra ID for three requests")

	// Another caller has a credential of their own.
	megan := adele
	megan.ObjectID = "1c9b7d3f-2a4e-4f6b-8c8d-7e6f5a4b3c2d"
	_, err := obo(ctx, megan, "megan-caller-token")
	require.NoError(t, err)
	assert.EqualValues(t, 2, built.Load())
	assert.EqualValues(t, 2, entra.tokens.Load())

	// A later token of Adele that lives longer replaces her credential.
	adele.ExpiresOn = adele.ExpiresOn.Add(time.Hour)
	_, err = obo(ctx, adele, "adele-later-caller-token")
	require.NoError(t, err)
	assert.EqualValues(t, 3, built.Load())
}
