package identity_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	testAppID  = "8e0a1f3c-5b7d-4c2e-9f61-2d4b6a8c0e13"
	testUserID = "3f9c2b1a-7d6e-4f50-8a1b-c2d3e4f5a6b7"
	testTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	tokenLife  = time.Hour
)

// guard bounds a test that would otherwise hang on a bug; no test relies
// on it to pass.
func guard(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func recv[T any](t *testing.T, ctx context.Context, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-ctx.Done():
		t.Fatal("timed out: the code under test is stuck")
		panic("unreachable")
	}
}

func waitTimers(t *testing.T, ctx context.Context, clk *fake.Clock, n int) {
	t.Helper()
	require.NoError(t, clk.BlockUntil(ctx, n), "waiting for %d timers", n)
}

// acsJWT writes an unsigned ACS access token by hand, with the claims the
// service puts in its tokens.
func acsJWT(exp time.Time) string {
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	claims := map[string]any{
		"skypeid":          "acs:1b4f6c2e-9a8d-4e3f-b5c7-0d1e2f3a4b5c_00000021-7c3f-4b1a-8e2d-5f6a7b8c9d0e",
		"scp":              1792,
		"csi":              fmt.Sprint(exp.Add(-tokenLife).Unix()),
		"exp":              exp.Unix(),
		"rgn":              "amer",
		"acsScope":         "chat,voip",
		"resourceId":       "1b4f6c2e-9a8d-4e3f-b5c7-0d1e2f3a4b5c",
		"resourceLocation": "unitedstates",
		"iat":              exp.Add(-tokenLife).Unix(),
	}
	return enc(map[string]string{"alg": "RS256", "kid": "acs-test", "typ": "JWT"}) + "." + enc(claims) + "." +
		base64.RawURLEncoding.EncodeToString([]byte("not a real signature"))
}

// fakeExchanger counts exchanges and hands out tokens that live tokenLife
// from the fake clock's now. A hook can block or fail a call.
type fakeExchanger struct {
	clock *fake.Clock
	mu    sync.Mutex
	n     int
	reqs  []identity.TeamsUserTokenRequest
	hook  func(ctx context.Context, n int, req identity.TeamsUserTokenRequest) error
}

func (f *fakeExchanger) ExchangeTeamsUserToken(ctx context.Context, req identity.TeamsUserTokenRequest, _ *identity.ExchangeTeamsUserTokenOptions) (identity.ExchangeTeamsUserTokenResponse, error) {
	now := f.clock.Now()
	f.mu.Lock()
	f.n++
	n, hook := f.n, f.hook
	f.reqs = append(f.reqs, req)
	f.mu.Unlock()
	if hook != nil {
		if err := hook(ctx, n, req); err != nil {
			return identity.ExchangeTeamsUserTokenResponse{}, err
		}
	}
	return identity.ExchangeTeamsUserTokenResponse{AccessToken: identity.AccessToken{
		Token:     fmt.Sprintf("acs-token-%d-for-the-teams-user-%s", n, testUserID),
		ExpiresOn: now.Add(tokenLife),
	}}, nil
}

func (f *fakeExchanger) setHook(h func(ctx context.Context, n int, req identity.TeamsUserTokenRequest) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

func (f *fakeExchanger) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// fakeEntra counts Entra token requests. With same set it keeps returning
// the first token, as a credential with a cached token does.
type fakeEntra struct {
	clock *fake.Clock
	mu    sync.Mutex
	n     int
	same  bool
	first azcore.AccessToken
	opts  []policy.TokenRequestOptions
	err   error
}

func (f *fakeEntra) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	f.opts = append(f.opts, opts)
	if f.err != nil {
		return azcore.AccessToken{}, f.err
	}
	if f.same && f.n > 1 {
		return f.first, nil
	}
	tok := azcore.AccessToken{Token: fmt.Sprintf("entra-token-%d-of-the-teams-user", f.n), ExpiresOn: f.clock.Now().Add(tokenLife)}
	if f.n == 1 {
		f.first = tok
	}
	return tok, nil
}

func (f *fakeEntra) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// gate makes calls wait until released, and tells when one has begun.
type gate struct {
	entered chan int
	release chan struct{}
}

func newGate() *gate { return &gate{entered: make(chan int, 16), release: make(chan struct{})} }

