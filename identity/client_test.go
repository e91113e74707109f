package identity_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
)

// world is one fake Entra, one fake ACS service and one Teams user of a test tenant.
type world struct {
	entra *fake.Entra
	acs   *fake.Service
	user  fake.TestUser
	other fake.TestUser
	appID string
}

const otherAppID = "11111111-2222-3333-4444-555555555555"

const contosoAppID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"

func newWorld(t testing.TB) *world {
	entra := fake.NewEntra(nil)
	tenant := entra.AddTenant("fabrikam")
	w := &world{
		entra: entra,
		acs:   fake.New(&fake.Options{Entra: entra}),
		appID: contosoAppID,
	}
	w.user = entra.AddUser(tenant.ID, "Adele Vance")
	w.other = entra.AddUser(tenant.ID, "Alex Wilber")
	return w
}

func (w *world) token(t *testing.T, v identitytest.Variant) string {
	t.Helper()
	var (
		tok string
		err error
	)
	switch v {
	case identitytest.Valid:
		tok, _, err = w.entra.TeamsUserToken(w.user, w.appID)
	case identitytest.Expired:
		tok, _, err = w.entra.TeamsUserToken(w.user, w.appID, fake.Expired())
	case identitytest.OtherApp:
		tok, _, err = w.entra.TeamsUserToken(w.user, otherAppID)
	case identitytest.OtherUser:
		tok, _, err = w.entra.TeamsUserToken(w.other, w.appID)
	case identitytest.WrongAudience:
		tok, _, err = w.entra.TeamsUserToken(w.user, w.appID, fake.WithAudience("https://graph.microsoft.com"))
	case identitytest.MissingScope:
		tok, _, err = w.entra.TeamsUserToken(w.user, w.appID, fake.WithScopes("Teams.ManageCalls"))
	}
	require.NoError(t, err)
	return tok
}

// phoneToken mints a Teams Phone user's Entra token (TeamsExtension.ManageCalls).
func (w *world) phoneToken(t *testing.T, v identitytest.Variant) string {
	t.Helper()
	opts := []fake.MintOption{fake.WithScopes(identity.TeamsExtensionManageCalls)}
	app := w.appID
	switch v {
	case identitytest.Expired:
		opts = append(opts, fake.Expired())
	case identitytest.OtherApp:
		app = otherAppID
	case identitytest.WrongAudience:
		opts = append(opts, fake.WithAudience("https://communication.azure.com"))
	case identitytest.MissingScope:
		opts = []fake.MintOption{fake.WithScopes(identity.TeamsManageCalls, identity.TeamsManageChats)}
	}
	tok, _, err := w.entra.TeamsUserToken(w.user, app, opts...)
	require.NoError(t, err)
	return tok
}

func (w *world) env(svc identity.Service) identitytest.Env {
	return identitytest.Env{Service: svc, AppID: w.appID, UserID: w.user.ObjectID, EntraToken: w.token,
		TenantID: w.user.TenantID, TeamsPhoneToken: w.phoneToken}
}

// serve starts the fake's HTTP face on loopback and returns a real client for it.
func (w *world) serve(t testing.TB, opts *identity.ClientOptions) *identity.Client {
	srv := w.acs.NewServer()
	t.Cleanup(srv.Close)
	c, err := identity.NewClientFromConnectionString(w.acs.ConnectionString(srv.URL), withHTTP(opts))
	require.NoError(t, err)
	return c
}

func withHTTP(opts *identity.ClientOptions) *identity.ClientOptions {
	var o identity.ClientOptions
	if opts != nil {
		o = *opts
	}
	o.InsecureAllowCredentialWithHTTP = true // the fake serves plain http on loopback
	return &o
}

func TestConformanceFakeGoFace(t *testing.T) {
	identitytest.Run(t, func(t *testing.T) identitytest.Env {
		w := newWorld(t)
		return w.env(w.acs)
	})
}

func TestConformanceClientOnFakeHTTP(t *testing.T) {
	identitytest.Run(t, func(t *testing.T) identitytest.Env {
		w := newWorld(t)
		return w.env(w.serve(t, nil))
	})
}

// entraForACS is an Entra credential of the service itself, for Entra auth to ACS.
// scopeChecked is an Entra credential that fails unless asked for the scope
// of the ACS data plane, and counts its calls.
type scopeChecked struct {
	cred  azcore.TokenCredential
	calls atomic.Int32
}

