package tokenservice_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// sharedCache is a replica's cache of the users' ACS tokens on store,
// sealed with the key every replica has.
func sharedCache(t testing.TB, store identity.TokenCacheStore) *identity.SharedTokenCache {
	t.Helper()
	c, err := identity.NewSharedTokenCache(store, []identity.TokenKey{{ID: "test-1", Key: bytes.Repeat([]byte{7}, 32)}})
	require.NoError(t, err)
	return c
}

// replicas starts n token services of the world's configuration, each with
// a shared token cache of its own on store, as replicas sharing a Redis
// have.
func (w *world) replicas(n int, store identity.TokenCacheStore, mod func(*settings)) []*httptest.Server {
	w.t.Helper()
	var out []*httptest.Server
	for range n {
		c := w.cfg
		c.SharedCache = sharedCache(w.t, store)
		c.SharedCacheID = func(appID, userID string) string { return "acs-1/" + appID + "/" + userID }
		if mod != nil {
			mod(&c)
		}
		svc, err := tokenservice.New(c.Config, &c.Options)
		require.NoError(w.t, err)
		srv := httptest.NewServer(svc)
		w.t.Cleanup(srv.Close)
		out = append(out, srv)
	}
	return out
}

// TestTokenServiceSharedCache: replicas whose token caches share a store
// hand out the token of one exchange per user per token lifetime, however
// the user's requests are spread over them, forwarded or on behalf of the
// caller, one after the other or all at once; a token due for refresh is
// exchanged again from the request's Teams token, once; and a cached token
// changes none of the answers a forwarded Teams token gets without one.
// Without the shared cache every request is an exchange.
func TestTokenServiceSharedCache(t *testing.T) {
	w := newWorld(t, nil)
	var oboTokens atomic.Int32 // token requests of the on-behalf-of step
	obo := w.cfg.OnBehalfOf
	reps := w.replicas(3, identity.NewMemoryTokenCacheStore(w.clock), func(c *settings) {
		c.OnBehalfOf = func(ctx context.Context, caller tokenservice.Caller, tok string) (azcore.AccessToken, error) {
			oboTokens.Add(1)
			return obo(ctx, caller, tok)
		}
	})
	exchanges := func(u fake.TestUser) int {
		n := 0
		for _, ex := range w.acs.Exchanges() {
			if ex.UserID == u.ObjectID {
				n++
			}
		}
		return n
	}

	// Forwarded: Adele's requests go round the replicas.
	adele, adeleTeams := bearer(w.callerToken(w.adele)), w.teamsToken(w.adele)
	var first string
	for i := range 6 {
		a := w.doAt(reps[i%3], http.MethodPost, adele, body(adeleTeams))
		w.assertTeamsAnswer(a, w.adele)
		if first == "" {
			first = a.ok.Token
		}
		assert.Equal(t, first, a.ok.Token, "request %d: the token of the one exchange", i)
	}
	assert.Equal(t, 1, exchanges(w.adele), "one exchange for Adele across the replicas")

	// On behalf of the caller: Megan's requests go round the replicas too,
	// and the cached token spares the on-behalf-of step as well.
	megan := bearer(w.callerToken(w.megan))
	for i := range 6 {
		w.assertTeamsAnswer(w.doAt(reps[i%3], http.MethodPost, megan, ""), w.megan)
	}
	assert.Equal(t, 1, exchanges(w.megan))
	assert.EqualValues(t, 1, oboTokens.Load(), "one on-behalf-of token request")

	// All at once: a new user's requests reach every replica together; one
	// of them exchanges, the others wait for its token.
	lynne := w.entra.AddUser(w.fabrikam.ID, "Lynne Robbins")
	lynneCaller, lynneTeams := bearer(w.callerToken(lynne)), w.teamsToken(lynne)
	var wg sync.WaitGroup
	answers := make([]answer, 12)
	for i := range answers {
		wg.Go(func() { answers[i] = w.doAt(reps[i%3], http.MethodPost, lynneCaller, body(lynneTeams)) })
	}
	wg.Wait()
	for _, a := range answers {
		w.assertTeamsAnswer(a, lynne)
		assert.Equal(t, answers[0].ok.Token, a.ok.Token)
	}
	assert.Equal(t, 1, exchanges(lynne), "concurrent requests at three replicas: one exchange")

	// A forwarded Teams token gets the answers it gets without the cache,
	// though the caller's token is cached: another user's, another app's,
	// an expired one.
	a := w.doAt(reps[0], http.MethodPost, adele, body(w.teamsToken(w.megan)))
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.Equal(t, tokenservice.CodeTeamsTokenWrongUser, a.err.Code)
	a = w.doAt(reps[1], http.MethodPost, adele, body(w.teamsTokenOfApp(w.adele, apiAppID)))
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, tokenservice.CodeInvalidTeamsToken, a.err.Code)
	a = w.doAt(reps[2], http.MethodPost, adele, body(w.teamsToken(w.adele, fake.Expired())))
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, tokenservice.CodeInvalidTeamsToken, a.err.Code)
	assert.Equal(t, 1, exchanges(w.adele))

	// Due for refresh (DefaultRefreshBefore before it expires): the next
	// request exchanges the Teams token it brings, once for the cluster.
	exp := answers[0].ok.ExpiresOn
	w.clock.Set(exp.Add(-identity.DefaultRefreshBefore + time.Second))
	lynneCaller, lynneTeams = bearer(w.callerToken(lynne)), w.teamsToken(lynne)
	var renewed string
	for i := range 3 {
		a := w.doAt(reps[i%3], http.MethodPost, lynneCaller, body(lynneTeams))
		w.assertTeamsAnswer(a, lynne)
		assert.True(t, a.ok.ExpiresOn.After(exp), "request %d: the new token", i)
		if renewed == "" {
			renewed = a.ok.Token
		}
		assert.Equal(t, renewed, a.ok.Token)
	}
	assert.Equal(t, 2, exchanges(lynne))

	// Never an expired token: once Adele's has expired, her old Teams token
	// is refused and a new one is exchanged.
	w.clock.Set(exp.Add(fakeSkew))
	adele = bearer(w.callerToken(w.adele))
	a = w.doAt(reps[0], http.MethodPost, adele, body(adeleTeams))
	assert.Equal(t, http.StatusBadRequest, a.status, a.body)
	a = w.doAt(reps[1], http.MethodPost, adele, body(w.teamsToken(w.adele)))
	w.assertTeamsAnswer(a, w.adele)
	assert.True(t, a.ok.ExpiresOn.After(w.clock.Now()))
	assert.Equal(t, 2, exchanges(w.adele))

	// Without the shared cache each request is an exchange.
	plain := w.entra.AddUser(w.fabrikam.ID, "Diego Siciliani")
	plainCaller, plainTeams := bearer(w.callerToken(plain)), w.teamsToken(plain)
	for range 3 {
		w.assertTeamsAnswer(w.do(http.MethodPost, plainCaller, body(plainTeams)), plain)
	}
	assert.Equal(t, 3, exchanges(plain))
}

