package fake_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
)

const (
	webAppID     = "6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c"
	webAppSecret = "the-web-app-secret"
	webRedirect  = "http://127.0.0.1:8080/auth/callback"
	// verifier is a PKCE code verifier (43 to 128 characters).
	verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

// challenge is verifier's S256 challenge.
func challenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// signInFixture is a fake Entra with two tenants, a registered web app,
// and its HTTP face on loopback.
type signInFixture struct {
	entraFixture
	other  fake.Tenant
	megan  fake.TestUser
	srv    *httptest.Server
	client *http.Client // follows no redirect
}

func newSignInFixture(t *testing.T) *signInFixture {
	f := &signInFixture{entraFixture: newEntraFixture(t)}
	f.other = f.entra.AddTenant("Contoso")
	f.megan = f.entra.AddUser(f.other.ID, "Megan Bowen")
	f.entra.AddApp(fake.App{ClientID: webAppID, Secret: webAppSecret, RedirectURIs: []string{webRedirect}})
	f.srv = httpserver.NewTestServer(f.entra.Handler(), nil)
	t.Cleanup(f.srv.Close)
	f.client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

// authorize asks for the sign-in page and returns its status and body.
func (f *signInFixture) authorize(t *testing.T, tenant string, q url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := f.client.Get(f.srv.URL + "/" + tenant + "/oauth2/v2.0/authorize?" + q.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func authorizeQuery() url.Values {
	return url.Values{
		"client_id": {webAppID}, "response_type": {"code"}, "redirect_uri": {webRedirect},
		"scope":          {"openid profile offline_access api://" + webAppID + "/access_as_user"},
		"state":          {"the-state"},
		"nonce":          {"the-nonce"},
		"code_challenge": {challenge(verifier)}, "code_challenge_method": {"S256"},
	}
}

var flowRE = regexp.MustCompile(`name="flow" value="([^"]+)"`)

// signIn picks upn on the sign-in page and returns where the fake sent
// the browser back.
func (f *signInFixture) signIn(t *testing.T, tenant string, q url.Values, upn string) *url.URL {
	t.Helper()
	resp, page := f.authorize(t, tenant, q)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	m := flowRE.FindStringSubmatch(page)
	require.NotNil(t, m, page)
	resp, err := f.client.PostForm(f.srv.URL+"/"+tenant+"/login", url.Values{"flow": {m[1]}, "login": {upn}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return loc
}

// redeem posts form to the token endpoint and decodes the answer.
func (f *signInFixture) redeem(t *testing.T, tenant string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := f.client.PostForm(f.srv.URL+"/"+tenant+"/oauth2/v2.0/token", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	return resp.StatusCode, body
}

func codeForm(code string) url.Values {
	return url.Values{
		"grant_type": {"authorization_code"}, "client_id": {webAppID}, "client_secret": {webAppSecret},
		"code": {code}, "redirect_uri": {webRedirect}, "code_verifier": {verifier},
	}
}

// aadsts is the first AADSTS code of an error answer.
func aadsts(body map[string]any) float64 {
	codes, _ := body["error_codes"].([]any)
	if len(codes) == 0 {
		return 0
	}
	n, _ := codes[0].(float64)
	return n
}

// TestSignInAuthorizationCode runs the authorization code flow with PKCE:
// the sign-in page lists the tenant's accounts, the pick redirects back
// with a code and the state, and the code redeems, once, for the user's
// access token for the app's API, an ID token with the nonce and a refresh
// token, which in turn gets a token for another resource.
func TestSignInAuthorizationCode(t *testing.T) {
	f := newSignInFixture(t)
	resp, page := f.authorize(t, f.tenant.ID, authorizeQuery())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, `data-upn="`+f.user.UPN+`"`)
	assert.NotContains(t, page, f.megan.UPN, "a tenant's page lists its own accounts")
	_, page = f.authorize(t, "organizations", authorizeQuery())
	assert.Contains(t, page, f.megan.UPN, "organizations lists every tenant's accounts")

	loc := f.signIn(t, f.tenant.ID, authorizeQuery(), f.user.UPN)
	assert.Equal(t, webRedirect, loc.Scheme+"://"+loc.Host+loc.Path)
	assert.Equal(t, "the-state", loc.Query().Get("state"))
	code := loc.Query().Get("code")
	require.NotEmpty(t, code)

	status, body := f.redeem(t, f.tenant.ID, codeForm(code))
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "Bearer", body["token_type"])
	assert.Equal(t, "api://"+webAppID+"/access_as_user", body["scope"])
	assert.EqualValues(t, 3600, body["expires_in"])
	c, err := f.entra.Verify(body["access_token"].(string))
	require.NoError(t, err)
	assert.Equal(t, "api://"+webAppID, c.Audience)
	assert.Equal(t, webAppID, c.AppID)
	assert.Equal(t, f.user.ObjectID, c.ObjectID)
	assert.Equal(t, []string{"access_as_user"}, c.Scopes)
	id, err := identity.ReadEntraToken(body["id_token"].(string))
	require.NoError(t, err)
	assert.Equal(t, webAppID, id.Audience)
	assert.Contains(t, body["id_token"], ".")
	idClaims := decodeClaims(t, body["id_token"].(string))
	assert.Equal(t, "the-nonce", idClaims["nonce"])
	assert.Equal(t, f.user.UPN, idClaims["preferred_username"])
	rt, _ := body["refresh_token"].(string)
	require.NotEmpty(t, rt, "offline_access was asked for")

	status, body = f.redeem(t, f.tenant.ID, codeForm(code))
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_grant", body["error"])
	assert.EqualValues(t, 54005, aadsts(body), "a code redeems once")

	status, body = f.redeem(t, f.tenant.ID, url.Values{
		"grant_type": {"refresh_token"}, "client_id": {webAppID}, "client_secret": {webAppSecret},
		"refresh_token": {rt}, "scope": {"https://graph.microsoft.com/Chat.ReadWrite offline_access"},
	})
	require.Equal(t, http.StatusOK, status, body)
	c, err = f.entra.Verify(body["access_token"].(string))
	require.NoError(t, err)
	assert.Equal(t, "https://graph.microsoft.com", c.Audience)
	assert.Equal(t, []string{"Chat.ReadWrite"}, c.Scopes)
	assert.NotEmpty(t, body["refresh_token"])
}

func decodeClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(b, &c))
	return c
}

// TestSignInRefusals checks the documented refusals: what cannot be sent
// back to the app is an error page (unknown app, unregistered redirect
// URI), what can is a redirect with the error; at the token endpoint a
// wrong verifier, a wrong or missing secret, an expired code, another
// redirect URI, another tenant's user.
func TestSignInRefusals(t *testing.T) {
	f := newSignInFixture(t)
	q := authorizeQuery()
	q.Set("client_id", "00000000-0000-0000-0000-00000000dead")
	resp, page := f.authorize(t, f.tenant.ID, q)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, page, "AADSTS700016")
	q = authorizeQuery()
	q.Set("redirect_uri", "https://evil.example/cb")
	resp, page = f.authorize(t, f.tenant.ID, q)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "no redirect to an unregistered URI")
	assert.Contains(t, page, "AADSTS50011")
	assert.Empty(t, resp.Header.Get("Location"))
	q = authorizeQuery()
	q.Set("response_type", "token")
	resp, _ = f.authorize(t, f.tenant.ID, q)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	assert.Equal(t, "unsupported_response_type", loc.Query().Get("error"))
	assert.Equal(t, "the-state", loc.Query().Get("state"))
	q = authorizeQuery()
	q.Set("code_challenge", "short")
	resp, _ = f.authorize(t, f.tenant.ID, q)
	loc, _ = url.Parse(resp.Header.Get("Location"))
	assert.Equal(t, "invalid_request", loc.Query().Get("error"))

	// Another tenant's user cannot sign in at a tenant's page.
	resp, page = f.authorize(t, f.tenant.ID, authorizeQuery())
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err := f.client.PostForm(f.srv.URL+"/"+f.tenant.ID+"/login", url.Values{"flow": {flowRE.FindStringSubmatch(page)[1]}, "login": {f.megan.UPN}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	// Cancel goes back to the app with access_denied.
	_, page = f.authorize(t, f.tenant.ID, authorizeQuery())
	resp, err = f.client.PostForm(f.srv.URL+"/"+f.tenant.ID+"/login", url.Values{"flow": {flowRE.FindStringSubmatch(page)[1]}, "cancel": {"1"}})
	require.NoError(t, err)
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	assert.Equal(t, "access_denied", loc.Query().Get("error"))

	tokenCase := func(name string, mutate func(url.Values), status int, code string, aad float64) {
		t.Helper()
		loc := f.signIn(t, f.tenant.ID, authorizeQuery(), f.user.UPN)
		form := codeForm(loc.Query().Get("code"))
		mutate(form)
		got, body := f.redeem(t, f.tenant.ID, form)
		assert.Equal(t, status, got, name)
		assert.Equal(t, code, body["error"], name)
		assert.Equal(t, aad, aadsts(body), name)
		assert.Nil(t, body["access_token"], name)
	}
	tokenCase("wrong verifier", func(v url.Values) { v.Set("code_verifier", strings.Repeat("x", 43)) }, 400, "invalid_grant", 501481)
	tokenCase("no verifier", func(v url.Values) { v.Del("code_verifier") }, 400, "invalid_request", 900144)
	tokenCase("wrong secret", func(v url.Values) { v.Set("client_secret", "guess") }, 401, "invalid_client", 7000215)
	tokenCase("no secret", func(v url.Values) { v.Del("client_secret") }, 401, "invalid_client", 7000218)
	tokenCase("other redirect", func(v url.Values) { v.Set("redirect_uri", "http://127.0.0.1:8080/other") }, 400, "invalid_grant", 50011)
	tokenCase("unknown grant", func(v url.Values) { v.Set("grant_type", "password") }, 400, "unsupported_grant_type", 70003)
	tokenCase("unknown code", func(v url.Values) { v.Set("code", "made-up") }, 400, "invalid_grant", 9002313)

	loc = f.signIn(t, f.tenant.ID, authorizeQuery(), f.user.UPN)
	f.clock.Advance(fake.AuthorizationCodeLifetime)
	got, body := f.redeem(t, f.tenant.ID, codeForm(loc.Query().Get("code")))
	assert.Equal(t, 400, got)
	assert.EqualValues(t, 70008, aadsts(body), "an expired code")
}

// TestSignInOnBehalfOf runs azidentity's real on-behalf-of credential
// against the fake over TLS (MSAL talks to https authorities only): the
// user's token for the app's API becomes the user's Graph and Teams tokens
// issued to the app; a token for another audience is refused.
func TestSignInOnBehalfOf(t *testing.T) {
	f := newSignInFixture(t)
	tlsSrv := httpserver.NewTestServer(f.entra.Handler(), &httpserver.Options{TLSConfig: &tls.Config{MinVersion: tls.VersionTLS12}})
	defer tlsSrv.Close()
	loc := f.signIn(t, "organizations", authorizeQuery(), f.megan.UPN)
	status, body := f.redeem(t, "organizations", codeForm(loc.Query().Get("code")))
	require.Equal(t, http.StatusOK, status, body)
	assertion := body["access_token"].(string)

	obo := func(assertion string) (azcore.TokenCredential, error) {
		return azidentity.NewOnBehalfOfCredentialWithSecret(f.megan.TenantID, webAppID, assertion, webAppSecret,
			&azidentity.OnBehalfOfCredentialOptions{
				ClientOptions:            azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: tlsSrv.URL + "/"}, Transport: tlsSrv.Client()},
				DisableInstanceDiscovery: true,
			})
	}
	cred, err := obo(assertion)
	require.NoError(t, err)
	ctx := context.Background()
	graph, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	require.NoError(t, err)
	c, err := f.entra.Verify(graph.Token)
	require.NoError(t, err)
	assert.Equal(t, "https://graph.microsoft.com", c.Audience)
	assert.Equal(t, webAppID, c.AppID)
	assert.Equal(t, f.megan.ObjectID, c.ObjectID)
	teams, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: teamsScopes})
	require.NoError(t, err)
	_, err = identity.CheckTeamsUserToken(teams.Token, webAppID, f.megan.ObjectID, f.clock.Now())
	require.NoError(t, err)

	// A token for Graph is not an assertion for the app.
	bad, err := obo(graph.Token)
	require.NoError(t, err)
	_, err = bad.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AADSTS50013")
	assert.NotContains(t, err.Error(), graph.Token)
}