func (s *scopeChecked) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s.calls.Add(1)
	if len(o.Scopes) != 1 || o.Scopes[0] != "https://communication.azure.com//.default" {
		return azcore.AccessToken{}, errors.New("unexpected scopes " + strings.Join(o.Scopes, ","))
	}
	return s.cred.GetToken(ctx, o)
}

// tokenFunc is an Entra credential that hands out whatever token mint makes.
type tokenFunc func() (string, time.Time, error)

func (f tokenFunc) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, exp, err := f()
	return azcore.AccessToken{Token: tok, ExpiresOn: exp}, err
}

// The client authenticated with an Entra credential: the fake's HTTP face
// verifies the bearer token with its Entra issuer's keys.
func TestConformanceClientWithEntraAuth(t *testing.T) {
	identitytest.Run(t, func(t *testing.T) identitytest.Env {
		w := newWorld(t)
		srv := w.acs.NewServer()
		t.Cleanup(srv.Close)
		cred := &scopeChecked{cred: w.entra.Credential(w.other, w.appID, nil)}
		c, err := identity.NewClient(srv.URL, cred, withHTTP(nil))
		require.NoError(t, err)
		return w.env(c)
	})
}

// The HTTP face verifies a bearer token as ACS does: signed by a trusted
// issuer (the fake Entra's keys and tenants), for the ACS data plane's
// audience, not expired; any other token gets 401 Denied and nothing is
// done (issue 14 §19).
func TestBearerTokenIsVerified(t *testing.T) {
	w := newWorld(t)
	srv := w.acs.NewServer()
	t.Cleanup(srv.Close)
	stranger := fake.NewEntra(nil)
	strangerUser := stranger.AddUser(stranger.AddTenant("contoso").ID, "Mallory")
	mint := func(e *fake.Entra, u fake.TestUser, opts ...fake.MintOption) tokenFunc {
		return func() (string, time.Time, error) { return e.TeamsUserToken(u, w.appID, opts...) }
	}
	for _, tc := range []struct {
		name string
		cred tokenFunc
		ok   bool
	}{
		{"acs audience", mint(w.entra, w.other, fake.WithAudience("https://communication.azure.com")), true},
		{"acs audience with slash", mint(w.entra, w.other, fake.WithAudience("https://communication.azure.com/")), true},
		{"v2 token", mint(w.entra, w.other, fake.V2(), fake.WithAudience("https://communication.azure.com")), true},
		{"teams audience", mint(w.entra, w.other), false},
		{"graph audience", mint(w.entra, w.other, fake.WithAudience("https://graph.microsoft.com")), false},
		{"expired", mint(w.entra, w.other, fake.WithAudience("https://communication.azure.com"), fake.Expired()), false},
		{"not yet valid", mint(w.entra, w.other, fake.WithAudience("https://communication.azure.com"), fake.NotYetValid()), false},
		{"other issuer", mint(stranger, strangerUser, fake.WithAudience("https://communication.azure.com")), false},
		{"not a jwt", func() (string, time.Time, error) { return "service-principal-token", time.Now().Add(time.Hour), nil }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := identity.NewClient(srv.URL, tc.cred, withHTTP(&identity.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}}}))
			require.NoError(t, err)
			before := len(w.acs.Users())
			_, err = c.CreateUser(context.Background(), nil)
			if tc.ok {
				require.NoError(t, err)
				require.Len(t, w.acs.Users(), before+1)
				return
			}
			require.True(t, identity.IsUnauthorized(err), "got %v", err)
			require.Equal(t, "Denied", identity.ErrorCode(err))
			var re *azcore.ResponseError
			require.ErrorAs(t, err, &re)
			require.Len(t, w.acs.Users(), before)
		})
	}

	// Without an Entra issuer to trust, the fake refuses every bearer token.
	bare := fake.New(nil)
	bsrv := bare.NewServer()
	t.Cleanup(bsrv.Close)
	c, err := identity.NewClient(bsrv.URL, w.entra.Credential(w.other, w.appID, nil), withHTTP(nil))
	require.NoError(t, err)
	_, err = c.CreateUser(context.Background(), nil)
	require.True(t, identity.IsUnauthorized(err), "got %v", err)
}