// fakeSkew is past identity.TokenClockSkew, after which an expired Teams
// token is refused.
const fakeSkew = identity.TokenClockSkew + time.Second

// teamsTokenOfApp mints a Teams token issued to another app than the
// forwarded tokens' app.
func (w *world) teamsTokenOfApp(u fake.TestUser, appID string) string {
	w.t.Helper()
	tok, _, err := w.entra.TeamsUserToken(u, appID)
	require.NoError(w.t, err)
	return tok
}

// TestTokenServiceSharedCacheStoreDown: while the cache's store fails, each
// request exchanges on its own, as without a cache, and nobody is refused;
// the on-behalf-of step's failures keep their answer through the cache.
func TestTokenServiceSharedCacheStoreDown(t *testing.T) {
	w := newWorld(t, nil)
	reps := w.replicas(2, downTokenStore{}, nil)
	adele, teams := bearer(w.callerToken(w.adele)), w.teamsToken(w.adele)
	for i := range 4 {
		w.assertTeamsAnswer(w.doAt(reps[i%2], http.MethodPost, adele, body(teams)), w.adele)
	}
	assert.Len(t, w.acs.Exchanges(), 4)

	reps = w.replicas(1, identity.NewMemoryTokenCacheStore(w.clock), func(c *settings) {
		c.OnBehalfOf = func(context.Context, tokenservice.Caller, string) (azcore.AccessToken, error) {
			return azcore.AccessToken{}, errors.New("AADSTS65001: the user or administrator has not consented")
		}
	})
	a := w.doAt(reps[0], http.MethodPost, bearer(w.callerToken(w.megan)), "")
	assert.Equal(t, http.StatusBadGateway, a.status, a.body)
	assert.Equal(t, tokenservice.CodeOnBehalfOfFailed, a.err.Code)
	assert.Len(t, w.acs.Exchanges(), 4)
}

// downTokenStore is a token cache store that cannot be reached.
type downTokenStore struct{}

var errDown = errors.New("store unreachable")

func (downTokenStore) Get(context.Context, string) ([]byte, error) { return nil, errDown }
func (downTokenStore) Lease(context.Context, string, time.Duration) (uint64, bool, error) {
	return 0, false, errDown
}
func (downTokenStore) Put(context.Context, string, uint64, []byte, time.Duration) (bool, error) {
	return false, errDown
}
func (downTokenStore) Release(context.Context, string, uint64) error { return errDown }
func (downTokenStore) Wait(context.Context, string) error            { return errDown }

// TestTokenServiceExchangePoolThrottled: behind an identity.ExchangePool
// whose budget is spent, a request that needs an exchange is answered 503
// exchange_throttled with the budget's wait, as a 429 of ACS is, while the
// users whose tokens are cached are still served.
func TestTokenServiceExchangePoolThrottled(t *testing.T) {
	w := newWorld(t, nil)
	pool, err := identity.NewExchangePool([]identity.ExchangeResource{{Name: "acs-1", Exchanger: w.client}},
		&identity.ExchangePoolOptions{Limit: 1, Window: 30 * time.Second, Clock: w.clock})
	require.NoError(t, err)
	reps := w.replicas(2, identity.NewMemoryTokenCacheStore(w.clock), func(c *settings) { c.Exchanger = pool })
	adele := bearer(w.callerToken(w.adele))
	w.assertTeamsAnswer(w.doAt(reps[0], http.MethodPost, adele, ""), w.adele)
	a := w.doAt(reps[1], http.MethodPost, bearer(w.callerToken(w.megan)), "")
	assert.Equal(t, http.StatusServiceUnavailable, a.status, a.body)
	assert.Equal(t, tokenservice.CodeExchangeThrottled, a.err.Code)
	assert.Equal(t, "30", a.header.Get("Retry-After"))
	w.assertTeamsAnswer(w.doAt(reps[1], http.MethodPost, adele, ""), w.adele)
	assert.Len(t, w.acs.Exchanges(), 1)
}
