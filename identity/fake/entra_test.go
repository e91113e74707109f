package fake_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

const entraTestApp = "1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b"

var teamsScopes = []string{
	identity.TeamsAudience + "/" + identity.TeamsManageCalls,
	identity.TeamsAudience + "/" + identity.TeamsManageChats,
}

var (
	sharedKeyOnce sync.Once
	sharedKey     *rsa.PrivateKey
)

type entraFixture struct {
	entra  *fake.Entra
	clock  *fake.Clock
	tenant fake.Tenant
	user   fake.TestUser
}

func newEntraFixture(t testing.TB) entraFixture {
	t.Helper()
	sharedKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		sharedKey = k
	})
	clock := fake.NewClock(time.Date(2025, 8, 21, 23, 0, 0, 0, time.UTC))
	e := fake.NewEntra(&fake.EntraOptions{Clock: clock, Key: sharedKey})
	tenant := e.AddTenant("Fabrikam")
	user := e.AddUser(tenant.ID, "Adele Vance")
	return entraFixture{entra: e, clock: clock, tenant: tenant, user: user}
}

func TestEntraTenantsAndUsers(t *testing.T) {
	f := newEntraFixture(t)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, f.tenant.ID)
	assert.Equal(t, "Fabrikam", f.tenant.Name)
	assert.Equal(t, "fabrikam.onmicrosoft.com", f.tenant.Domain)
	assert.Equal(t, fake.TestUser{ObjectID: f.user.ObjectID, TenantID: f.tenant.ID,
		UPN: "adele.vance@fabrikam.onmicrosoft.com", DisplayName: "Adele Vance"}, f.user)

	same := f.entra.AddUser(f.tenant.ID, "Adele Vance")
	assert.NotEqual(t, f.user.ObjectID, same.ObjectID)
	assert.Equal(t, "adele.vance2@fabrikam.onmicrosoft.com", same.UPN)

	got, ok := f.entra.User(strings.ToUpper(f.user.ObjectID))
	assert.True(t, ok)
	assert.Equal(t, f.user, got)
	_, ok = f.entra.User("nobody")
	assert.False(t, ok)
	tn, ok := f.entra.Tenant(f.tenant.ID)
	assert.True(t, ok)
	assert.Equal(t, f.tenant, tn)

	odd := f.entra.AddTenant("  ")
	assert.True(t, strings.HasPrefix(odd.Domain, "tenant"), odd.Domain)
	assert.Equal(t, "user@"+odd.Domain, f.entra.AddUser(odd.ID, "***").UPN)

	assert.PanicsWithValue(t, `fake: AddUser: tenant "nope" was not added with AddTenant`, func() {
		f.entra.AddUser("nope", "X")
	})
}

func TestEntraTeamsUserTokenV1(t *testing.T) {
	f := newEntraFixture(t)
	tok, exp, err := f.entra.TeamsUserToken(f.user, entraTestApp)
	require.NoError(t, err)
	now := f.clock.Now()
	assert.Equal(t, now.Add(time.Hour), exp)

	p, err := jwt.Parse(tok)
	require.NoError(t, err)
	assert.Equal(t, jwt.Header{Alg: "RS256", Typ: "JWT", Kid: f.entra.KeyID(), X5t: f.entra.KeyID()}, p.Header)
	assert.Len(t, f.entra.KeyID(), 27)
	for _, name := range []string{"aud", "iss", "iat", "nbf", "exp", "acr", "aio", "amr", "appid", "appidacr",
		"family_name", "given_name", "idtyp", "name", "oid", "rh", "scp", "sub", "tid", "unique_name", "upn", "uti", "ver"} {
		assert.True(t, p.Has(name), "claim %s", name)
	}
	assert.False(t, p.Has("azp"))

	c, err := identity.CheckTeamsUserToken(tok, entraTestApp, f.user.ObjectID, now)
	require.NoError(t, err)
	assert.Equal(t, identity.EntraTokenClaims{
		ObjectID:  f.user.ObjectID,
		TenantID:  f.tenant.ID,
		AppID:     entraTestApp,
		Audience:  identity.TeamsAudience,
		Scopes:    []string{"Teams.ManageCalls", "Teams.ManageChats"},
		Issuer:    "https://sts.windows.net/" + f.tenant.ID + "/",
		Version:   "1.0",
		Subject:   c.Subject,
		Name:      "Adele Vance",
		UPN:       f.user.UPN,
		IssuedAt:  now,
		NotBefore: now,
		ExpiresOn: exp,
	}, c)
	assert.Len(t, c.Subject, 43)

	v, err := f.entra.Verify(tok)
	require.NoError(t, err)
	assert.Equal(t, c, v)

	// The subject is pairwise: stable per app, different between apps.
	tok2, _, err := f.entra.TeamsUserToken(f.user, entraTestApp)
	require.NoError(t, err)
	assert.NotEqual(t, tok, tok2, "every token is new")
	c2, _ := identity.ReadEntraToken(tok2)
	assert.Equal(t, c.Subject, c2.Subject)
	tok3, _, _ := f.entra.TeamsUserToken(f.user, "22222222-2222-2222-2222-222222222222")
	c3, _ := identity.ReadEntraToken(tok3)
	assert.NotEqual(t, c.Subject, c3.Subject)
}