func TestWrongAccessKeyIsUnauthorized(t *testing.T) {
	w := newWorld(t)
	srv := w.acs.NewServer()
	defer srv.Close()
	other := fake.New(nil) // a different random key
	c, err := identity.NewClientFromConnectionString(other.ConnectionString(srv.URL), withHTTP(nil))
	require.NoError(t, err)
	_, err = c.CreateUser(context.Background(), nil)
	require.True(t, identity.IsUnauthorized(err), "got %v", err)
	require.Empty(t, w.acs.Users())
}

func TestConstructorsRefuseBadInput(t *testing.T) {
	for _, ep := range []string{"", "not a url", "ftp://x.communication.azure.com", "https://", "https://x.communication.azure.com/?a=b"} {
		_, err := identity.NewClient(ep, &scopeChecked{}, nil)
		require.Error(t, err, ep)
	}
	_, err := identity.NewClient("http://x.communication.azure.com", &scopeChecked{}, nil)
	require.ErrorContains(t, err, "http")
	_, err = identity.NewClient("https://x.communication.azure.com", nil, nil)
	require.Error(t, err)
	_, err = identity.NewClientWithAccessKey("https://x.communication.azure.com", "%%%not base64", nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "%%%not base64")
	_, err = identity.NewClientFromConnectionString("endpoint=https://x.communication.azure.com/;accesskey=c2VjcmV0LWtleS1tYXRlcmlhbA==x", nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "c2VjcmV0LWtleS1tYXRlcmlhbA")
}

func TestThrottlingIsRetriedHonouringRetryAfter(t *testing.T) {
	w := newWorld(t)
	c := w.serve(t, &identity.ClientOptions{ClientOptions: azcore.ClientOptions{
		Retry: policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: 2 * time.Second},
	}})
	w.acs.InjectFault(fake.Fault{Op: "create", Status: http.StatusTooManyRequests, RetryAfter: time.Second, Times: 1})
	start := time.Now()
	r, err := c.CreateUser(context.Background(), nil)
	require.NoError(t, err)
	require.NotEmpty(t, r.User.ID)
	require.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "Retry-After was not honoured")
	require.Len(t, w.acs.Users(), 1)

	// A 503 without Retry-After is retried where repeating is safe.
	w.acs.InjectFault(fake.Fault{Op: "issue", Status: http.StatusServiceUnavailable, Times: 1})
	_, err = c.IssueToken(context.Background(), r.User, []identity.Scope{identity.ScopeChat}, nil)
	require.NoError(t, err)

	// Past the retries, the caller sees the 429 and can tell.
	w.acs.InjectFault(fake.Fault{Op: "issue", Status: http.StatusTooManyRequests, Times: 10})
	_, err = c.IssueToken(context.Background(), r.User, []identity.Scope{identity.ScopeChat}, nil)
	require.True(t, identity.IsThrottled(err), "got %v", err)
	require.Equal(t, "TooManyRequests", identity.ErrorCode(err))
}

