package identity_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
)

func TestMemoryTokenCacheStore(t *testing.T) {
	clk := fake.NewClock(t0)
	identitytest.TestTokenCacheStore(t, identity.NewMemoryTokenCacheStore(clk), func(d time.Duration) { clk.Advance(d) })
}

// slowCalls is a store on which each Lease and Put takes a quarter of a
// second: a loaded machine, a remote Redis.
type slowCalls struct {
	identity.TokenCacheStore
	clk *fake.Clock
}

func (s slowCalls) Lease(ctx context.Context, key string, ttl time.Duration) (uint64, bool, error) {
	s.clk.Advance(250 * time.Millisecond)
	return s.TokenCacheStore.Lease(ctx, key, ttl)
}

func (s slowCalls) Put(ctx context.Context, key string, fence uint64, v []byte, ttl time.Duration) (bool, error) {
	s.clk.Advance(250 * time.Millisecond)
	return s.TokenCacheStore.Put(ctx, key, fence, v, ttl)
}

// TestTokenCacheStoreSuiteOnSlowCalls: the suite's verdicts do not depend
// on how long the store's calls take — redisstore runs it on real time, where
// it took a lease of 200 ms and expected the Put that followed to find it
// still held.
func TestTokenCacheStoreSuiteOnSlowCalls(t *testing.T) {
	clk := fake.NewClock(t0)
	identitytest.TestTokenCacheStore(t, slowCalls{identity.NewMemoryTokenCacheStore(clk), clk}, func(d time.Duration) { clk.Advance(d) })
}

var (
	key1 = identity.TokenKey{ID: "k1", Key: bytes.Repeat([]byte{1}, 32)}
	key2 = identity.TokenKey{ID: "k2", Key: bytes.Repeat([]byte{2}, 32)}
	key3 = identity.TokenKey{ID: "k3", Key: bytes.Repeat([]byte{3}, 32)}
)

// replicaEntra is one replica's Entra credential for the user: its tokens
// are its own (two replicas never get the same one), unless shared is set,
// when every replica gets the same token, as from one sign-in cache.
type replicaEntra struct {
	name   string
	clock  *fake.Clock
	shared *replicaEntra
	mu     sync.Mutex
	n      int
}

func (e *replicaEntra) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if e.shared != nil {
		return e.shared.GetToken(context.Background(), policy.TokenRequestOptions{})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	return azcore.AccessToken{Token: fmt.Sprintf("entra-token-%d-of-%s", e.n, e.name), ExpiresOn: e.clock.Now().Add(tokenLife)}, nil
}

// cluster is replicas of a service that share a token cache for one user.
type cluster struct {
	clk   *fake.Clock
	ex    *fakeExchanger
	store identity.TokenCacheStore
	cache *identity.SharedTokenCache
	creds []*identity.TeamsUserCredential
}

// newCluster builds replicas credentials sharing a memory store, which
// wrap (if not nil) wraps.
func newCluster(t *testing.T, replicas int, wrap func(identity.TokenCacheStore) identity.TokenCacheStore, mod func(i int, o *identity.TeamsUserCredentialOptions, entra *replicaEntra)) *cluster {
	t.Helper()
	clk := fake.NewClock(t0)
	var store identity.TokenCacheStore = identity.NewMemoryTokenCacheStore(clk)
	if wrap != nil {
		store = wrap(store)
	}
	c := &cluster{clk: clk, ex: &fakeExchanger{clock: clk}, store: store}
	var err error
	c.cache, err = identity.NewSharedTokenCache(store, []identity.TokenKey{key1})
	require.NoError(t, err)
	for i := range replicas {
		entra := &replicaEntra{name: fmt.Sprintf("replica-%d", i), clock: clk}
		o := identity.TeamsUserCredentialOptions{Clock: clk, SharedCache: c.cache, SharedCacheID: "resource-1/" + testAppID + "/" + testUserID}
		if mod != nil {
			mod(i, &o, entra)
		}
		cred, err := identity.NewTeamsUserCredential(c.ex, entra, testAppID, testUserID, &o)
		require.NoError(t, err)
		t.Cleanup(func() { _ = cred.Close() })
		c.creds = append(c.creds, cred)
	}
	return c
}

// tokens asks every replica for a token at once and returns what each got.
func (c *cluster) tokens(t *testing.T, ctx context.Context) []string {
	t.Helper()
	out := make([]string, len(c.creds))
	var wg sync.WaitGroup
	for i, cred := range c.creds {
		wg.Go(func() {
			tok, err := cred.Token(ctx)
			assert.NoError(t, err)
			out[i] = tok.Token
		})
	}
	wg.Wait()
	return out
}