func TestEntraTeamsUserTokenV2(t *testing.T) {
	f := newEntraFixture(t)
	tok, _, err := f.entra.TeamsUserToken(f.user, entraTestApp, fake.V2())
	require.NoError(t, err)
	c, err := identity.CheckTeamsUserToken(tok, entraTestApp, f.user.ObjectID, f.clock.Now())
	require.NoError(t, err)
	assert.Equal(t, "2.0", c.Version)
	assert.Equal(t, identity.TeamsAudienceAppID, c.Audience)
	assert.Equal(t, "https://login.microsoftonline.com/"+f.tenant.ID+"/v2.0", c.Issuer)
	assert.Equal(t, f.user.UPN, c.PreferredUsername)
	assert.Empty(t, c.UPN)
	p, _ := jwt.Parse(tok)
	assert.True(t, p.Has("azp"))
	assert.False(t, p.Has("appid"))
	_, err = f.entra.Verify(tok)
	require.NoError(t, err)
}

func TestEntraMintOptions(t *testing.T) {
	f := newEntraFixture(t)
	tests := []struct {
		name     string
		app      string
		opts     []fake.MintOption
		sentinel error
		verify   error // what Verify says; nil means valid
	}{
		{"expired", entraTestApp, []fake.MintOption{fake.Expired()}, identity.ErrTokenExpired, identity.ErrTokenExpired},
		{"not yet valid", entraTestApp, []fake.MintOption{fake.NotYetValid()}, identity.ErrTokenNotYetValid, identity.ErrTokenNotYetValid},
		{"graph audience", entraTestApp, []fake.MintOption{fake.WithAudience("https://graph.microsoft.com")}, identity.ErrTokenWrongAudience, nil},
		{"calls only", entraTestApp, []fake.MintOption{fake.WithScopes(identity.TeamsAudience + "/Teams.ManageCalls")}, identity.ErrTokenMissingScope, nil},
		{"no scopes", entraTestApp, []fake.MintOption{fake.WithScopes()}, identity.ErrTokenMissingScope, nil},
		{"another app", "99999999-aaaa-bbbb-cccc-dddddddddddd", nil, identity.ErrTokenAppIDMismatch, nil},
		{"another app v2", "99999999-aaaa-bbbb-cccc-dddddddddddd", []fake.MintOption{fake.V2()}, identity.ErrTokenAppIDMismatch, nil},
		{"another user", entraTestApp, []fake.MintOption{fake.WithClaim("oid", "88888888-aaaa-bbbb-cccc-dddddddddddd")}, identity.ErrTokenUserIDMismatch, nil},
		{"no oid", entraTestApp, []fake.MintOption{fake.WithClaim("oid", nil)}, identity.ErrTokenMalformed, nil},
		{"scp number", entraTestApp, []fake.MintOption{fake.WithClaim("scp", 7)}, identity.ErrTokenMalformed, identity.ErrTokenMalformed},
		{"foreign tenant", entraTestApp, []fake.MintOption{fake.WithClaim("tid", "77777777-aaaa-bbbb-cccc-dddddddddddd")}, nil, identity.ErrTokenUntrusted},
		{"foreign issuer", entraTestApp, []fake.MintOption{fake.WithClaim("iss", "https://sts.windows.net/77777777-aaaa-bbbb-cccc-dddddddddddd/")}, nil, identity.ErrTokenUntrusted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, _, err := f.entra.TeamsUserToken(f.user, tt.app, tt.opts...)
			require.NoError(t, err)
			_, err = identity.CheckTeamsUserToken(tok, entraTestApp, f.user.ObjectID, f.clock.Now())
			if tt.sentinel == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			_, err = f.entra.Verify(tok)
			if tt.verify == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.verify)
				assert.NotContains(t, err.Error(), tok)
			}
		})
	}

	tok, exp, err := f.entra.TeamsUserToken(f.user, entraTestApp, fake.WithLifetime(90*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, f.clock.Now().Add(90*time.Minute), exp)
	c, _ := identity.ReadEntraToken(tok)
	assert.Equal(t, exp, c.ExpiresOn)

	_, exp, err = f.entra.TeamsUserToken(f.user, entraTestApp, fake.Expired())
	require.NoError(t, err)
	assert.True(t, exp.Before(f.clock.Now().Add(-identity.TokenClockSkew)))
}