func TestDelayHonoursContext(t *testing.T) {
	w := newWorld(t)
	c := w.serve(t, nil)
	w.acs.InjectFault(fake.Fault{Op: "create", Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.CreateUser(ctx, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestNoSecretsInLogsOrErrors runs the client with azcore logging at its most
// verbose (bodies included) and checks that neither the access key, nor the
// Entra token, nor any issued ACS token appears in the log or in an error.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	w := newWorld(t)
	var mu sync.Mutex
	var logged strings.Builder
	azlog.SetListener(func(_ azlog.Event, msg string) {
		mu.Lock()
		defer mu.Unlock()
		logged.WriteString(msg)
		logged.WriteByte('\n')
	})
	t.Cleanup(func() { azlog.SetListener(nil) })
	azlog.SetEvents() // all events

	c := w.serve(t, &identity.ClientOptions{ClientOptions: azcore.ClientOptions{
		Logging: policy.LogOptions{IncludeBody: true, AllowedHeaders: []string{"Authorization"}},
		Retry:   policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond},
	}})
	entraTok := w.token(t, identitytest.Valid)
	secrets := []string{w.acs.AccessKey(), entraTok}
	var errs []error
	ctx := context.Background()

	u, err := c.CreateUser(ctx, &identity.CreateUserOptions{TokenScopes: []identity.Scope{identity.ScopeChat}})
	require.NoError(t, err)
	secrets = append(secrets, u.Token.Token)
	tok, err := c.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: entraTok, AppID: w.appID, UserID: w.user.ObjectID}, nil)
	require.NoError(t, err)
	secrets = append(secrets, tok.Token)
	// failures of every kind
	_, err = c.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: entraTok, AppID: w.appID, UserID: w.other.ObjectID}, nil)
	errs = append(errs, err)
	_, err = c.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: entraTok, AppID: w.appID, UserID: w.other.ObjectID}, &identity.ExchangeTeamsUserTokenOptions{SkipClaimsCheck: true})
	errs = append(errs, err)
	// The Teams Phone exchange sends the user's Entra token as the bearer
	// token: Authorization stays redacted even though the options allow it.
	_, err = c.CreateOrReplaceTeamsExtensionAssignment(ctx, identity.TeamsExtensionAssignment{TenantID: w.user.TenantID, ObjectID: w.user.ObjectID,
		PrincipalType: identity.TeamsExtensionPrincipalUser, ClientIDs: []string{w.appID}}, nil)
	require.NoError(t, err)
	phoneTok := w.phoneToken(t, identitytest.Valid)
	secrets = append(secrets, phoneTok)
	phone, err := c.ExchangeTeamsPhoneToken(ctx, phoneTok, nil)
	require.NoError(t, err)
	secrets = append(secrets, phone.Token.Token)
	_, err = c.ExchangeTeamsPhoneToken(ctx, w.phoneToken(t, identitytest.OtherApp), nil)
	errs = append(errs, err)
	w.acs.InjectFault(fake.Fault{Status: 500, Times: 5})
	_, err = c.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: entraTok, AppID: w.appID, UserID: w.user.ObjectID}, nil)
	errs = append(errs, err)
	w.acs.ClearFaults()
	bad, err := identity.NewClientFromConnectionString(fake.New(nil).ConnectionString("http://127.0.0.1:1"), withHTTP(&identity.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond}}}))
	require.NoError(t, err)
	_, err = bad.CreateUser(ctx, nil)
	errs = append(errs, err)

	mu.Lock()
	out := logged.String()
	mu.Unlock()
	require.Contains(t, out, "/teamsUser/:exchangeAccessToken", "the log is not verbose: nothing was logged")
	require.Contains(t, out, "/access/teamsExtension/:exchangeAccessToken")
	for _, s := range secrets {
		require.NotContains(t, out, s)
		require.NotContains(t, out, s[:len(s)/2])
		for _, e := range errs {
			require.Error(t, e)
			require.NotContains(t, e.Error(), s)
		}
		require.NotContains(t, tok.String(), s)
	}
}

// A client pinned to any stable api-version works against the fake's HTTP
// face for the operations that version defines, and sees the service's 400
// UnsupportedApiVersion for the others and for versions that do not exist
// (issue 14 §6).
func TestClientAPIVersions(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for _, v := range fake.SupportedAPIVersions {
		c := w.serve(t, &identity.ClientOptions{ClientOptions: azcore.ClientOptions{APIVersion: v}})
		u, err := c.CreateUser(ctx, nil)
		require.NoError(t, err, v)
		_, err = c.IssueToken(ctx, u.User, []identity.Scope{identity.ScopeVoIP}, nil)
		require.NoError(t, err, v)
		_, err = c.GetUser(ctx, u.User, nil)
		if v >= "2025-06-30" {
			require.NoError(t, err, v)
		} else {
			require.Equal(t, "UnsupportedApiVersion", identity.ErrorCode(err), "%s: %v", v, err)
		}
		_, err = c.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: w.token(t, identitytest.Valid), AppID: w.appID, UserID: w.user.ObjectID}, nil)
		if v >= "2022-06-01" {
			require.NoError(t, err, v)
		} else {
			require.Equal(t, "UnsupportedApiVersion", identity.ErrorCode(err), "%s: %v", v, err)
		}
		_, err = c.RevokeTokens(ctx, u.User, nil)
		require.NoError(t, err, v)
		_, err = c.DeleteUser(ctx, u.User, nil)
		require.NoError(t, err, v)
	}
	c := w.serve(t, &identity.ClientOptions{ClientOptions: azcore.ClientOptions{APIVersion: "2023-03-15"}})
	_, err := c.CreateUser(ctx, nil)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusBadRequest, re.StatusCode)
	require.Equal(t, "UnsupportedApiVersion", re.ErrorCode)
}
