package tokenservice_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

const (
	apiAppID    = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b" // the token service's app registration
	apiAppIDURI = "api://contoso-token-service"
	spaAppID    = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac" // the web client's app registration
	apiScope    = "access_as_user"
)

var (
	keysOnce sync.Once
	testKeys [3]*rsa.PrivateKey
)

// keys returns RSA keys shared by the tests: generating them is slow.
func keys() [3]*rsa.PrivateKey {
	keysOnce.Do(func() {
		for i := range testKeys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			testKeys[i] = k
		}
	})
	return testKeys
}

// entraFront serves the fake Entra issuer, counts key fetches, can add keys
// to the published set (rotation) and can fail.
type entraFront struct {
	h       http.Handler
	keyGets atomic.Int32
	mu      sync.Mutex
	extra   []jwt.JWK
	fail    bool
	paths   sync.Map // paths requested
}

func (f *entraFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.paths.Store(r.URL.Path, true)
	f.mu.Lock()
	extra, fail := append([]jwt.JWK(nil), f.extra...), f.fail
	f.mu.Unlock()
	if fail {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/keys") {
		f.h.ServeHTTP(w, r)
		return
	}
	f.keyGets.Add(1)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, r)
	var set jwt.JWKS
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &set) != nil {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	set.Keys = append(set.Keys, extra...)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(set)
}

func (f *entraFront) publish(k jwt.JWK) { f.mu.Lock(); f.extra = append(f.extra, k); f.mu.Unlock() }
func (f *entraFront) setFail(v bool)    { f.mu.Lock(); f.fail = v; f.mu.Unlock() }

// syncBuffer is a log sink for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// settings are the arguments of tokenservice.New, in one value that a test
// changes with a func(*settings).
type settings struct {
	tokenservice.Config
	tokenservice.Options
}

// world is Fabrikam (allowed) and Northwind (not allowed) at a fake Entra
// ID, an ACS resource (fake, HTTP face) reached by the real identity client,
// and the token service on loopback.
type world struct {
	t         *testing.T
	clock     *fake.Clock
	entra     *fake.Entra
	front     *entraFront
	entraSrv  *httptest.Server
	acs       *fake.Service
	acsSrv    *httptest.Server
	acsHits   atomic.Int32 // requests that reached ACS
	client    *identity.Client
	fabrikam  fake.Tenant
	northwind fake.Tenant
	adele     fake.TestUser
	megan     fake.TestUser
	alex      fake.TestUser // of Northwind
	oboCalls  atomic.Int32
	oboSeen   sync.Map // caller oid -> caller token the OBO function got
	logs      *syncBuffer
	cfg       settings
	svc       *tokenservice.Service
	srv       *httptest.Server
}

func newWorld(t *testing.T, mod func(*settings)) *world {
	t.Helper()
	// The clock starts at the real time: the identity client signs its
	// requests with the real date, which the fake ACS checks (within 15
	// minutes) against this clock.
	w := &world{t: t, clock: fake.NewClock(time.Now().UTC().Truncate(time.Second)), logs: &syncBuffer{}}
	w.entra = fake.NewEntra(&fake.EntraOptions{Clock: w.clock, Key: keys()[0]})
	w.fabrikam = w.entra.AddTenant("Fabrikam")
	w.northwind = w.entra.AddTenant("Northwind")
	w.adele = w.entra.AddUser(w.fabrikam.ID, "Adele Vance")
	w.megan = w.entra.AddUser(w.fabrikam.ID, "Megan Bowen")
	w.alex = w.entra.AddUser(w.northwind.ID, "Alex Wilber")
	w.front = &entraFront{h: w.entra.Handler()}
	w.entraSrv = httptest.NewServer(w.front)
	t.Cleanup(w.entraSrv.Close)

	w.acs = fake.New(&fake.Options{Entra: w.entra, Clock: w.clock})
	acsHandler := w.acs.Handler()
	w.acsSrv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.acsHits.Add(1)
		acsHandler.ServeHTTP(rw, r)
	}))
	t.Cleanup(w.acsSrv.Close)
	var err error
	w.client, err = identity.NewClientFromConnectionString(w.acs.ConnectionString(w.acsSrv.URL), &identity.ClientOptions{
		ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true, Retry: policy.RetryOptions{MaxRetries: -1}},
		Clock:         w.clock,
	})
	require.NoError(t, err)

	w.cfg = settings{
		Config: tokenservice.Config{
			Exchanger: w.client,
			AppID:     apiAppID,
			Audiences: []string{apiAppID, apiAppIDURI},
			Tenants:   []string{w.fabrikam.ID},
		},
		Options: tokenservice.Options{
			ForwardedAppID: spaAppID,
			RequiredScopes: []string{apiScope},
			OnBehalfOf:     tokenservice.OnBehalfOfCredential(w.oboCredential),
			AuthorityHost:  w.entraSrv.URL,
			HTTPClient:     w.entraSrv.Client(),
			Clock:          w.clock,
			RateLimit:      tokenservice.RateLimit{Burst: 1000},
			Logger:         slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		},
	}
	w.restart(mod)
	return w
}

// restart serves a new token service of the world's base configuration
// changed by mod.
func (w *world) restart(mod func(*settings)) {
	w.t.Helper()
	cfg := w.cfg
	if mod != nil {
		mod(&cfg)
	}
	var err error
	if w.svc != nil {
		require.NoError(w.t, w.svc.Close())
	}
	w.svc, err = tokenservice.New(cfg.Config, &cfg.Options)
	require.NoError(w.t, err)
	svc := w.svc
	w.t.Cleanup(func() { _ = svc.Close() })
	if w.srv != nil {
		w.srv.Close()
	}
	w.srv = httptest.NewServer(w.svc)
	w.t.Cleanup(w.srv.Close)
}

// oboCredential is the on-behalf-of step against the fake Entra: the Teams
// token of the caller, issued to the token service's app.
func (w *world) oboCredential(c tokenservice.Caller, assertion string) (azcore.TokenCredential, error) {
	w.oboCalls.Add(1)
	w.oboSeen.Store(c.ObjectID, assertion)
	u, ok := w.entra.User(c.ObjectID)
	if !ok {
		return nil, errors.New("AADSTS50034: the user does not exist")
	}
	return w.entra.Credential(u, apiAppID, nil), nil
}

// callerToken mints the token a client gets for the token service's API.
func (w *world) callerToken(u fake.TestUser, opts ...fake.MintOption) string {
	w.t.Helper()
	base := []fake.MintOption{fake.V2(), fake.WithAudience(apiAppID), fake.WithScopes(apiScope)}
	tok, _, err := w.entra.TeamsUserToken(u, spaAppID, append(base, opts...)...)
	require.NoError(w.t, err)
	return tok
}

// teamsToken mints the Teams user's Entra token the web client obtained.
func (w *world) teamsToken(u fake.TestUser, opts ...fake.MintOption) string {
	w.t.Helper()
	tok, _, err := w.entra.TeamsUserToken(u, spaAppID, opts...)
	require.NoError(w.t, err)
	return tok
}

type answer struct {
	status int
	header http.Header
	body   string
	ok     tokenservice.Response
	err    struct {
		Code    tokenservice.ErrorCode `json:"code"`
		Message string                 `json:"message"`
	}
}

func (w *world) do(method string, header map[string]string, body string) answer {
	w.t.Helper()
	return w.doAt(w.srv, method, header, body)
}