func (g *gate) hook(ctx context.Context, n int, _ identity.TeamsUserTokenRequest) error {
	g.entered <- n
	select {
	case <-g.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type rig struct {
	clk   *fake.Clock
	ex    *fakeExchanger
	entra *fakeEntra
	cred  *identity.TeamsUserCredential
}

func newRig(t *testing.T, mod func(*identity.TeamsUserCredentialOptions)) *rig {
	t.Helper()
	clk := fake.NewClock(t0)
	r := &rig{clk: clk, ex: &fakeExchanger{clock: clk}, entra: &fakeEntra{clock: clk}}
	opts := identity.TeamsUserCredentialOptions{TenantID: testTenant, Clock: clk}
	if mod != nil {
		mod(&opts)
	}
	cred, err := identity.NewTeamsUserCredential(r.ex, r.entra, testAppID, testUserID, &opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cred.Close() })
	r.cred = cred
	return r
}

func TestTeamsUserCredentialValidation(t *testing.T) {
	clk := fake.NewClock(t0)
	ex, entra := &fakeExchanger{clock: clk}, &fakeEntra{clock: clk}
	for _, tc := range []struct {
		name          string
		ex            identity.TokenExchanger
		entra         azcore.TokenCredential
		appID, userID string
		opts          *identity.TeamsUserCredentialOptions
		arg           string
	}{
		{"no exchanger", nil, entra, testAppID, testUserID, nil, "exchanger"},
		{"no entra credential", ex, nil, testAppID, testUserID, nil, "entra"},
		{"no app id", ex, entra, "", testUserID, nil, "appID"},
		{"blank user id", ex, entra, testAppID, " ", nil, "userID"},
		{"negative refresh before", ex, entra, testAppID, testUserID, &identity.TeamsUserCredentialOptions{RefreshBefore: -time.Minute}, "opts.RefreshBefore"},
		{"negative refresh timeout", ex, entra, testAppID, testUserID, &identity.TeamsUserCredentialOptions{RefreshTimeout: -time.Second}, "opts.RefreshTimeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := identity.NewTeamsUserCredential(tc.ex, tc.entra, tc.appID, tc.userID, tc.opts)
			assert.Nil(t, cred)
			var ae *identity.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tc.arg, ae.Arg)
			assert.True(t, strings.HasPrefix(err.Error(), "identity: invalid "+tc.arg+": "), err.Error())
		})
	}
}

func TestTeamsUserCredentialCaches(t *testing.T) {
	r := newRig(t, nil)
	ctx := guard(t)

	tok, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(tokenLife), tok.ExpiresOn)
	require.Equal(t, 1, r.entra.calls())
	require.Equal(t, 1, r.ex.calls())

	// The Entra request: default Teams scopes and the tenant.
	assert.Equal(t, []string{
		"https://auth.msft.communication.azure.com/Teams.ManageCalls",
		"https://auth.msft.communication.azure.com/Teams.ManageChats",
	}, r.entra.opts[0].Scopes)
	assert.Equal(t, testTenant, r.entra.opts[0].TenantID)
	// The exchange: the Entra token with the configured app and user.
	assert.Equal(t, identity.TeamsUserTokenRequest{Token: "entra-token-1-of-the-teams-user", AppID: testAppID, UserID: testUserID}, r.ex.reqs[0])

	// Cached until it is due: no I/O.
	for _, d := range []time.Duration{0, time.Minute, 49*time.Minute + 59*time.Second} {
		r.clk.Set(t0.Add(d))
		again, err := r.cred.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, tok, again)
	}
	az, err := r.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://communication.azure.com//.default"}})
	require.NoError(t, err)
	assert.Equal(t, azcore.AccessToken{Token: tok.Token, ExpiresOn: tok.ExpiresOn, RefreshOn: tok.ExpiresOn.Add(-identity.DefaultRefreshBefore)}, az)
	assert.Equal(t, 1, r.entra.calls())
	assert.Equal(t, 1, r.ex.calls())
}

func TestTeamsUserCredentialCustomScopesAndRefreshBefore(t *testing.T) {
	r := newRig(t, func(o *identity.TeamsUserCredentialOptions) {
		o.Scopes = []string{"api://custom/.default"}
		o.RefreshBefore = 20 * time.Minute
		o.ProactiveRefresh = true
	})
	ctx := guard(t)
	_, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"api://custom/.default"}, r.entra.opts[0].Scopes)
	waitTimers(t, ctx, r.clk, 1)
	assert.Equal(t, []time.Time{t0.Add(40 * time.Minute)}, r.clk.Deadlines())
}