func TestEntraMintErrors(t *testing.T) {
	f := newEntraFixture(t)
	_, _, err := f.entra.TeamsUserToken(f.user, "")
	assert.EqualError(t, err, "fake: an app id is required to mint an entra token")
	_, _, err = f.entra.TeamsUserToken(fake.TestUser{ObjectID: "x", TenantID: "y"}, entraTestApp)
	assert.EqualError(t, err, `fake: user "x" of tenant "y" was not added to this entra issuer`)
	other := newEntraFixture(t)
	_, _, err = f.entra.TeamsUserToken(other.user, entraTestApp)
	assert.Error(t, err)
}

func TestEntraVerify(t *testing.T) {
	f := newEntraFixture(t)
	tok, exp, err := f.entra.TeamsUserToken(f.user, entraTestApp)
	require.NoError(t, err)

	// A token of another issuer (another key) is not trusted, even with the same tenant id.
	other := fake.NewEntra(&fake.EntraOptions{Clock: f.clock})
	ot := other.AddTenant("Fabrikam")
	ou := other.AddUser(ot.ID, "Adele Vance")
	foreign, _, err := other.TeamsUserToken(ou, entraTestApp)
	require.NoError(t, err)
	_, err = f.entra.Verify(foreign)
	assert.ErrorIs(t, err, identity.ErrTokenUntrusted)
	assert.NotContains(t, err.Error(), foreign)

	// A tampered token is not trusted.
	parts := strings.Split(tok, ".")
	forged, _, _ := other.TeamsUserToken(ou, entraTestApp)
	tampered := parts[0] + "." + strings.Split(forged, ".")[1] + "." + parts[2]
	_, err = f.entra.Verify(tampered)
	assert.ErrorIs(t, err, identity.ErrTokenUntrusted)

	// Garbage is malformed.
	_, err = f.entra.Verify("garbage")
	assert.ErrorIs(t, err, identity.ErrTokenMalformed)

	// Time passes on the issuer's clock.
	f.clock.Advance(exp.Sub(f.clock.Now()) - time.Second)
	_, err = f.entra.Verify(tok)
	require.NoError(t, err)
	f.clock.Advance(time.Second)
	_, err = f.entra.Verify(tok)
	var ite *identity.InvalidTokenError
	require.ErrorAs(t, err, &ite)
	assert.Equal(t, identity.TokenExpired, ite.Problem)
	assert.Equal(t, exp, ite.At)
}