// doAt is do at another server of the same world (another replica).
func (w *world) doAt(srv *httptest.Server, method string, header map[string]string, body string) answer {
	w.t.Helper()
	var rdr io.Reader
	if body != "" {
		rdr = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+"/api/token", rdr)
	require.NoError(w.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(w.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(w.t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if resp.StatusCode == http.StatusOK {
		require.NoError(w.t, json.Unmarshal(b, &a.ok), "%s", b)
	} else if len(b) > 0 {
		var e struct {
			Error json.RawMessage `json:"error"`
		}
		require.NoError(w.t, json.Unmarshal(b, &e), "%s", b)
		require.NoError(w.t, json.Unmarshal(e.Error, &a.err), "%s", b)
	}
	return a
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

func body(teamsToken string) string {
	b, _ := json.Marshal(map[string]string{"teamsToken": teamsToken})
	return string(b)
}

func (w *world) assertTeamsAnswer(a answer, u fake.TestUser) {
	w.t.Helper()
	require.Equal(w.t, http.StatusOK, a.status, a.body)
	assert.Equal(w.t, "no-store", a.header.Get("Cache-Control"))
	assert.Equal(w.t, "application/json; charset=utf-8", a.header.Get("Content-Type"))
	valid, reason := w.acs.TokenState(a.ok.Token)
	assert.True(w.t, valid, reason)
	claims, err := identity.ReadACSToken(a.ok.Token)
	require.NoError(w.t, err)
	assert.Equal(w.t, "8:orgid:"+u.ObjectID, claims.Identifier().RawID())
	assert.Equal(w.t, identity.KindMicrosoftTeamsUser, a.ok.User.Kind)
	assert.Equal(w.t, "8:orgid:"+u.ObjectID, a.ok.User.RawID)
	require.NotNil(w.t, a.ok.User.MicrosoftTeamsUser)
	assert.Equal(w.t, u.ObjectID, a.ok.User.MicrosoftTeamsUser.UserID)
	assert.Equal(w.t, identity.CloudPublic, a.ok.User.MicrosoftTeamsUser.Cloud)
	assert.False(w.t, a.ok.ExpiresOn.IsZero())
	id, err := a.ok.User.Identifier()
	require.NoError(w.t, err)
	assert.Equal(w.t, identity.MicrosoftTeamsUserIdentifier{UserID: u.ObjectID, Cloud: identity.CloudPublic}.RawID(), id.RawID())
}

func TestTokenServiceForwardedToken(t *testing.T) {
	w := newWorld(t, nil)

	// v2.0 caller token, Teams token in the body.
	a := w.do(http.MethodPost, bearer(w.callerToken(w.adele)), body(w.teamsToken(w.adele)))
	w.assertTeamsAnswer(a, w.adele)
	// v1.0 caller token (App ID URI audience), Teams token in the header.
	v1, _, err := w.entra.TeamsUserToken(w.megan, spaAppID, fake.WithAudience(apiAppIDURI), fake.WithScopes(apiScope))
	require.NoError(t, err)
	h := bearer(v1)
	h[tokenservice.TeamsTokenHeader] = w.teamsToken(w.megan)
	a = w.do(http.MethodPost, h, "")
	w.assertTeamsAnswer(a, w.megan)
	// Both, the same token.
	tt := w.teamsToken(w.adele, fake.V2())
	h = bearer(w.callerToken(w.adele))
	h[tokenservice.TeamsTokenHeader] = tt
	w.assertTeamsAnswer(w.do(http.MethodPost, h, body(tt)), w.adele)

	ex := w.acs.Exchanges()
	require.Len(t, ex, 3)
	for i, u := range []fake.TestUser{w.adele, w.megan, w.adele} {
		assert.Equal(t, spaAppID, ex[i].AppID)
		assert.Equal(t, u.ObjectID, ex[i].UserID)
		assert.Equal(t, w.fabrikam.ID, ex[i].TenantID)
	}
	assert.Zero(t, w.oboCalls.Load(), "a forwarded token needs no on-behalf-of step")
	assert.EqualValues(t, 1, w.front.keyGets.Load(), "the keys are fetched once and cached")
	_, single := w.front.paths.Load("/" + w.fabrikam.ID + "/v2.0/.well-known/openid-configuration")
	assert.True(t, single, "single-tenant mode reads the tenant's metadata")
}

func TestTokenServiceOnBehalfOf(t *testing.T) {
	w := newWorld(t, nil)
	caller := w.callerToken(w.adele)
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(caller), ""), w.adele)
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(caller), "{}"), w.adele)
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(caller), `{"teamsToken": null}`), w.adele)
	assert.EqualValues(t, 1, w.oboCalls.Load(), "one on-behalf-of credential for the caller, kept while the caller's token is valid")
	seen, _ := w.oboSeen.Load(w.adele.ObjectID)
	assert.Equal(t, caller, seen, "the assertion of the on-behalf-of step is the caller's token")
	for _, ex := range w.acs.Exchanges() {
		assert.Equal(t, apiAppID, ex.AppID, "tokens obtained on behalf of the caller are issued to the service's app")
		assert.Equal(t, w.adele.ObjectID, ex.UserID)
	}
}