func TestTeamsUserCredentialSingleFlight(t *testing.T) {
	r := newRig(t, nil)
	ctx := guard(t)
	g := newGate()
	r.ex.setHook(g.hook)

	const callers = 1000
	var started, done sync.WaitGroup
	started.Add(callers)
	done.Add(callers)
	toks := make([]identity.AccessToken, callers)
	errs := make([]error, callers)
	for i := range callers {
		go func() {
			defer done.Done()
			started.Done()
			toks[i], errs[i] = r.cred.Token(ctx)
		}()
	}
	started.Wait()
	recv(t, ctx, g.entered)
	close(g.release)
	done.Wait()

	assert.Equal(t, 1, r.ex.calls(), "exchanges")
	assert.Equal(t, 1, r.entra.calls(), "entra token requests")
	for i := range callers {
		require.NoError(t, errs[i])
		require.Equal(t, toks[0], toks[i])
	}
	assert.NotEmpty(t, toks[0].Token)
}

func TestTeamsUserCredentialWaiterContext(t *testing.T) {
	r := newRig(t, nil)
	ctx := guard(t)
	var exchangeCtxErr error
	g := newGate()
	r.ex.setHook(func(ctx context.Context, n int, req identity.TeamsUserTokenRequest) error {
		err := g.hook(ctx, n, req)
		exchangeCtxErr = ctx.Err() // read by the test after Token returned
		return err
	})

	// The first caller starts the refresh, then gives up.
	callerCtx, cancel := context.WithCancel(ctx)
	first := make(chan error, 1)
	go func() {
		_, err := r.cred.Token(callerCtx)
		first <- err
	}()
	recv(t, ctx, g.entered)
	cancel()
	assert.ErrorIs(t, recv(t, ctx, first), context.Canceled)

	// The refresh goes on for a second caller.
	second := make(chan identity.AccessToken, 1)
	go func() {
		tok, err := r.cred.Token(ctx)
		assert.NoError(t, err)
		second <- tok
	}()
	close(g.release)
	tok := recv(t, ctx, second)
	assert.NotEmpty(t, tok.Token)
	assert.NoError(t, exchangeCtxErr, "the exchange must not be cancelled by a caller who left")
	assert.Equal(t, 1, r.ex.calls())

	// A caller whose ctx has ended gets its error even from the cache.
	ended, cancel2 := context.WithCancel(ctx)
	cancel2()
	_, err := r.cred.Token(ended)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestTeamsUserCredentialProactiveRefresh(t *testing.T) {
	r := newRig(t, func(o *identity.TeamsUserCredentialOptions) { o.ProactiveRefresh = true })
	ctx := guard(t)

	tok1, err := r.cred.Token(ctx)
	require.NoError(t, err)
	waitTimers(t, ctx, r.clk, 1)
	assert.Equal(t, []time.Time{t0.Add(50 * time.Minute)}, r.clk.Deadlines(), "refresh 10 minutes before expiry")

	g := newGate()
	r.ex.setHook(g.hook)
	r.clk.Advance(50 * time.Minute)
	recv(t, ctx, g.entered) // the background refresh is running

	// Callers are not blocked by it: they get the still-valid token.
	during, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, tok1, during)

	close(g.release)
	waitTimers(t, ctx, r.clk, 1) // re-armed once the new token is in
	tok2, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, tok1.Token, tok2.Token)
	assert.Equal(t, t0.Add(50*time.Minute+tokenLife), tok2.ExpiresOn)
	assert.Equal(t, []time.Time{tok2.ExpiresOn.Add(-10 * time.Minute)}, r.clk.Deadlines())
	assert.Equal(t, 2, r.ex.calls())
	assert.Equal(t, 2, r.entra.calls())
}