// TestSharedCacheOneExchangePerLifetime: three replicas ask for the user's
// token at once, and again when it is about to expire: each time exactly
// one exchanges, and all get its token.
func TestSharedCacheOneExchangePerLifetime(t *testing.T) {
	ctx := guard(t)
	c := newCluster(t, 3, nil, nil)
	g := newGate()
	c.ex.setHook(g.hook)
	done := make(chan []string, 1)
	go func() { done <- c.tokens(t, ctx) }()
	recv(t, ctx, g.entered)
	// The other two wait for the lease: each has armed a timer for its
	// end.
	waitTimers(t, ctx, c.clk, 2)
	close(g.release)
	first := recv(t, ctx, done)
	require.Equal(t, 1, c.ex.calls())
	for _, tok := range first {
		require.Equal(t, first[0], tok)
	}

	// Within the last two minutes everyone waits for the new token.
	c.clk.Advance(tokenLife - time.Minute)
	second := c.tokens(t, ctx)
	require.Equal(t, 2, c.ex.calls(), "one exchange for the cluster per token lifetime")
	require.NotEqual(t, first[0], second[0])
	for _, tok := range second {
		require.Equal(t, second[0], tok)
	}

	// A replica that starts later (a new credential) takes the cached
	// token.
	late := newCredentialOn(t, c, "late")
	tok, err := late.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, second[0], tok.Token)
	require.Equal(t, 2, c.ex.calls())
}

func newCredentialOn(t *testing.T, c *cluster, name string) *identity.TeamsUserCredential {
	t.Helper()
	cred, err := identity.NewTeamsUserCredential(c.ex, &replicaEntra{name: name, clock: c.clk}, testAppID, testUserID,
		&identity.TeamsUserCredentialOptions{Clock: c.clk, SharedCache: c.cache, SharedCacheID: "resource-1/" + testAppID + "/" + testUserID})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cred.Close() })
	return cred
}

// TestSharedCacheDueTokenServesWhileAnotherRefreshes: at the refresh time,
// the replica that holds the lease exchanges, and another replica, for
// which the cached token is still good for a while, takes it at once rather
// than wait; it takes the new one at its next attempt. Nobody exchanges
// twice.
func TestSharedCacheDueTokenServesWhileAnotherRefreshes(t *testing.T) {
	ctx := guard(t)
	store := &notifyingStore{put: make(chan struct{}, 4)}
	c := newCluster(t, 1, func(s identity.TokenCacheStore) identity.TokenCacheStore {
		store.TokenCacheStore = s
		return store
	}, nil)
	a := c.creds[0]
	old, err := a.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, c.ex.calls())

	g := newGate()
	c.ex.setHook(g.hook)
	c.clk.Advance(tokenLife - identity.DefaultRefreshBefore) // due
	tok, err := a.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, old.Token, tok.Token, "a's refresh runs in the background")
	recv(t, ctx, g.entered) // a holds the lease and exchanges

	// A replica without a token of its own: the cached one, due but
	// good for ten minutes more, at once.
	b := newCredentialOn(t, c, "b")
	tok, err = b.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, old.Token, tok.Token)

	recv(t, ctx, store.put) // the first token
	close(g.release)
	recv(t, ctx, store.put)        // a's new token, within its lease
	c.clk.Advance(9 * time.Minute) // the last minute of the old token
	toks := c.tokens(t, ctx)
	tb, err := b.Token(ctx)
	require.NoError(t, err)
	require.NotEqual(t, old.Token, toks[0])
	require.Equal(t, toks[0], tb.Token, "b takes a's token at its next attempt")
	require.Equal(t, 2, c.ex.calls())
}

// TestSharedCacheFailureReleasesLease: the replica that holds the lease
// fails to exchange; the lease is released at once and a waiting replica
// exchanges instead.
func TestSharedCacheFailureReleasesLease(t *testing.T) {
	ctx := guard(t)
	c := newCluster(t, 2, nil, nil)
	g := newGate()
	c.ex.setHook(func(ctx context.Context, n int, req identity.TeamsUserTokenRequest) error {
		if n == 1 {
			if err := g.hook(ctx, n, req); err != nil {
				return err
			}
			return errors.New("the exchange failed")
		}
		return nil
	})
	errA := make(chan error, 1)
	go func() {
		_, err := c.creds[0].Token(ctx)
		errA <- err
	}()
	recv(t, ctx, g.entered)
	tokB := make(chan identity.AccessToken, 1)
	go func() {
		tok, err := c.creds[1].Token(ctx)
		assert.NoError(t, err)
		tokB <- tok
	}()
	waitTimers(t, ctx, c.clk, 1) // b waits for the lease
	close(g.release)
	require.ErrorContains(t, recv(t, ctx, errA), "the exchange failed")
	tok := recv(t, ctx, tokB)
	require.Contains(t, tok.Token, "acs-token-2")
	require.Equal(t, 2, c.ex.calls())
}