func TestTokenServiceRefusesBadCallers(t *testing.T) {
	w := newWorld(t, nil)
	k := keys()
	good := w.callerToken(w.adele)
	forge := func(key *rsa.PrivateKey, kid string, mod func(map[string]any)) string {
		tok, err := jwt.Parse(good)
		require.NoError(t, err)
		claims := map[string]any{}
		require.NoError(t, tok.Decode(&claims))
		if mod != nil {
			mod(claims)
		}
		s, err := jwt.Sign(jwt.Header{Alg: jwt.AlgRS256, Typ: "JWT", Kid: kid}, claims, key)
		require.NoError(t, err)
		return s
	}
	parts := strings.Split(good, ".")
	hs256Header := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IngifQ" // {"alg":"HS256","typ":"JWT","kid":"x"}
	noneHeader := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"                 // {"alg":"none","typ":"JWT"}

	cases := []struct {
		name   string
		header map[string]string
		status int
		code   tokenservice.ErrorCode
	}{
		{"no authorization", nil, 401, tokenservice.CodeMissingToken},
		{"basic scheme", map[string]string{"Authorization": "Basic YWRlbGU6cHc="}, 401, tokenservice.CodeMissingToken},
		{"empty bearer", map[string]string{"Authorization": "Bearer "}, 401, tokenservice.CodeMissingToken},
		{"not a b64token", map[string]string{"Authorization": "Bearer a b"}, 401, tokenservice.CodeInvalidToken},
		{"garbage", bearer("abc.def.ghi"), 401, tokenservice.CodeInvalidToken},
		{"forged: another key, the issuer's kid", bearer(forge(k[2], w.entra.KeyID(), nil)), 401, tokenservice.CodeInvalidToken},
		{"forged: another key, unknown kid", bearer(forge(k[2], "forged-kid", nil)), 401, tokenservice.CodeInvalidToken},
		{"tampered payload", bearer(parts[0] + "." + strings.Split(forge(k[2], w.entra.KeyID(), func(c map[string]any) { c["oid"] = w.megan.ObjectID }), ".")[1] + "." + parts[2]), 401, tokenservice.CodeInvalidToken},
		{"alg none", bearer(noneHeader + "." + parts[1] + "."), 401, tokenservice.CodeInvalidToken},
		{"alg HS256", bearer(hs256Header + "." + parts[1] + "." + parts[2]), 401, tokenservice.CodeInvalidToken},
		{"expired", bearer(w.callerToken(w.adele, fake.Expired())), 401, tokenservice.CodeInvalidToken},
		{"not yet valid", bearer(w.callerToken(w.adele, fake.NotYetValid())), 401, tokenservice.CodeInvalidToken},
		{"wrong audience: another API", bearer(w.callerToken(w.adele, fake.WithAudience("api://other-service"))), 401, tokenservice.CodeInvalidToken},
		{"wrong audience: the Teams token itself", bearer(w.teamsToken(w.adele, fake.V2())), 401, tokenservice.CodeInvalidToken},
		{"issuer of another tenant", bearer(w.callerToken(w.adele, fake.WithClaim("iss", "https://login.microsoftonline.com/"+w.northwind.ID+"/v2.0"))), 401, tokenservice.CodeInvalidToken},
		{"foreign issuer", bearer(w.callerToken(w.adele, fake.WithClaim("iss", "https://evil.example/"+w.fabrikam.ID+"/v2.0"))), 401, tokenservice.CodeInvalidToken},
		{"no oid", bearer(w.callerToken(w.adele, fake.WithClaim("oid", nil))), 401, tokenservice.CodeInvalidToken},
		{"no tid", bearer(w.callerToken(w.adele, fake.WithClaim("tid", nil))), 401, tokenservice.CodeInvalidToken},
		{"oid a number", bearer(w.callerToken(w.adele, fake.WithClaim("oid", 42))), 401, tokenservice.CodeInvalidToken},
		{"tenant not allowed", bearer(w.callerToken(w.alex)), 403, tokenservice.CodeTenantNotAllowed},
		{"app-only token", bearer(w.callerToken(w.adele, fake.WithScopes(), fake.WithClaim("roles", []string{"Token.Issue"}))), 403, tokenservice.CodeUserTokenRequired},
		{"scope missing", bearer(w.callerToken(w.adele, fake.WithScopes("User.Read"))), 403, tokenservice.CodeInsufficientScope},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, b := range []string{"", body(w.teamsToken(w.adele))} {
				a := w.do(http.MethodPost, tc.header, b)
				assert.Equal(t, tc.status, a.status, a.body)
				assert.Equal(t, tc.code, a.err.Code, a.body)
				assert.NotEmpty(t, a.err.Message)
				if tc.status == 401 {
					assert.True(t, strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer"), a.header.Get("WWW-Authenticate"))
				}
				if v := tc.header["Authorization"]; len(v) > 20 {
					tok := strings.TrimPrefix(v, "Bearer ")
					assert.NotContains(t, a.body, tok)
					assert.NotContains(t, a.header.Get("WWW-Authenticate"), tok)
				}
			}
		})
	}
	two := w.do(http.MethodPost, nil, "")
	assert.Equal(t, 401, two.status)

	// None of them reached Communication Services or the on-behalf-of step.
	assert.Empty(t, w.acs.Exchanges())
	assert.Zero(t, w.acsHits.Load())
	assert.Zero(t, w.oboCalls.Load())
	// The forged kids caused no more than the one refresh the interval allows.
	assert.LessOrEqual(t, w.front.keyGets.Load(), int32(1))
}

func TestTokenServiceTwoAuthorizationHeaders(t *testing.T) {
	w := newWorld(t, nil)
	req, err := http.NewRequest(http.MethodPost, w.srv.URL, nil)
	require.NoError(t, err)
	req.Header.Add("Authorization", "Bearer "+w.callerToken(w.adele))
	req.Header.Add("Authorization", "Bearer "+w.callerToken(w.megan))
	resp, err := w.srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Zero(t, w.acsHits.Load())
}

func TestTokenServiceCallerCannotChooseTheUser(t *testing.T) {
	w := newWorld(t, nil)
	caller := w.callerToken(w.adele)

	// A body that names a user (or an app) is refused as it is.
	for _, b := range []string{
		`{"userId": "` + w.megan.ObjectID + `"}`,
		`{"teamsToken": "` + w.teamsToken(w.megan) + `", "userId": "` + w.megan.ObjectID + `"}`,
		`{"UserID": "` + w.megan.ObjectID + `"}`,
		`{"oid": "` + w.megan.ObjectID + `"}`,
		`{"appId": "` + spaAppID + `"}`,
		`{"user": {"rawId": "8:orgid:` + w.megan.ObjectID + `"}}`,
	} {
		a := w.do(http.MethodPost, bearer(caller), b)
		assert.Equal(t, http.StatusBadRequest, a.status, b)
		assert.Equal(t, tokenservice.CodeBadRequest, a.err.Code)
		assert.Contains(t, a.err.Message, "authenticated caller")
	}
	// Megan's Teams token forwarded by Adele is refused before anything is
	// sent: the exchange is always made for the caller's own object id.
	a := w.do(http.MethodPost, bearer(caller), body(w.teamsToken(w.megan)))
	assert.Equal(t, http.StatusForbidden, a.status, a.body)
	assert.Equal(t, tokenservice.CodeTeamsTokenWrongUser, a.err.Code)
	h := bearer(caller)
	h[tokenservice.TeamsTokenHeader] = w.teamsToken(w.megan)
	a = w.do(http.MethodPost, h, "")
	assert.Equal(t, http.StatusForbidden, a.status, a.body)

	assert.Empty(t, w.acs.Exchanges())
	assert.Zero(t, w.acsHits.Load())
	assert.Zero(t, w.oboCalls.Load())

	// And Adele's own request gets Adele, whatever else she tries.
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(caller), ""), w.adele)
}

func TestTokenServiceTeamsTokenProblems(t *testing.T) {
	w := newWorld(t, func(c *settings) { c.OnBehalfOf = nil })
	caller := bearer(w.callerToken(w.adele))
	other := "11111111-2222-3333-4444-555555555555"
	forwardedOf := func(app string, opts ...fake.MintOption) string {
		tok, _, err := w.entra.TeamsUserToken(w.adele, app, opts...)
		require.NoError(t, err)
		return tok
	}
	cases := []struct {
		name   string
		body   string
		status int
		code   tokenservice.ErrorCode
	}{
		{"none, no on-behalf-of", "", 400, tokenservice.CodeTeamsTokenRequired},
		{"none in an empty object", "{}", 400, tokenservice.CodeTeamsTokenRequired},
		{"expired", body(forwardedOf(spaAppID, fake.Expired())), 400, tokenservice.CodeInvalidTeamsToken},
		{"another app", body(forwardedOf(other)), 400, tokenservice.CodeInvalidTeamsToken},
		{"graph token", body(forwardedOf(spaAppID, fake.WithAudience("https://graph.microsoft.com"))), 400, tokenservice.CodeInvalidTeamsToken},
		{"missing scope", body(forwardedOf(spaAppID, fake.WithScopes(identity.TeamsManageCalls))), 400, tokenservice.CodeInvalidTeamsToken},
		{"not a jwt", body("not-a-jwt"), 400, tokenservice.CodeInvalidTeamsToken},
		{"with bearer prefix", body("Bearer " + forwardedOf(spaAppID)), 400, tokenservice.CodeBadRequest},
		{"not a string", `{"teamsToken": 7}`, 400, tokenservice.CodeBadRequest},
		{"empty string", `{"teamsToken": ""}`, 400, tokenservice.CodeBadRequest},
		{"twice", `{"teamsToken": "a.b.c", "teamsToken": "a.b.c"}`, 400, tokenservice.CodeBadRequest},
		{"unknown member", `{"teamsToken": "a.b.c", "scopes": ["chat"]}`, 400, tokenservice.CodeBadRequest},
		{"an array", `["a.b.c"]`, 400, tokenservice.CodeBadRequest},
		{"trailing data", `{"teamsToken": "a.b.c"} {}`, 400, tokenservice.CodeBadRequest},
		{"truncated", `{"teamsToken": "a.b.c"`, 400, tokenservice.CodeBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := w.do(http.MethodPost, caller, tc.body)
			assert.Equal(t, tc.status, a.status, a.body)
			assert.Equal(t, tc.code, a.err.Code, a.body)
		})
	}
	// A forged Teams token passes the client's pre-check; the service
	// refuses it (401 InvalidAccessToken), which is the client's fault.
	forged := forgeTeamsToken(t, w, w.adele)
	a := w.do(http.MethodPost, caller, body(forged))
	assert.Equal(t, http.StatusBadRequest, a.status, a.body)
	assert.Equal(t, tokenservice.CodeInvalidTeamsToken, a.err.Code)
	assert.NotContains(t, a.body, forged)
	assert.Empty(t, w.acs.Exchanges())

	// Header and body that disagree.
	h := bearer(w.callerToken(w.adele))
	h[tokenservice.TeamsTokenHeader] = forwardedOf(spaAppID)
	a = w.do(http.MethodPost, h, body(forwardedOf(spaAppID, fake.V2())))
	assert.Equal(t, http.StatusBadRequest, a.status, a.body)
}