func TestTeamsUserCredentialSameEntraTokenBacksOff(t *testing.T) {
	r := newRig(t, func(o *identity.TeamsUserCredentialOptions) { o.ProactiveRefresh = true })
	r.entra.same = true
	ctx := guard(t)

	tok, err := r.cred.Token(ctx)
	require.NoError(t, err)
	exp := tok.ExpiresOn
	waitTimers(t, ctx, r.clk, 1)

	// Each attempt brings no newer token, so the next one comes at half the
	// remaining lifetime (10m, 5m, 2.5m, ...), never sooner than 10 s.
	next := t0.Add(50 * time.Minute)
	for attempt := 2; exp.Sub(next) > 0; attempt++ {
		require.Equal(t, []time.Time{next}, r.clk.Deadlines(), "attempt %d", attempt)
		r.clk.Set(next)
		waitTimers(t, ctx, r.clk, 1)
		require.Equal(t, attempt, r.entra.calls())
		remaining := exp.Sub(next)
		next = next.Add(max(remaining/2, 10*time.Second))
		if remaining < 20*time.Second {
			require.Equal(t, []time.Time{next}, r.clk.Deadlines(), "the floor")
			break
		}
		// In between, callers get the cached token without any I/O, even
		// in the last two minutes.
		got, err := r.cred.Token(ctx)
		require.NoError(t, err)
		require.Equal(t, tok, got)
		require.Equal(t, attempt, r.entra.calls())
	}
	assert.Less(t, r.entra.calls(), 15, "no hot loop")
	assert.Equal(t, 1, r.ex.calls(), "the same entra token is not exchanged again")
}

func TestTeamsUserCredentialOnDemandRefresh(t *testing.T) {
	r := newRig(t, nil)
	ctx := guard(t)
	tok1, err := r.cred.Token(ctx)
	require.NoError(t, err)

	// Within two minutes of expiry a caller waits for a new token.
	r.clk.Set(t0.Add(58 * time.Minute))
	g := newGate()
	r.ex.setHook(g.hook)
	res := make(chan identity.AccessToken, 1)
	go func() {
		tok, err := r.cred.Token(ctx)
		assert.NoError(t, err)
		res <- tok
	}()
	recv(t, ctx, g.entered)
	select {
	case <-res:
		t.Fatal("Token returned before the refresh it needs")
	default:
	}
	close(g.release)
	tok2 := recv(t, ctx, res)
	assert.NotEqual(t, tok1.Token, tok2.Token)
	assert.Equal(t, t0.Add(58*time.Minute+tokenLife), tok2.ExpiresOn)
	assert.Equal(t, 2, r.ex.calls())
}

func TestTeamsUserCredentialRefreshAheadWithoutProactive(t *testing.T) {
	r := newRig(t, nil)
	ctx := guard(t)
	tok1, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Zero(t, r.clk.Pending(), "no timers without proactive refresh")

	// Past the refresh time but not close to expiry: the caller gets the
	// cached token at once and a refresh starts in the background.
	r.clk.Set(t0.Add(51 * time.Minute))
	g := newGate()
	r.ex.setHook(g.hook)
	got, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, tok1, got)
	recv(t, ctx, g.entered)
	again, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, tok1, again, "one refresh at a time")
	close(g.release)

	// Near expiry the caller would wait for a refresh; this one has
	// already brought the new token (or the caller joins it).
	r.clk.Set(t0.Add(59 * time.Minute))
	tok2, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(51*time.Minute+tokenLife), tok2.ExpiresOn)
	assert.Equal(t, 2, r.ex.calls())
}

func TestTeamsUserCredentialFailureKeepsTokenAndBacksOff(t *testing.T) {
	r := newRig(t, func(o *identity.TeamsUserCredentialOptions) { o.ProactiveRefresh = true })
	ctx := guard(t)
	tok1, err := r.cred.Token(ctx)
	require.NoError(t, err)
	waitTimers(t, ctx, r.clk, 1)

	boom := errors.New("exchange unavailable")
	r.ex.setHook(func(context.Context, int, identity.TeamsUserTokenRequest) error { return boom })
	now := t0.Add(50 * time.Minute)
	// The waits double from 1 s, each a random time between half and all of it.
	for i, backoff := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		r.clk.Set(now)
		waitTimers(t, ctx, r.clk, 1)
		require.Equal(t, 2+i, r.ex.calls())
		next := r.clk.Deadlines()
		require.Len(t, next, 1)
		require.False(t, next[0].Before(now.Add(backoff/2)), "retry %d at %v", i+1, next[0].Sub(now))
		require.False(t, next[0].After(now.Add(backoff)), "retry %d at %v", i+1, next[0].Sub(now))
		now = next[0]
		got, err := r.cred.Token(ctx)
		require.NoError(t, err, "the still-valid token keeps serving")
		require.Equal(t, tok1, got)
	}

	r.ex.setHook(nil)
	r.clk.Set(now)
	waitTimers(t, ctx, r.clk, 1)
	tok2, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, now.Add(tokenLife), tok2.ExpiresOn)
	assert.Equal(t, []time.Time{tok2.ExpiresOn.Add(-10 * time.Minute)}, r.clk.Deadlines(), "backoff reset")
}