func TestEntraCredential(t *testing.T) {
	f := newEntraFixture(t)
	cred := f.entra.Credential(f.user, entraTestApp, nil)
	ctx := context.Background()

	a, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	require.NoError(t, err)
	b, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	require.NoError(t, err)
	assert.NotEqual(t, a.Token, b.Token, "a fresh token on every call")
	assert.Equal(t, f.clock.Now().Add(time.Hour), a.ExpiresOn)
	assert.Equal(t, 2, cred.Calls())
	_, err = identity.CheckTeamsUserToken(a.Token, entraTestApp, f.user.ObjectID, f.clock.Now())
	require.NoError(t, err)

	// .default of the Teams resource means both Teams scopes.
	d, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{identity.TeamsAudience + "//.default"}})
	require.NoError(t, err)
	_, err = identity.CheckTeamsUserToken(d.Token, entraTestApp, f.user.ObjectID, f.clock.Now())
	require.NoError(t, err)

	// Another resource gets a token for that audience.
	g, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/Chat.ReadWrite", "https://graph.microsoft.com/User.Read"}})
	require.NoError(t, err)
	gc, err := identity.ReadEntraToken(g.Token)
	require.NoError(t, err)
	assert.Equal(t, "https://graph.microsoft.com", gc.Audience)
	assert.Equal(t, []string{"Chat.ReadWrite", "User.Read"}, gc.Scopes)

	for _, scopes := range [][]string{nil, {"no-slash"}, {"https://graph.microsoft.com/"}, {teamsScopes[0], "https://graph.microsoft.com/User.Read"}} {
		_, err = cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: scopes})
		assert.Error(t, err, "%q", scopes)
	}

	// FailNext queues failures, in order.
	errA, errB := errors.New("aadsts50076: mfa required"), errors.New("aadsts70043: refresh token expired")
	cred.FailNext(errA)
	cred.FailNext(errB)
	_, err = cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	assert.Same(t, errA, err)
	_, err = cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	assert.Same(t, errB, err)
	_, err = cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	assert.NoError(t, err)

	// A cancelled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = cred.GetToken(cctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	assert.ErrorIs(t, err, context.Canceled)

	// A slow issuer and a deadline.
	cred.SetLatency(time.Hour)
	tctx, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	_, err = cred.GetToken(tctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	cred.SetLatency(0)

	assert.Equal(t, 13, cred.Calls())

	// Mint options apply to every token.
	v2 := f.entra.Credential(f.user, entraTestApp, &fake.EntraCredentialOptions{Mint: []fake.MintOption{fake.V2()}})
	tk, err := v2.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	require.NoError(t, err)
	vc, _ := identity.ReadEntraToken(tk.Token)
	assert.Equal(t, "2.0", vc.Version)
	assert.Equal(t, identity.TeamsAudienceAppID, vc.Audience)
}

func TestEntraCredentialCache(t *testing.T) {
	f := newEntraFixture(t)
	cred := f.entra.Credential(f.user, entraTestApp, &fake.EntraCredentialOptions{Cache: true})
	ctx := context.Background()
	a, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	require.NoError(t, err)
	f.clock.Advance(59 * time.Minute)
	b, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	require.NoError(t, err)
	assert.Equal(t, a, b, "the cached token until it expires")
	// Another resource is another cache entry.
	g, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	require.NoError(t, err)
	assert.NotEqual(t, a.Token, g.Token)
	f.clock.Advance(time.Minute)
	c, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	require.NoError(t, err)
	assert.NotEqual(t, a.Token, c.Token, "a new token once the cached one expired")
	assert.Equal(t, f.clock.Now().Add(time.Hour), c.ExpiresOn)
	assert.Equal(t, 4, cred.Calls())
}

func TestEntraConcurrent(t *testing.T) {
	f := newEntraFixture(t)
	cred := f.entra.Credential(f.user, entraTestApp, &fake.EntraCredentialOptions{Cache: true})
	fresh := f.entra.Credential(f.user, entraTestApp, nil)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := f.entra.AddUser(f.tenant.ID, fmt.Sprintf("User %d", i))
			tok, _, err := f.entra.TeamsUserToken(u, entraTestApp)
			assert.NoError(t, err)
			_, err = f.entra.Verify(tok)
			assert.NoError(t, err)
			for _, c := range []*fake.EntraCredential{cred, fresh} {
				_, err = c.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: teamsScopes})
				assert.NoError(t, err)
			}
			f.entra.AddTenant(fmt.Sprintf("Tenant %d", i))
		}()
	}
	wg.Wait()
	assert.Equal(t, 16, cred.Calls())
	assert.Equal(t, 16, fresh.Calls())
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	require.NoError(t, json.Unmarshal(body, v), string(body))
	return resp.StatusCode
}