// TestSharedCacheDeadHolder: the replica holding the lease hangs (or died);
// when its lease runs out (RefreshTimeout) a waiting replica exchanges.
func TestSharedCacheDeadHolder(t *testing.T) {
	ctx := guard(t)
	c := newCluster(t, 2, nil, nil)
	g := newGate() // never released: replica 0 hangs
	c.ex.setHook(func(ctx context.Context, n int, req identity.TeamsUserTokenRequest) error {
		if n == 1 {
			return g.hook(ctx, n, req)
		}
		return nil
	})
	go func() { _, _ = c.creds[0].Token(ctx) }()
	recv(t, ctx, g.entered)
	tokB := make(chan identity.AccessToken, 1)
	go func() {
		tok, err := c.creds[1].Token(ctx)
		assert.NoError(t, err)
		tokB <- tok
	}()
	waitTimers(t, ctx, c.clk, 1)
	c.clk.Advance(identity.DefaultRefreshTimeout) // the lease runs out
	require.Contains(t, recv(t, ctx, tokB).Token, "acs-token-2")
}

// notifyingStore tells when a Put has been made.
type notifyingStore struct {
	identity.TokenCacheStore
	put chan struct{}
}

func (n *notifyingStore) Put(ctx context.Context, key string, fence uint64, v []byte, ttl time.Duration) (bool, error) {
	ok, err := n.TokenCacheStore.Put(ctx, key, fence, v, ttl)
	n.put <- struct{}{}
	return ok, err
}

// recordingStore keeps what was put in a TokenCacheStore, and can fail.
type recordingStore struct {
	identity.TokenCacheStore
	mu   sync.Mutex
	puts [][]byte
	fail error
}

func (r *recordingStore) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fail
}

func (r *recordingStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := r.err(); err != nil {
		return nil, err
	}
	return r.TokenCacheStore.Get(ctx, key)
}

func (r *recordingStore) Lease(ctx context.Context, key string, ttl time.Duration) (uint64, bool, error) {
	if err := r.err(); err != nil {
		return 0, false, err
	}
	return r.TokenCacheStore.Lease(ctx, key, ttl)
}

func (r *recordingStore) Put(ctx context.Context, key string, fence uint64, v []byte, ttl time.Duration) (bool, error) {
	r.mu.Lock()
	r.puts = append(r.puts, append([]byte(nil), v...))
	r.mu.Unlock()
	return r.TokenCacheStore.Put(ctx, key, fence, v, ttl)
}