func TestTeamsUserCredentialNeverReturnsExpiredToken(t *testing.T) {
	r := newRig(t, nil)
	ctx := guard(t)
	tok1, err := r.cred.Token(ctx)
	require.NoError(t, err)

	boom := errors.New("service said no")
	r.ex.setHook(func(_ context.Context, _ int, req identity.TeamsUserTokenRequest) error {
		// A careless error that quotes the token it was given.
		return fmt.Errorf("%w to %s", boom, req.Token)
	})

	// In the last two minutes a failed refresh still leaves the valid token.
	r.clk.Set(t0.Add(59 * time.Minute))
	got, err := r.cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, tok1, got)
	assert.Equal(t, 2, r.ex.calls())

	// Once it has expired, the refresh error comes back, never the token.
	for _, at := range []time.Duration{tokenLife, tokenLife + time.Hour} {
		r.clk.Set(t0.Add(at))
		got, err = r.cred.Token(ctx)
		require.Error(t, err)
		assert.Zero(t, got)
		assert.ErrorIs(t, err, boom)
		msg := err.Error()
		assert.Contains(t, msg, "service said no to <redacted")
		assert.NotContains(t, msg, "entra-token-", "the entra token must not leak")
		assert.NotContains(t, msg, tok1.Token)
		assert.Contains(t, msg, "teams user credential")
		assert.Equal(t, strings.ToLower(msg[:20]), msg[:20])
		_, err = r.cred.GetToken(ctx, policy.TokenRequestOptions{})
		assert.ErrorIs(t, err, boom)
	}

	// Entra failures are reported as such (once the back-off lets a new
	// attempt start).
	r.entra.mu.Lock()
	r.entra.err = errors.New("interaction required")
	r.entra.mu.Unlock()
	r.clk.Advance(identity.MaxRefreshBackoff)
	_, err = r.cred.Token(ctx)
	assert.ErrorContains(t, err, "entra token")
	assert.ErrorContains(t, err, "interaction required")
}

func TestTeamsUserCredentialClose(t *testing.T) {
	r := newRig(t, func(o *identity.TeamsUserCredentialOptions) { o.ProactiveRefresh = true })
	ctx := guard(t)
	_, err := r.cred.Token(ctx)
	require.NoError(t, err)
	waitTimers(t, ctx, r.clk, 1)

	require.NoError(t, r.cred.Close())
	assert.Zero(t, r.clk.Pending(), "the scheduler's timer is stopped")
	_, err = r.cred.Token(ctx)
	assert.ErrorIs(t, err, identity.ErrCredentialClosed)
	_, err = r.cred.GetToken(ctx, policy.TokenRequestOptions{})
	assert.ErrorIs(t, err, identity.ErrCredentialClosed)
	assert.NoError(t, r.cred.Close(), "close twice")
	r.clk.Advance(2 * time.Hour)
	assert.Equal(t, 1, r.ex.calls())
}

func TestTeamsUserCredentialCloseDuringRefresh(t *testing.T) {
	r := newRig(t, func(o *identity.TeamsUserCredentialOptions) { o.ProactiveRefresh = true })
	ctx := guard(t)
	g := newGate()
	var mu sync.Mutex
	var exchangeErr error
	r.ex.setHook(func(ctx context.Context, n int, req identity.TeamsUserTokenRequest) error {
		err := g.hook(ctx, n, req)
		mu.Lock()
		exchangeErr = err
		mu.Unlock()
		return err
	})
	res := make(chan error, 1)
	go func() {
		_, err := r.cred.Token(ctx)
		res <- err
	}()
	recv(t, ctx, g.entered)
	require.NoError(t, r.cred.Close())

	// Close returned only after the refresh saw its ctx end and returned.
	mu.Lock()
	assert.ErrorIs(t, exchangeErr, context.Canceled)
	mu.Unlock()
	assert.ErrorIs(t, recv(t, ctx, res), identity.ErrCredentialClosed)
	assert.Zero(t, r.clk.Pending())
}