// FuzzSignIn sends any query to the authorization endpoint and any form
// to the login and token endpoints: no panic, no 5xx, and no 200 from the
// token endpoint without a code, refresh token or assertion it issued.
func FuzzSignIn(f *testing.F) {
	f.Add("client_id="+webAppID+"&response_type=code&redirect_uri="+url.QueryEscape(webRedirect)+"&scope=openid", "grant_type=authorization_code&client_id="+webAppID+"&client_secret="+webAppSecret+"&code=x&redirect_uri="+url.QueryEscape(webRedirect))
	f.Add("code_challenge_method=S256&code_challenge=abc", "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&requested_token_use=on_behalf_of&assertion=a.b.c&scope=x/y")
	f.Add("%zz", "grant_type=refresh_token&refresh_token=&client_id="+webAppID)
	e := fake.NewEntra(nil)
	tenant := e.AddTenant("Fabrikam")
	e.AddUser(tenant.ID, "Adele Vance")
	e.AddApp(fake.App{ClientID: webAppID, Secret: webAppSecret, RedirectURIs: []string{webRedirect}})
	h := e.Handler()
	f.Fuzz(func(t *testing.T, query, form string) {
		for _, r := range []*http.Request{
			httptest.NewRequest(http.MethodGet, "/organizations/oauth2/v2.0/authorize", nil),
			httptest.NewRequest(http.MethodPost, "/organizations/login", strings.NewReader(form)),
			httptest.NewRequest(http.MethodPost, "/"+tenant.ID+"/oauth2/v2.0/token", strings.NewReader(form)),
		} {
			r.URL.RawQuery = query
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code >= 500 {
				t.Fatalf("%s %s: %d %s", r.Method, r.URL.Path, w.Code, w.Body)
			}
			if strings.HasSuffix(r.URL.Path, "/token") && w.Code == http.StatusOK {
				t.Fatalf("a token for a form with nothing issued: %s", form)
			}
		}
	})
}