func TestEntraHandler(t *testing.T) {
	f := newEntraFixture(t)
	srv := httptest.NewServer(f.entra.Handler())
	defer srv.Close()

	var doc map[string]any
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/"+f.tenant.ID+"/v2.0/.well-known/openid-configuration", &doc))
	assert.Equal(t, "https://login.microsoftonline.com/"+f.tenant.ID+"/v2.0", doc["issuer"])
	assert.Equal(t, srv.URL+"/"+f.tenant.ID+"/discovery/v2.0/keys", doc["jwks_uri"])
	assert.Equal(t, srv.URL+"/"+f.tenant.ID+"/oauth2/v2.0/token", doc["token_endpoint"])
	assert.Equal(t, []any{"RS256"}, doc["id_token_signing_alg_values_supported"])

	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/common/v2.0/.well-known/openid-configuration", &doc))
	assert.Equal(t, "https://login.microsoftonline.com/{tenantid}/v2.0", doc["issuer"])
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/fabrikam.onmicrosoft.com/v2.0/.well-known/openid-configuration", &doc))
	assert.Equal(t, "https://login.microsoftonline.com/"+f.tenant.ID+"/v2.0", doc["issuer"])
	require.Equal(t, http.StatusOK, getJSON(t, srv.URL+"/"+f.tenant.ID+"/.well-known/openid-configuration", &doc))
	assert.Equal(t, "https://sts.windows.net/"+f.tenant.ID+"/", doc["issuer"])
	assert.Equal(t, srv.URL+"/common/discovery/keys", doc["jwks_uri"])

	var aadErr map[string]any
	require.Equal(t, http.StatusBadRequest, getJSON(t, srv.URL+"/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration", &aadErr))
	assert.Equal(t, "invalid_tenant", aadErr["error"])
	assert.Contains(t, aadErr["error_description"], "AADSTS90002")

	// The published keys verify the issuer's tokens.
	tok, _, err := f.entra.TeamsUserToken(f.user, entraTestApp)
	require.NoError(t, err)
	for _, path := range []string{"/common/discovery/v2.0/keys", "/" + f.tenant.ID + "/discovery/v2.0/keys", "/common/discovery/keys"} {
		var set jwt.JWKS
		require.Equal(t, http.StatusOK, getJSON(t, srv.URL+path, &set), path)
		require.Len(t, set.Keys, 1)
		k := set.Keys[0]
		assert.Equal(t, "RSA", k.Kty)
		assert.Equal(t, "sig", k.Use)
		assert.Equal(t, f.entra.KeyID(), k.Kid)
		assert.Equal(t, f.entra.KeyID(), k.X5t)
		assert.Len(t, k.X5c, 1)
		assert.Equal(t, "AQAB", k.E)
		assert.Equal(t, strings.Contains(path, "v2.0"), k.Issuer != "", path)
		require.NoError(t, jwt.VerifyRS256(tok, set), path)
	}

	resp, err := http.Post(srv.URL+"/common/discovery/v2.0/keys", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// A test signs a Teams user in to a fake Entra ID and checks the token as
// the exchange does.
func ExampleEntra() {
	entra := fake.NewEntra(nil)
	fabrikam := entra.AddTenant("Fabrikam")
	adele := entra.AddUser(fabrikam.ID, "Adele Vance")
	const appID = "1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b"

	token, _, err := entra.TeamsUserToken(adele, appID)
	if err != nil {
		fmt.Println(err)
		return
	}
	claims, err := identity.CheckTeamsUserToken(token, appID, adele.ObjectID, time.Now())
	fmt.Println(adele.UPN, claims.Scopes, err)

	expired, _, _ := entra.TeamsUserToken(adele, appID, fake.Expired())
	_, err = entra.Verify(expired)
	fmt.Println(errors.Is(err, identity.ErrTokenExpired))
	// Output:
	// adele.vance@fabrikam.onmicrosoft.com [Teams.ManageCalls Teams.ManageChats] <nil>
	// true
}