func TestTeamsUserCredentialInAzcorePipeline(t *testing.T) {
	r := newRig(t, nil)
	var auth []string
	pl := runtime.NewPipeline("identity_test", "v0.0.0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport: transportFunc(func(req *http.Request) (*http.Response, error) {
			auth = append(auth, req.Header.Get("Authorization"))
			return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
		}),
		PerRetryPolicies: []policy.Policy{runtime.NewBearerTokenPolicy(r.cred, []string{"https://communication.azure.com//.default"}, nil)},
	})
	for range 2 {
		req, err := runtime.NewRequest(guard(t), http.MethodGet, "https://contoso.communication.azure.com/chat/threads")
		require.NoError(t, err)
		resp, err := pl.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}
	want := "Bearer acs-token-1-for-the-teams-user-" + testUserID
	assert.Equal(t, []string{want, want}, auth)
	assert.Equal(t, 1, r.ex.calls())
}

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

func TestRefreshingTokenCredential(t *testing.T) {
	ctx := guard(t)
	clk := fake.NewClock(t0)
	var calls int
	var mu sync.Mutex
	refresh := func(ctx context.Context) (identity.AccessToken, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		// No ExpiresOn: the credential reads it from the token.
		return identity.AccessToken{Token: acsJWT(clk.Now().Add(tokenLife).Truncate(time.Second))}, nil
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return calls }

	t.Run("initial token", func(t *testing.T) {
		initial := acsJWT(t0.Add(30 * time.Minute))
		cred, err := identity.NewRefreshingTokenCredential(refresh, &identity.RefreshingTokenCredentialOptions{
			InitialToken: identity.AccessToken{Token: initial}, Clock: clk, ProactiveRefresh: true})
		require.NoError(t, err)
		defer cred.Close()
		tok, err := cred.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, identity.AccessToken{Token: initial, ExpiresOn: t0.Add(30 * time.Minute)}, tok)
		assert.Zero(t, count())
		waitTimers(t, ctx, clk, 1)
		assert.Equal(t, []time.Time{t0.Add(20 * time.Minute)}, clk.Deadlines())
		clk.Advance(20 * time.Minute)
		waitTimers(t, ctx, clk, 1)
		assert.Equal(t, 1, count())
		tok, err = cred.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, t0.Add(20*time.Minute+tokenLife), tok.ExpiresOn)
	})

	t.Run("on demand", func(t *testing.T) {
		cred, err := identity.NewRefreshingTokenCredential(refresh, &identity.RefreshingTokenCredentialOptions{Clock: clk})
		require.NoError(t, err)
		defer cred.Close()
		before := count()
		tok, err := cred.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, clk.Now().Add(tokenLife).Truncate(time.Second), tok.ExpiresOn)
		_, err = cred.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, before+1, count())
	})

	t.Run("nil options", func(t *testing.T) {
		cred, err := identity.NewRefreshingTokenCredential(func(context.Context) (identity.AccessToken, error) {
			return identity.AccessToken{Token: "opaque", ExpiresOn: time.Now().Add(time.Hour)}, nil
		}, nil)
		require.NoError(t, err)
		defer cred.Close()
		tok, err := cred.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, "opaque", tok.Token)
	})
}

func TestRefreshingTokenCredentialBadTokens(t *testing.T) {
	ctx := guard(t)
	clk := fake.NewClock(t0)

	_, err := identity.NewRefreshingTokenCredential(nil, nil)
	var ae *identity.ArgumentError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "refresh", ae.Arg)

	ok := func(context.Context) (identity.AccessToken, error) { return identity.AccessToken{}, nil }
	_, err = identity.NewRefreshingTokenCredential(ok, &identity.RefreshingTokenCredentialOptions{InitialToken: identity.AccessToken{Token: "not-a-jwt"}})
	assert.ErrorIs(t, err, identity.ErrTokenMalformed)
	_, err = identity.NewRefreshingTokenCredential(ok, &identity.RefreshingTokenCredentialOptions{RefreshBefore: -1})
	require.ErrorAs(t, err, &ae)
	_, err = identity.NewRefreshingTokenCredential(ok, &identity.RefreshingTokenCredentialOptions{RefreshTimeout: -1})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "opts.RefreshTimeout", ae.Arg)

	for _, tc := range []struct {
		name string
		tok  identity.AccessToken
		want error
	}{
		{"empty", identity.AccessToken{}, identity.ErrTokenMalformed},
		{"not a jwt", identity.AccessToken{Token: "opaque-secret-value"}, identity.ErrTokenMalformed},
		{"expired", identity.AccessToken{Token: "opaque-secret-value", ExpiresOn: t0.Add(-time.Second)}, identity.ErrTokenExpired},
		{"expired jwt", identity.AccessToken{Token: acsJWT(t0)}, identity.ErrTokenExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := identity.NewRefreshingTokenCredential(func(context.Context) (identity.AccessToken, error) { return tc.tok, nil },
				&identity.RefreshingTokenCredentialOptions{Clock: clk})
			require.NoError(t, err)
			defer cred.Close()
			got, err := cred.Token(ctx)
			assert.ErrorIs(t, err, tc.want)
			assert.Zero(t, got)
			if tc.tok.Token != "" {
				assert.NotContains(t, err.Error(), tc.tok.Token)
			}
		})
	}
}