// TestSharedCacheSealsTokens: what reaches the store holds neither the ACS
// token nor the Entra token in any form; a token sealed under a key of the
// list opens, whichever position it has; one sealed under a key nobody has
// any more, or moved to another user's id, is ignored and replaced.
func TestSharedCacheSealsTokens(t *testing.T) {
	ctx := guard(t)
	clk := fake.NewClock(t0)
	rec := &recordingStore{TokenCacheStore: identity.NewMemoryTokenCacheStore(clk)}
	ex := &fakeExchanger{clock: clk}
	entra := &replicaEntra{name: "r", clock: clk}
	cred := func(keys []identity.TokenKey, id string) *identity.TeamsUserCredential {
		cache, err := identity.NewSharedTokenCache(rec, keys)
		require.NoError(t, err)
		c, err := identity.NewTeamsUserCredential(ex, entra, testAppID, testUserID, &identity.TeamsUserCredentialOptions{Clock: clk, SharedCache: cache, SharedCacheID: id})
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	tok, err := cred([]identity.TokenKey{key1}, "user-a").Token(ctx)
	require.NoError(t, err)
	require.Len(t, rec.puts, 1)
	for _, secret := range []string{tok.Token, "entra-token-1-of-r", "acs-token-1", "entra-token"} {
		for _, form := range []string{secret, fmt.Sprintf("%x", secret)} {
			require.False(t, bytes.Contains(rec.puts[0], []byte(form)), "the store holds %q", form)
		}
	}

	// Rotation: the new key first, the old one after, opens the old
	// entry; no exchange.
	got, err := cred([]identity.TokenKey{key2, key1}, "user-a").Token(ctx)
	require.NoError(t, err)
	require.Equal(t, tok.Token, got.Token)
	require.Equal(t, 1, ex.calls())
	// A replica without the old key cannot open it, and exchanges.
	got, err = cred([]identity.TokenKey{key3}, "user-a").Token(ctx)
	require.NoError(t, err)
	require.NotEqual(t, tok.Token, got.Token)
	require.Equal(t, 2, ex.calls())

	// An entry sealed for user-a does not open as user-b's.
	raw, err := rec.TokenCacheStore.Get(ctx, "user-a")
	require.NoError(t, err)
	f, ok, err := rec.TokenCacheStore.Lease(ctx, "user-b", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	_, err = rec.TokenCacheStore.Put(ctx, "user-b", f, raw, time.Hour)
	require.NoError(t, err)
	got, err = cred([]identity.TokenKey{key3}, "user-b").Token(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, ex.calls(), "the moved entry was ignored")
	require.NotEqual(t, raw, rec.puts[len(rec.puts)-1])
	_ = got
}

// TestSharedCacheStoreDown: with the store failing, each replica exchanges
// on its own; when it is back, they share again.
func TestSharedCacheStoreDown(t *testing.T) {
	ctx := guard(t)
	rec := &recordingStore{fail: errors.New("store unreachable")}
	c := newCluster(t, 2, func(s identity.TokenCacheStore) identity.TokenCacheStore {
		rec.TokenCacheStore = s
		return rec
	}, nil)
	_ = c.tokens(t, ctx)
	require.Equal(t, 2, c.ex.calls(), "each replica on its own")
	rec.mu.Lock()
	rec.fail = nil
	rec.mu.Unlock()
	c.clk.Advance(tokenLife - time.Minute)
	toks := c.tokens(t, ctx)
	require.Equal(t, 3, c.ex.calls(), "one exchange again once the store is back")
	require.Equal(t, toks[0], toks[1])
}

// TestSharedCacheSameEntraToken: replicas whose Entra credentials hand out
// the same token (one sign-in cache) never exchange it twice, even when the
// cached ACS token is due.
func TestSharedCacheSameEntraToken(t *testing.T) {
	ctx := guard(t)
	var one *replicaEntra
	c := newCluster(t, 2, nil, func(i int, o *identity.TeamsUserCredentialOptions, e *replicaEntra) {
		if one == nil {
			one = &replicaEntra{name: "sign-in", clock: e.clock}
		}
		e.shared = one
	})
	tok, err := c.creds[0].Token(ctx)
	require.NoError(t, err)
	// The Entra credential does not renew its token before it expires:
	// at the refresh time, the same Entra token gives the same ACS token.
	one.mu.Lock()
	one.n = 0
	one.mu.Unlock()
	c.clk.Advance(tokenLife - identity.DefaultRefreshBefore)
	same := &fixedEntra{tok: azcore.AccessToken{Token: "entra-token-1-of-sign-in", ExpiresOn: t0.Add(tokenLife)}}
	cred, err := identity.NewTeamsUserCredential(c.ex, same, testAppID, testUserID,
		&identity.TeamsUserCredentialOptions{Clock: c.clk, SharedCache: c.cache, SharedCacheID: "resource-1/" + testAppID + "/" + testUserID})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cred.Close() })
	got, err := cred.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, tok.Token, got.Token)
	require.Equal(t, 1, c.ex.calls(), "the same Entra token is not exchanged again")
}

type fixedEntra struct{ tok azcore.AccessToken }

func (f *fixedEntra) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return f.tok, nil
}

func TestSharedCacheArguments(t *testing.T) {
	clk := fake.NewClock(t0)
	store := identity.NewMemoryTokenCacheStore(clk)
	var ae *identity.ArgumentError
	for _, tc := range []struct {
		store identity.TokenCacheStore
		keys  []identity.TokenKey
		arg   string
	}{
		{nil, []identity.TokenKey{key1}, "store"},
		{store, nil, "keys"},
		{store, []identity.TokenKey{{ID: "", Key: key1.Key}}, "keys[0].ID"},
		{store, []identity.TokenKey{{ID: "a b", Key: key1.Key}}, "keys[0].ID"},
		{store, []identity.TokenKey{{ID: strings.Repeat("a", 65), Key: key1.Key}}, "keys[0].ID"},
		{store, []identity.TokenKey{{ID: "k", Key: key1.Key[:16]}}, "keys[0].Key"},
		{store, []identity.TokenKey{key1, {ID: "k1", Key: key2.Key}}, "keys[1].ID"},
	} {
		_, err := identity.NewSharedTokenCache(tc.store, tc.keys)
		require.ErrorAs(t, err, &ae, tc.arg)
		require.Equal(t, tc.arg, ae.Arg)
		require.NotContains(t, err.Error(), string(key1.Key))
	}
	cache, err := identity.NewSharedTokenCache(store, []identity.TokenKey{key1})
	require.NoError(t, err)
	ex, entra := &fakeExchanger{clock: clk}, &fakeEntra{clock: clk}
	_, err = identity.NewTeamsUserCredential(ex, entra, testAppID, testUserID, &identity.TeamsUserCredentialOptions{SharedCache: cache})
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "opts.SharedCacheID", ae.Arg)
	_, err = identity.NewTeamsUserCredential(ex, entra, testAppID, testUserID, &identity.TeamsUserCredentialOptions{SharedCacheID: "x"})
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "opts.SharedCache", ae.Arg)
}