// forgeTeamsToken signs a Teams token for u with a key that is not the
// issuer's, but names the issuer's key.
func forgeTeamsToken(t *testing.T, w *world, u fake.TestUser) string {
	t.Helper()
	real := w.teamsToken(u)
	tok, err := jwt.Parse(real)
	require.NoError(t, err)
	claims := map[string]any{}
	require.NoError(t, tok.Decode(&claims))
	s, err := jwt.Sign(jwt.Header{Alg: jwt.AlgRS256, Typ: "JWT", Kid: w.entra.KeyID()}, claims, keys()[2])
	require.NoError(t, err)
	return s
}

func TestTokenServiceHTTPShape(t *testing.T) {
	w := newWorld(t, func(c *settings) { c.MaxBodyBytes = 1024 })
	caller := bearer(w.callerToken(w.adele))

	a := w.do(http.MethodGet, caller, "")
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	assert.Equal(t, "OPTIONS, POST", a.header.Get("Allow"))
	assert.Equal(t, tokenservice.CodeMethodNotAllowed, a.err.Code)

	a = w.do(http.MethodPost, caller, `{"teamsToken": "`+strings.Repeat("a", 2000)+`"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	assert.Equal(t, tokenservice.CodeRequestTooLarge, a.err.Code)

	req, _ := http.NewRequest(http.MethodPost, w.srv.URL, strings.NewReader(`teamsToken=a.b.c`))
	req.Header.Set("Authorization", caller["Authorization"])
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := w.srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)

	// OPTIONS without CORS configured just says what is allowed.
	a = w.do(http.MethodOptions, nil, "")
	assert.Equal(t, http.StatusNoContent, a.status)
	assert.Equal(t, "OPTIONS, POST", a.header.Get("Allow"))
	assert.Empty(t, a.header.Get("Access-Control-Allow-Origin"))
	assert.Zero(t, w.acsHits.Load())
}

func TestTokenServiceCORS(t *testing.T) {
	const app = "https://app.contoso.com"
	w := newWorld(t, func(c *settings) {
		c.CORS = &tokenservice.CORS{AllowedOrigins: []string{app, "http://localhost:3000"}, MaxAge: time.Hour}
	})
	preflight := map[string]string{
		"Origin":                         app,
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": "authorization, content-type",
	}
	a := w.do(http.MethodOptions, preflight, "")
	assert.Equal(t, http.StatusNoContent, a.status)
	assert.Equal(t, app, a.header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "POST", a.header.Get("Access-Control-Allow-Methods"))
	assert.Contains(t, a.header.Get("Access-Control-Allow-Headers"), "Authorization")
	assert.Contains(t, a.header.Get("Access-Control-Allow-Headers"), tokenservice.TeamsTokenHeader)
	assert.Equal(t, "3600", a.header.Get("Access-Control-Max-Age"))
	assert.Contains(t, a.header.Values("Vary"), "Origin")
	assert.Empty(t, a.header.Get("Access-Control-Allow-Credentials"))

	preflight["Origin"] = "https://evil.example"
	a = w.do(http.MethodOptions, preflight, "")
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.Equal(t, tokenservice.CodeOriginNotAllowed, a.err.Code)
	assert.Empty(t, a.header.Get("Access-Control-Allow-Origin"))

	// The real request from the app's origin gets the CORS headers, on
	// success and on error, and can read Retry-After.
	h := bearer(w.callerToken(w.adele))
	h["Origin"] = app
	a = w.do(http.MethodPost, h, "")
	w.assertTeamsAnswer(a, w.adele)
	assert.Equal(t, app, a.header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, a.header.Get("Access-Control-Expose-Headers"), "Retry-After")
	a = w.do(http.MethodPost, map[string]string{"Origin": "http://localhost:3000"}, "")
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.Equal(t, "http://localhost:3000", a.header.Get("Access-Control-Allow-Origin"))

	// A request from another origin is refused before anything happens.
	h["Origin"] = "https://evil.example"
	a = w.do(http.MethodPost, h, "")
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.Len(t, w.acs.Exchanges(), 1)

	// Wildcard without credentials.
	w2 := newWorld(t, func(c *settings) { c.CORS = &tokenservice.CORS{AllowedOrigins: []string{"*"}} })
	a = w2.do(http.MethodOptions, map[string]string{"Origin": "https://any.example", "Access-Control-Request-Method": "POST"}, "")
	assert.Equal(t, http.StatusNoContent, a.status)
	assert.Equal(t, "*", a.header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "600", a.header.Get("Access-Control-Max-Age"))

	// Credentials with explicit origins.
	w3 := newWorld(t, func(c *settings) {
		c.CORS = &tokenservice.CORS{AllowedOrigins: []string{app}, AllowCredentials: true}
	})
	a = w3.do(http.MethodOptions, map[string]string{"Origin": app, "Access-Control-Request-Method": "POST"}, "")
	assert.Equal(t, "true", a.header.Get("Access-Control-Allow-Credentials"))
	assert.Equal(t, app, a.header.Get("Access-Control-Allow-Origin"))
}

// TestTokenServiceCORSCanonicalOrigin: origins are compared, and echoed, in
// their canonical form (scheme and host lowercased, default port dropped, no
// path), never as the raw header; what is not an origin is refused.
func TestTokenServiceCORSCanonicalOrigin(t *testing.T) {
	w := newWorld(t, func(c *settings) {
		c.CORS = &tokenservice.CORS{AllowedOrigins: []string{"HTTPS://App.Contoso.com:443/", "http://localhost:3000"}}
	})
	preflight := func(origin string) answer {
		return w.do(http.MethodOptions, map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"}, "")
	}
	for origin, want := range map[string]string{
		"https://app.contoso.com":      "https://app.contoso.com",
		"HTTPS://APP.CONTOSO.COM":      "https://app.contoso.com",
		"https://app.contoso.com/":     "https://app.contoso.com",
		"https://App.Contoso.Com:443":  "https://app.contoso.com",
		"HTTP://LOCALHOST:3000":        "http://localhost:3000",
		"http://localhost:3000/":       "http://localhost:3000",
		"http://localhost:03000":       "http://localhost:3000",
		"https://app.contoso.com:443/": "https://app.contoso.com",
	} {
		a := preflight(origin)
		assert.Equal(t, http.StatusNoContent, a.status, origin)
		assert.Equal(t, want, a.header.Get("Access-Control-Allow-Origin"), origin)
	}
	for _, origin := range []string{
		"https://app.contoso.com/path", "https://app.contoso.com//", "https://user@app.contoso.com",
		"https://user:pw@app.contoso.com", "https://app.contoso.com?x=1", "https://app.contoso.com?",
		"https://app.contoso.com#", "https://app.contoso.com#x", "https://app.contoso.com:8443",
		"http://app.contoso.com", "https://app.contoso.com:0", "https://app.contoso.com:99999", "null",
		"ftp://app.contoso.com", "https://", "https://app.contoso.com.evil.example", "http://localhost:80",
	} {
		a := preflight(origin)
		assert.Equal(t, http.StatusForbidden, a.status, origin)
		assert.Empty(t, a.header.Get("Access-Control-Allow-Origin"), origin)
	}
	for _, bad := range []string{"https://app.contoso.com/path", "https://u@app.contoso.com", "https://app.contoso.com?", "null"} {
		o := w.cfg.Options
		o.CORS = &tokenservice.CORS{AllowedOrigins: []string{bad}}
		_, err := tokenservice.New(w.cfg.Config, &o)
		assert.Error(t, err, bad)
	}
}

func TestTokenServiceRateLimit(t *testing.T) {
	w := newWorld(t, func(c *settings) {
		c.RateLimit = tokenservice.RateLimit{Burst: 2, Every: time.Minute}
	})
	adele := bearer(w.callerToken(w.adele))
	w.assertTeamsAnswer(w.do(http.MethodPost, adele, ""), w.adele)
	w.assertTeamsAnswer(w.do(http.MethodPost, adele, ""), w.adele)
	a := w.do(http.MethodPost, adele, "")
	assert.Equal(t, http.StatusTooManyRequests, a.status)
	assert.Equal(t, tokenservice.CodeRateLimited, a.err.Code)
	assert.Equal(t, "60", a.header.Get("Retry-After"))
	assert.Len(t, w.acs.Exchanges(), 2, "a limited request does not reach the exchange")
	assert.EqualValues(t, 1, w.oboCalls.Load())

	// Another user of the same tenant has a bucket of their own.
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(w.callerToken(w.megan)), ""), w.megan)

	// Half the interval later, still limited, with the rest to wait.
	w.clock.Advance(30 * time.Second)
	a = w.do(http.MethodPost, adele, "")
	assert.Equal(t, http.StatusTooManyRequests, a.status)
	assert.Equal(t, "30", a.header.Get("Retry-After"))
	w.clock.Advance(30 * time.Second)
	w.assertTeamsAnswer(w.do(http.MethodPost, adele, ""), w.adele)
	assert.Equal(t, http.StatusTooManyRequests, w.do(http.MethodPost, adele, "").status)

	// Refused callers do not use anybody's bucket.
	w2 := newWorld(t, func(c *settings) { c.RateLimit = tokenservice.RateLimit{Burst: 1, Every: time.Hour} })
	for range 3 {
		assert.Equal(t, http.StatusUnauthorized, w2.do(http.MethodPost, bearer(w2.callerToken(w2.adele, fake.Expired())), "").status)
	}
	w2.assertTeamsAnswer(w2.do(http.MethodPost, bearer(w2.callerToken(w2.adele)), ""), w2.adele)
}

// TestTokenServiceRateLimitSharedStore: replicas that share a store share
// each user's bucket (here the second replica is a new Service on the same
// store); a store that fails leaves the replica its own buckets, and the
// failure is logged.
func TestTokenServiceRateLimitSharedStore(t *testing.T) {
	shared := tokenservice.NewMemoryRateLimitStore(0)
	limit := func(c *settings) { c.RateLimit = tokenservice.RateLimit{Burst: 2, Every: time.Minute, Store: shared} }
	w := newWorld(t, limit)
	adele := bearer(w.callerToken(w.adele))
	w.assertTeamsAnswer(w.do(http.MethodPost, adele, ""), w.adele)
	w.assertTeamsAnswer(w.do(http.MethodPost, adele, ""), w.adele)
	w.restart(limit) // another replica
	a := w.do(http.MethodPost, adele, "")
	assert.Equal(t, http.StatusTooManyRequests, a.status, "the bucket is the user's, whichever replica answers")
	assert.Equal(t, "60", a.header.Get("Retry-After"))

	down := &failingRateLimitStore{}
	w.restart(func(c *settings) { c.RateLimit = tokenservice.RateLimit{Burst: 1, Every: time.Minute, Store: down} })
	w.assertTeamsAnswer(w.do(http.MethodPost, adele, ""), w.adele)
	assert.Equal(t, http.StatusTooManyRequests, w.do(http.MethodPost, adele, "").status, "the replica's own bucket limits")
	assert.EqualValues(t, 2, down.calls.Load())
	assert.Contains(t, w.logs.String(), `"rateLimitStore":"store unreachable"`)
}

type failingRateLimitStore struct{ calls atomic.Int32 }

func (f *failingRateLimitStore) Take(context.Context, string, int, time.Duration, time.Time) (bool, time.Duration, error) {
	f.calls.Add(1)
	return false, 0, errors.New("store unreachable")
}

func TestTokenServiceKeyRotation(t *testing.T) {
	w := newWorld(t, func(c *settings) { c.KeyRefreshInterval = time.Minute })
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(w.callerToken(w.adele)), ""), w.adele)
	require.EqualValues(t, 1, w.front.keyGets.Load())

	// Entra starts signing with a new key: another issuer instance with its
	// own key mints Adele's caller token.
	rotated := fake.NewEntra(&fake.EntraOptions{Clock: w.clock, Key: keys()[1]})
	tn := rotated.AddTenant("Fabrikam")
	u := rotated.AddUser(tn.ID, "Adele Vance")
	tok, _, err := rotated.TeamsUserToken(u, spaAppID, fake.V2(), fake.WithAudience(apiAppID), fake.WithScopes(apiScope),
		fake.WithClaim("tid", w.fabrikam.ID), fake.WithClaim("oid", w.adele.ObjectID),
		fake.WithClaim("iss", "https://login.microsoftonline.com/"+w.fabrikam.ID+"/v2.0"))
	require.NoError(t, err)

	// Before the new key is published: unknown kid, refused (and, within
	// the refresh interval, no refetch).
	a := w.do(http.MethodPost, bearer(tok), "")
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.EqualValues(t, 1, w.front.keyGets.Load())

	// Published, but the last fetch was less than the interval ago.
	k := jwt.JWKFromPublicKey(rotated.KeyID(), rotated.PublicKey())
	k.Alg = ""
	w.front.publish(k)
	assert.Equal(t, http.StatusUnauthorized, w.do(http.MethodPost, bearer(tok), "").status)
	assert.EqualValues(t, 1, w.front.keyGets.Load())

	// After the interval, the unknown kid makes the service refetch, once.
	w.clock.Advance(time.Minute)
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(tok), ""), w.adele)
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(tok), ""), w.adele)
	assert.EqualValues(t, 2, w.front.keyGets.Load())
	// Old-key tokens still work.
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(w.callerToken(w.megan)), ""), w.megan)
	assert.EqualValues(t, 2, w.front.keyGets.Load())
}

func TestTokenServiceUpstreamFailures(t *testing.T) {
	w := newWorld(t, nil)
	caller := bearer(w.callerToken(w.adele))

	w.acs.InjectFault(fake.Fault{Op: "exchange", Status: http.StatusInternalServerError})
	a := w.do(http.MethodPost, caller, "")
	assert.Equal(t, http.StatusBadGateway, a.status, a.body)
	assert.Equal(t, tokenservice.CodeExchangeFailed, a.err.Code)

	w.acs.InjectFault(fake.Fault{Op: "exchange", Status: http.StatusTooManyRequests, RetryAfter: 7 * time.Second})
	a = w.do(http.MethodPost, caller, "")
	assert.Equal(t, http.StatusServiceUnavailable, a.status, a.body)
	assert.Equal(t, tokenservice.CodeExchangeThrottled, a.err.Code)
	assert.Equal(t, "7", a.header.Get("Retry-After"))

	// The on-behalf-of step fails.
	w2 := newWorld(t, func(c *settings) {
		c.OnBehalfOf = func(ctx context.Context, _ tokenservice.Caller, _ string) (azcore.AccessToken, error) {
			return azcore.AccessToken{}, errors.New("AADSTS65001: the user or administrator has not consented")
		}
	})
	a = w2.do(http.MethodPost, bearer(w2.callerToken(w2.adele)), "")
	assert.Equal(t, http.StatusBadGateway, a.status)
	assert.Equal(t, tokenservice.CodeOnBehalfOfFailed, a.err.Code)
	assert.NotContains(t, a.body, "AADSTS", "upstream details stay in the log")
	assert.Contains(t, w2.logs.String(), "AADSTS65001")

	// The on-behalf-of step returns a token for the wrong user.
	w3 := newWorld(t, nil)
	svc, err := tokenservice.New(tokenservice.Config{
		Exchanger: w3.client, AppID: apiAppID, Audiences: []string{apiAppID}, Tenants: []string{w3.fabrikam.ID},
	}, &tokenservice.Options{
		AuthorityHost: w3.entraSrv.URL, HTTPClient: w3.entraSrv.Client(), Clock: w3.clock,
		OnBehalfOf: tokenservice.OnBehalfOfCredential(func(tokenservice.Caller, string) (azcore.TokenCredential, error) {
			return w3.entra.Credential(w3.megan, apiAppID, nil), nil
		}),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("Authorization", "Bearer "+w3.callerToken(w3.adele))
	svc.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadGateway, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), string(tokenservice.CodeOnBehalfOfFailed))
	assert.Empty(t, w3.acs.Exchanges())

	// Entra's keys cannot be fetched: 503, not 401.
	w4 := newWorld(t, nil)
	w4.front.setFail(true)
	a = w4.do(http.MethodPost, bearer(w4.callerToken(w4.adele)), "")
	assert.Equal(t, http.StatusServiceUnavailable, a.status)
	assert.Equal(t, tokenservice.CodeAuthorityUnavailable, a.err.Code)
	assert.Empty(t, w4.acs.Exchanges())
}

func TestTokenServiceConcurrentRequests(t *testing.T) {
	w := newWorld(t, func(c *settings) { c.RateLimit.Burst = 100 })
	users := []fake.TestUser{w.adele, w.megan}
	for i := range 4 {
		users = append(users, w.entra.AddUser(w.fabrikam.ID, fmt.Sprintf("User %d", i)))
	}
	type result struct {
		user fake.TestUser
		a    answer
	}
	results := make(chan result, len(users)*6)
	var wg sync.WaitGroup
	for _, u := range users {
		caller := w.callerToken(u)
		teams := w.teamsToken(u)
		for i := range 6 {
			wg.Go(func() {
				b := ""
				if i%2 == 0 {
					b = body(teams)
				}
				results <- result{u, w.do(http.MethodPost, bearer(caller), b)}
			})
		}
	}
	wg.Wait()
	close(results)
	n := 0
	for r := range results {
		w.assertTeamsAnswer(r.a, r.user)
		n++
	}
	assert.Equal(t, len(users)*6, n)
	assert.Len(t, w.acs.Exchanges(), n)
	assert.EqualValues(t, 1, w.front.keyGets.Load(), "concurrent first requests share one key fetch")
}

func TestTokenServiceNoTokensInLogs(t *testing.T) {
	var azlogs syncBuffer
	azlog.SetListener(func(ev azlog.Event, msg string) { fmt.Fprintf(&azlogs, "%s: %s\n", ev, msg) })
	t.Cleanup(func() { azlog.SetListener(nil) })

	const sentinel = "SENTINEL-7f3a9c"
	var secrets []string
	w := newWorld(t, func(c *settings) {
		obo := c.OnBehalfOf
		c.OnBehalfOf = func(ctx context.Context, caller tokenservice.Caller, tok string) (azcore.AccessToken, error) {
			if caller.Name == "Careless Library" {
				// A dependency that puts the assertion in its error.
				return azcore.AccessToken{}, fmt.Errorf("obo failed for assertion %s", tok)
			}
			return obo(ctx, caller, tok)
		}
	})
	careless := w.entra.AddUser(w.fabrikam.ID, "Careless Library")
	keep := func(s string) string { secrets = append(secrets, s); return s }

	// Successful requests, both ways.
	a := w.do(http.MethodPost, bearer(keep(w.callerToken(w.adele))), body(keep(w.teamsToken(w.adele))))
	w.assertTeamsAnswer(a, w.adele)
	keep(a.ok.Token)
	a = w.do(http.MethodPost, bearer(keep(w.callerToken(w.megan))), "")
	w.assertTeamsAnswer(a, w.megan)
	keep(a.ok.Token)
	// Failures with tokens around.
	w.do(http.MethodPost, bearer(keep(w.callerToken(careless))), "")
	w.do(http.MethodPost, bearer(keep(w.callerToken(w.adele, fake.Expired(), fake.WithClaim("sentinel", sentinel)))), "")
	w.do(http.MethodPost, bearer(keep(forgeTeamsToken(t, w, w.adele))), "")
	w.do(http.MethodPost, bearer(keep(w.callerToken(w.adele))), body(keep(forgeTeamsToken(t, w, w.adele))))
	w.do(http.MethodPost, bearer(keep(w.callerToken(w.adele))), body(keep(w.teamsToken(w.megan))))
	w.do(http.MethodPost, bearer(keep(w.callerToken(w.adele))), `{"`+keep(w.teamsToken(w.adele))+`": 1}`)
	w.do(http.MethodPost, map[string]string{"Authorization": "Bearer " + sentinel + "." + sentinel}, "")
	w.do(http.MethodPost, bearer(keep(w.callerToken(w.adele))), body(sentinel+"a.b.c"))
	w.do(http.MethodPost, bearer(keep(w.callerToken(w.adele))), `{"`+sentinel+`": 1}`)
	w.do(http.MethodPost, bearer(sentinel+"."+keep(w.callerToken(w.adele))), "")
	w.acs.InjectFault(fake.Fault{Op: "exchange", Status: http.StatusInternalServerError})
	w.do(http.MethodPost, bearer(keep(w.callerToken(w.adele))), body(keep(w.teamsToken(w.adele))))

	logs := w.logs.String() + azlogs.String()
	require.Contains(t, logs, `"status":200`)
	require.Contains(t, logs, w.adele.ObjectID, "records name the user")
	require.Contains(t, logs, "obo failed for assertion [REDACTED]", "the cause is kept, without the token")
	assert.NotContains(t, logs, sentinel)
	for _, s := range secrets {
		assert.NotContains(t, logs, s)
		sig := s[strings.LastIndexByte(s, '.')+1:]
		assert.NotContains(t, logs, sig, "not even the signature")
	}
	assert.NotRegexp(t, `eyJ[A-Za-z0-9_-]{10,}\.eyJ`, logs)
}

func TestTokenServiceStaticKeys(t *testing.T) {
	ww := newWorld(t, nil)
	svc, err := tokenservice.New(tokenservice.Config{
		Exchanger: ww.client, AppID: apiAppID,
		Audiences: []string{apiAppID, apiAppIDURI}, Tenants: []string{tokenservice.AnyTenant},
	}, &tokenservice.Options{
		ForwardedAppID: spaAppID,
		Keys:           tokenservice.StaticKeys{ww.entra.KeyID(): ww.entra.PublicKey()},
		Clock:          ww.clock,
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	v1, _, err := ww.entra.TeamsUserToken(ww.alex, spaAppID, fake.WithAudience(apiAppIDURI), fake.WithScopes(apiScope))
	require.NoError(t, err)
	for _, tok := range []string{ww.callerToken(ww.adele), v1} {
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		c, err := svc.Authenticate(req)
		require.NoError(t, err)
		assert.Contains(t, []string{ww.adele.ObjectID, ww.alex.ObjectID}, c.ObjectID)
		assert.Equal(t, spaAppID, c.ClientAppID)
		assert.Equal(t, []string{apiScope}, c.Scopes)
	}
	assert.Zero(t, ww.front.keyGets.Load(), "static keys: nothing fetched")
	req := httptest.NewRequest(http.MethodPost, "/", nil)
	req.Header.Set("Authorization", "Bearer "+forgeTeamsToken(t, ww, ww.adele))
	_, err = svc.Authenticate(req)
	var se *tokenservice.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusUnauthorized, se.Status)
	assert.Equal(t, tokenservice.CodeInvalidToken, se.Code)
}

func TestAuthenticate(t *testing.T) {
	w := newWorld(t, nil)
	req := httptest.NewRequest(http.MethodGet, "/me", nil)
	req.Header.Set("Authorization", "Bearer "+w.callerToken(w.adele))
	c, err := w.svc.Authenticate(req)
	require.NoError(t, err)
	assert.Equal(t, tokenservice.Caller{
		TenantID: w.fabrikam.ID, ObjectID: w.adele.ObjectID, ClientAppID: spaAppID, Name: "Adele Vance",
		Username: w.adele.UPN, Scopes: []string{apiScope}, ExpiresOn: w.clock.Now().Add(time.Hour),
	}, c)
	assert.Equal(t, "8:orgid:"+w.adele.ObjectID, c.TeamsUser("").RawID())

	req.Header.Set("Authorization", "Bearer "+w.callerToken(w.alex))
	_, err = w.svc.Authenticate(req)
	var se *tokenservice.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, tokenservice.CodeTenantNotAllowed, se.Code)
	assert.Equal(t, http.StatusForbidden, se.Status)
}

func TestNewConfigErrors(t *testing.T) {
	ok := func() settings {
		return settings{Config: tokenservice.Config{
			Exchanger: fake.New(nil), AppID: apiAppID, Audiences: []string{apiAppID},
			Tenants: []string{"72f988bf-86f1-41af-91ab-2d7cd011db47"},
		}}
	}
	svc, err := tokenservice.New(ok().Config, nil)
	require.NoError(t, err, "nil options are every default")
	require.NoError(t, svc.Close())
	cases := map[string]func(*settings){
		"cfg.Exchanger":            func(c *settings) { c.Exchanger = nil },
		"cfg.AppID":                func(c *settings) { c.AppID = "contoso" },
		"opts.ForwardedAppID":      func(c *settings) { c.ForwardedAppID = "x" },
		"cfg.Audiences":            func(c *settings) { c.Audiences = nil },
		"cfg.Audiences ":           func(c *settings) { c.Audiences = []string{""} },
		"cfg.Tenants":              func(c *settings) { c.Tenants = nil },
		"cfg.Tenants ":             func(c *settings) { c.Tenants = []string{"fabrikam.onmicrosoft.com"} },
		"cfg.Tenants  ":            func(c *settings) { c.Tenants = append(c.Tenants, tokenservice.AnyTenant) },
		"opts.AuthorityHost":       func(c *settings) { c.AuthorityHost = "http://login.example" },
		"opts.MetadataURL":         func(c *settings) { c.MetadataURL = "ftp://x" },
		"opts.Issuers":             func(c *settings) { c.Issuers = []string{"not a url"} },
		"opts.Cloud":               func(c *settings) { c.Cloud = "mars" },
		"opts.RateLimit":           func(c *settings) { c.RateLimit.Burst = -1 },
		"opts.RequiredScopes":      func(c *settings) { c.RequiredScopes = []string{"a b"} },
		"opts.MaxBodyBytes":        func(c *settings) { c.MaxBodyBytes = -1 },
		"opts.CORS.AllowedOrigins": func(c *settings) { c.CORS = &tokenservice.CORS{} },
		"opts.CORS.AllowedOrigins ": func(c *settings) {
			c.CORS = &tokenservice.CORS{AllowedOrigins: []string{"*"}, AllowCredentials: true}
		},
		"opts.CORS.AllowedOrigins  ": func(c *settings) {
			c.CORS = &tokenservice.CORS{AllowedOrigins: []string{"https://app.contoso.com/login"}}
		},
		"opts.CORS.AllowedOrigins   ": func(c *settings) {
			c.CORS = &tokenservice.CORS{AllowedOrigins: []string{"app.contoso.com"}}
		},
		"opts.SharedCacheID": func(c *settings) { c.SharedCache = sharedCache(t, identity.NewMemoryTokenCacheStore(nil)) },
		"opts.SharedCache":   func(c *settings) { c.SharedCacheID = func(a, u string) string { return a + "/" + u } },
		"opts.CORS.MaxAge": func(c *settings) {
			c.CORS = &tokenservice.CORS{AllowedOrigins: []string{"https://app.contoso.com"}, MaxAge: -1}
		},
	}
	for name, mod := range cases {
		c := ok()
		mod(&c)
		_, err := tokenservice.New(c.Config, &c.Options)
		var ae *tokenservice.ArgumentError
		if assert.ErrorAs(t, err, &ae, name) {
			arg := strings.TrimSpace(name)
			assert.Equal(t, arg, ae.Arg)
			assert.True(t, strings.HasPrefix(ae.Error(), "tokenservice: invalid "+arg+": "), ae.Error())
		}
	}
}

func TestResponseNeverPrintsTheToken(t *testing.T) {
	r := tokenservice.Response{Token: "eyJsecret.eyJpayload.signature-part-1234", ExpiresOn: time.Unix(1_800_000_000, 0)}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "r", r)
	for _, s := range []string{fmt.Sprint(r), fmt.Sprintf("%+v %#v %q %s", r, r, r, r), buf.String()} {
		assert.NotContains(t, s, "eyJsecret")
		assert.NotContains(t, s, "signature-part")
	}
	b, err := json.Marshal(r)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "eyJsecret", "Service writes the wire form itself")
	assert.Contains(t, string(b), `"token":"\u003credacted 40 chars …1234\u003e"`)
}

func TestTokenServiceMultiTenant(t *testing.T) {
	w := newWorld(t, nil)
	w.restart(func(c *settings) {
		c.Tenants = []string{w.fabrikam.ID, strings.ToUpper(w.northwind.ID)}
	})
	contoso := w.entra.AddTenant("Contoso")
	carol := w.entra.AddUser(contoso.ID, "Carol Smith")

	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(w.callerToken(w.adele)), ""), w.adele)
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(w.callerToken(w.alex)), ""), w.alex)
	v1, _, err := w.entra.TeamsUserToken(w.alex, spaAppID, fake.WithAudience(apiAppIDURI), fake.WithScopes(apiScope))
	require.NoError(t, err)
	w.assertTeamsAnswer(w.do(http.MethodPost, bearer(v1), ""), w.alex)
	a := w.do(http.MethodPost, bearer(w.callerToken(carol)), "")
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.Equal(t, tokenservice.CodeTenantNotAllowed, a.err.Code)
	_, multi := w.front.paths.Load("/organizations/v2.0/.well-known/openid-configuration")
	assert.True(t, multi, "multi-tenant mode reads the organizations metadata")
	// Each caller's exchange is in the caller's tenant.
	for _, ex := range w.acs.Exchanges() {
		u, _ := w.entra.User(ex.UserID)
		assert.Equal(t, u.TenantID, ex.TenantID)
	}

	// Every tenant, v2.0 issuers only.
	w2 := newWorld(t, func(c *settings) {
		c.Tenants = []string{tokenservice.AnyTenant}
		c.Issuers = []string{"https://login.microsoftonline.com/{tenantid}/v2.0"}
	})
	w2.assertTeamsAnswer(w2.do(http.MethodPost, bearer(w2.callerToken(w2.alex)), ""), w2.alex)
	v1, _, err = w2.entra.TeamsUserToken(w2.alex, spaAppID, fake.WithAudience(apiAppIDURI), fake.WithScopes(apiScope))
	require.NoError(t, err)
	a = w2.do(http.MethodPost, bearer(v1), "")
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.Equal(t, tokenservice.CodeInvalidToken, a.err.Code)
}

// Caller tokens of the national clouds are accepted with their cloud's
// issuers, v1.0 and v2.0 (Microsoft Q&A 1190472, "What are the token
// issuers for the sovereign cloud?"): US Government v2.0
// login.microsoftonline.us and v1.0 sts.windows.net; China v2.0
// login.partner.microsoftonline.cn and v1.0 sts.chinacloudapi.cn. A token
// of another cloud's issuer is refused. The service accepted v1.0 tokens
// in the public cloud only. Issue 14 §23.
func TestTokenServiceNationalCloudIssuers(t *testing.T) {
	w := newWorld(t, nil)
	tid := w.adele.TenantID
	token := func(iss string) string { return w.callerToken(w.adele, fake.WithClaim("iss", iss)) }
	authenticate := func(svc *tokenservice.Service, tok string) error {
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		_, err := svc.Authenticate(req)
		return err
	}
	const (
		globalV2 = "https://login.microsoftonline.com/%s/v2.0"
		usGovV2  = "https://login.microsoftonline.us/%s/v2.0"
		chinaV2  = "https://login.partner.microsoftonline.cn/%s/v2.0"
		globalV1 = "https://sts.windows.net/%s/"
		chinaV1  = "https://sts.chinacloudapi.cn/%s/"
	)
	check := func(what string, svc *tokenservice.Service, accepted, refused []string) {
		t.Helper()
		for _, iss := range accepted {
			assert.NoError(t, authenticate(svc, token(fmt.Sprintf(iss, tid))), "%s: issuer %s", what, iss)
		}
		for _, iss := range refused {
			var se *tokenservice.Error
			if assert.ErrorAs(t, authenticate(svc, token(fmt.Sprintf(iss, tid))), &se, "%s: issuer %s", what, iss) {
				assert.Equal(t, tokenservice.CodeInvalidToken, se.Code)
			}
		}
	}
	// The authority's metadata names the v2.0 issuer of its cloud; the
	// v1.0 issuer follows from it.
	for _, tc := range []struct {
		host              string
		accepted, refused []string
	}{
		{"login.microsoftonline.com", []string{globalV2, globalV1}, []string{usGovV2, chinaV1}},
		{"login.microsoftonline.us", []string{usGovV2, globalV1}, []string{globalV2, chinaV1}},
		{"login.partner.microsoftonline.cn", []string{chinaV2, chinaV1}, []string{globalV2, globalV1}},
	} {
		national := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			w.front.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				rw.Header()[k] = v
			}
			rw.WriteHeader(rec.Code)
			_, _ = rw.Write(bytes.ReplaceAll(rec.Body.Bytes(), []byte("https://login.microsoftonline.com/"), []byte("https://"+tc.host+"/")))
		}))
		t.Cleanup(national.Close)
		cfg := w.cfg
		cfg.AuthorityHost, cfg.HTTPClient = national.URL, national.Client()
		svc, err := tokenservice.New(cfg.Config, &cfg.Options)
		require.NoError(t, err)
		t.Cleanup(func() { _ = svc.Close() })
		check(tc.host, svc, tc.accepted, tc.refused)
	}
	// With static keys the issuers are those of the users' cloud: GCC High
	// and DoD users sign in to the US Government cloud.
	for _, tc := range []struct {
		cloud             identity.CloudEnvironment
		accepted, refused []string
	}{
		{identity.CloudPublic, []string{globalV2, globalV1}, []string{usGovV2, chinaV1}},
		{identity.CloudGCCH, []string{usGovV2, globalV1}, []string{globalV2, chinaV1}},
		{identity.CloudDoD, []string{usGovV2, globalV1}, []string{globalV2, chinaV1}},
	} {
		cfg := w.cfg
		cfg.Keys = tokenservice.StaticKeys{w.entra.KeyID(): w.entra.PublicKey()}
		cfg.Cloud = tc.cloud
		svc, err := tokenservice.New(cfg.Config, &cfg.Options)
		require.NoError(t, err)
		t.Cleanup(func() { _ = svc.Close() })
		check(string(tc.cloud), svc, tc.accepted, tc.refused)
	}
}

// GCC High and DoD users sign in to the US Government cloud: without an
// AuthorityHost the service reads that authority's metadata.
func TestTokenServiceAuthorityOfTheCloud(t *testing.T) {
	w := newWorld(t, nil)
	for cloud, want := range map[identity.CloudEnvironment]string{
		identity.CloudPublic: tokenservice.DefaultAuthorityHost,
		identity.CloudGCCH:   tokenservice.USGovAuthorityHost,
		identity.CloudDoD:    tokenservice.USGovAuthorityHost,
	} {
		var mu sync.Mutex
		var hosts []string
		cfg := w.cfg
		cfg.Cloud, cfg.AuthorityHost = cloud, ""
		cfg.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			hosts = append(hosts, r.URL.Scheme+"://"+r.URL.Host)
			mu.Unlock()
			return nil, errors.New("no network in tests")
		})}
		svc, err := tokenservice.New(cfg.Config, &cfg.Options)
		require.NoError(t, err)
		t.Cleanup(func() { _ = svc.Close() })
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		req.Header.Set("Authorization", "Bearer "+w.callerToken(w.adele))
		_, err = svc.Authenticate(req)
		require.Error(t, err)
		mu.Lock()
		require.NotEmpty(t, hosts, "cloud %s", cloud)
		assert.Equal(t, want, hosts[0], "cloud %s", cloud)
		mu.Unlock()
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