func TestRefreshingTokenCredentialNotNewer(t *testing.T) {
	ctx := guard(t)
	clk := fake.NewClock(t0)
	exp := t0.Add(tokenLife)
	var mu sync.Mutex
	calls := 0
	cred, err := identity.NewRefreshingTokenCredential(func(context.Context) (identity.AccessToken, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		// A fresh token string each time, but it expires no later.
		return identity.AccessToken{Token: fmt.Sprintf("token-%d", calls), ExpiresOn: exp}, nil
	}, &identity.RefreshingTokenCredentialOptions{Clock: clk, ProactiveRefresh: true})
	require.NoError(t, err)
	defer cred.Close()
	_, err = cred.Token(ctx)
	require.NoError(t, err)
	waitTimers(t, ctx, clk, 1)
	clk.Set(t0.Add(50 * time.Minute))
	waitTimers(t, ctx, clk, 1)
	assert.Equal(t, []time.Time{t0.Add(55 * time.Minute)}, clk.Deadlines(), "half the remaining lifetime, not at once")
	tok, err := cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "token-2", tok.Token, "a token that expires as late is taken")
	mu.Lock()
	assert.Equal(t, 2, calls)
	mu.Unlock()
}

func TestStaticTokenCredential(t *testing.T) {
	ctx := guard(t)
	exp := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Second)
	jwt := acsJWT(exp)
	cred, err := identity.NewStaticTokenCredential(jwt)
	require.NoError(t, err)
	tok, err := cred.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, identity.AccessToken{Token: jwt, ExpiresOn: exp}, tok)
	az, err := cred.GetToken(ctx, policy.TokenRequestOptions{})
	require.NoError(t, err)
	assert.Equal(t, azcore.AccessToken{Token: jwt, ExpiresOn: exp}, az)
	require.NoError(t, cred.Close())
	_, err = cred.Token(ctx)
	assert.ErrorIs(t, err, identity.ErrCredentialClosed)

	expired := acsJWT(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC))
	cred, err = identity.NewStaticTokenCredential(expired)
	require.NoError(t, err)
	tok, err = cred.Token(ctx)
	assert.Zero(t, tok)
	assert.ErrorIs(t, err, identity.ErrTokenExpired)
	assert.NotContains(t, err.Error(), expired)
	assert.Contains(t, err.Error(), "2020-01-01T00:00:00Z")

	_, err = identity.NewStaticTokenCredential("")
	var ae *identity.ArgumentError
	assert.ErrorAs(t, err, &ae)
	for _, bad := range []string{"not-a-jwt", "a.b.c", "Bearer " + jwt} {
		_, err = identity.NewStaticTokenCredential(bad)
		var ite *identity.InvalidTokenError
		require.ErrorAs(t, err, &ite, bad)
		assert.Equal(t, identity.TokenMalformed, ite.Problem)
		assert.NotContains(t, err.Error(), jwt)
	}
}

// BenchmarkCachedToken measures a cached read: it must not allocate.
func BenchmarkCachedToken(b *testing.B) {
	cred, err := identity.NewRefreshingTokenCredential(func(context.Context) (identity.AccessToken, error) {
		return identity.AccessToken{Token: "benchmark-token", ExpiresOn: time.Now().Add(24 * time.Hour)}, nil
	}, &identity.RefreshingTokenCredentialOptions{ProactiveRefresh: true})
	if err != nil {
		b.Fatal(err)
	}
	defer cred.Close()
	ctx := context.Background()
	if _, err := cred.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("Token", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := cred.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetToken", func(b *testing.B) {
		b.ReportAllocs()
		opts := policy.TokenRequestOptions{Scopes: []string{"https://communication.azure.com//.default"}}
		for b.Loop() {
			if _, err := cred.GetToken(ctx, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := cred.Token(ctx); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
