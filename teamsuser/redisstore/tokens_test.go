package redisstore_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
	"github.com/teamsuser-sdk/teamsuser-go/internal/leakcheck"
	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

var _ identity.TokenCacheStore = (*redisstore.Tokens)(nil)

// TestTokens runs identity's store conformance suite against a real
// redis-server (time passes for real: leases of 200 ms run out).
func TestTokens(t *testing.T) {
	s, _, _ := newStore(t, nil)
	identitytest.TestTokenCacheStore(t, s.Tokens(), time.Sleep)
}

// exchanger hands out ACS tokens that say which exchange made them and
// counts the exchanges.
type exchanger struct {
	mu sync.Mutex
	n  int
}

func (e *exchanger) ExchangeTeamsUserToken(ctx context.Context, req identity.TeamsUserTokenRequest, _ *identity.ExchangeTeamsUserTokenOptions) (identity.ExchangeTeamsUserTokenResponse, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	return identity.ExchangeTeamsUserTokenResponse{AccessToken: identity.AccessToken{
		Token:     fmt.Sprintf("ACS-TOKEN-%d-OF-%s", e.n, req.UserID),
		ExpiresOn: time.Now().Add(time.Hour),
	}}, nil
}

func (e *exchanger) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n
}

// entra is a replica's Entra credential: its own token per replica.
type entra string

func (e entra) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "ENTRA-TOKEN-OF-" + string(e), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

var tokenKey = identity.TokenKey{ID: "k1", Key: bytes.Repeat([]byte{7}, 32)}

// TestTokensSharedByReplicas: three replicas (each its own store on its
// own client, as separate processes) ask for the tokens of 20 users at
// once: one exchange per user, every replica with the same token; Redis
// holds no token, Entra token or user id in clear.
func TestTokensSharedByReplicas(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	ex := &exchanger{}
	const users, replicas = 20, 3
	creds := make([][]*identity.TeamsUserCredential, replicas)
	for r := range replicas {
		s, err := redisstore.New(srv.Client(), nil)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		cache, err := identity.NewSharedTokenCache(s.Tokens(), []identity.TokenKey{tokenKey})
		require.NoError(t, err)
		for u := range users {
			user := fmt.Sprintf("user-%02d", u)
			c, err := identity.NewTeamsUserCredential(ex, entra(fmt.Sprintf("%s-on-replica-%d", user, r)), "app", user,
				&identity.TeamsUserCredentialOptions{SharedCache: cache, SharedCacheID: "res/app/" + user})
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			creds[r] = append(creds[r], c)
		}
	}
	got := make([][]string, replicas)
	var wg sync.WaitGroup
	for r := range replicas {
		got[r] = make([]string, users)
		for u := range users {
			wg.Go(func() {
				tok, err := creds[r][u].Token(ctx)
				require.NoError(t, err)
				got[r][u] = tok.Token
			})
		}
	}
	wg.Wait()
	require.Equal(t, users, ex.count(), "one exchange per user for the cluster")
	for u := range users {
		for r := range replicas {
			require.Equal(t, got[0][u], got[r][u])
		}
	}

	rdb := srv.Client()
	keys := rdb.Keys(ctx, "*").Val()
	require.NotEmpty(t, keys)
	for _, k := range keys {
		require.NotContains(t, k, "user-", "no user id in a key")
		var raw string
		switch rdb.Type(ctx, k).Val() {
		case "string":
			raw = rdb.Get(ctx, k).Val()
		default:
			t.Fatalf("key %s of type %s", k, rdb.Type(ctx, k).Val())
		}
		for _, secret := range []string{"ACS-TOKEN", "ENTRA-TOKEN", "user-"} {
			require.NotContains(t, raw, secret, "key %s holds it in clear", k)
		}
		require.Greater(t, rdb.PTTL(ctx, k).Val(), time.Duration(0), "key %s has a TTL", k)
	}
	require.True(t, strings.HasPrefix(keys[0], redisstore.DefaultPrefix))
}

// TestTokensOutage: while Redis is down each replica exchanges for itself
// (the credentials still answer); after Redis restarts, empty, the
// replicas share again: one exchange for the cluster.
func TestTokensOutage(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	ex := &exchanger{}
	var caches []*identity.SharedTokenCache
	for range 2 {
		s, err := redisstore.New(srv.Client(), nil)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		cache, err := identity.NewSharedTokenCache(s.Tokens(), []identity.TokenKey{tokenKey})
		require.NoError(t, err)
		caches = append(caches, cache)
	}
	// round asks both replicas for the user's token through new
	// credentials (nothing cached in the process) and returns the tokens.
	round := func() []string {
		var out []string
		for r, cache := range caches {
			c, err := identity.NewTeamsUserCredential(ex, entra(fmt.Sprintf("replica-%d-%d", r, ex.count())), "app", "user-1",
				&identity.TeamsUserCredentialOptions{SharedCache: cache, SharedCacheID: "res/app/user-1"})
			require.NoError(t, err)
			tok, err := c.Token(ctx)
			require.NoError(t, err)
			require.NoError(t, c.Close())
			out = append(out, tok.Token)
		}
		return out
	}
	toks := round()
	require.Equal(t, 1, ex.count())
	require.Equal(t, toks[0], toks[1])

	srv.Stop()
	toks = round()
	require.Equal(t, 3, ex.count(), "Redis down: each replica exchanges for itself")
	require.NotEqual(t, toks[0], toks[1])

	srv.Restart()
	toks = round()
	require.Equal(t, 4, ex.count(), "Redis back, empty: one exchange, shared again")
	require.Equal(t, toks[0], toks[1])
}

// TestCloseEndsTheSubscription: the store's subscription to the ends of
// token leases (started by the first Wait) and go-redis's goroutines behind
// it end with Close; none outlives the store.
func TestCloseEndsTheSubscription(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	check := leakcheck.Start(t)
	rdb := srv.Client()
	s, err := redisstore.New(rdb, nil)
	require.NoError(t, err)
	toks := s.Tokens()
	fence, ok, err := toks.Lease(ctx, "user", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	waited := make(chan error, 1)
	go func() { waited <- toks.Wait(ctx, "user") }()
	// Released by another replica: the published end wakes the waiter.
	otherRDB := srv.Client()
	other, err := redisstore.New(otherRDB, nil)
	require.NoError(t, err)
	require.NoError(t, other.Tokens().Release(ctx, "user", fence))
	require.NoError(t, <-waited)
	require.NoError(t, other.Close())
	require.NoError(t, otherRDB.Close())
	require.NoError(t, s.Close())
	require.ErrorIs(t, toks.Wait(ctx, "user"), redisstore.ErrClosed)
	require.NoError(t, rdb.Close())
	check()
}