// An app registered with the fake Entra ID signs its users in as with
// Entra ID: the browser goes to /authorize, the user picks an account, and
// the app redeems the code it is sent back with at /token.
func ExampleEntra_AddApp() {
	entra := fake.NewEntra(nil)
	fabrikam := entra.AddTenant("Fabrikam")
	adele := entra.AddUser(fabrikam.ID, "Adele Vance")
	entra.AddApp(fake.App{ClientID: webAppID, Secret: webAppSecret, RedirectURIs: []string{webRedirect}})
	srv := httpserver.NewTestServer(entra.Handler(), nil)
	defer srv.Close()
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// The sign-in page, then the user's pick.
	page, _ := browser.Get(srv.URL + "/organizations/oauth2/v2.0/authorize?" + authorizeQuery().Encode())
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	flow := flowRE.FindSubmatch(html)[1]
	picked, _ := browser.PostForm(srv.URL+"/organizations/login", url.Values{"flow": {string(flow)}, "login": {adele.UPN}})
	picked.Body.Close()
	back, _ := url.Parse(picked.Header.Get("Location"))
	fmt.Println(picked.StatusCode, back.Path, back.Query().Get("state"))

	// The app redeems the code with its secret and the PKCE verifier.
	resp, _ := browser.PostForm(srv.URL+"/organizations/oauth2/v2.0/token", codeForm(back.Query().Get("code")))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	claims, _ := entra.Verify(tok.AccessToken)
	fmt.Println(claims.Audience == "api://"+webAppID, claims.ObjectID == adele.ObjectID)
	// Output:
	// 302 /auth/callback the-state
	// true true
}
