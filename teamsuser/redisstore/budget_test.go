package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

var _ identity.ExchangeBudgetStore = (*redisstore.Budget)(nil)

func TestBudget(t *testing.T) {
	s, _, _ := newStore(t, nil)
	identitytest.TestExchangeBudgetStore(t, s.Budget())
}

func TestBudgetKeys(t *testing.T) {
	ctx := context.Background()
	s, srv, rdb := newStore(t, nil)
	now := time.Unix(1_800_000_000, 0)
	for i := range 3 {
		_, ok, err := s.Budget().Reserve(ctx, "contoso.communication.azure.com", 2, 30*time.Second, now, 0)
		require.NoError(t, err)
		require.Equal(t, i < 2, ok)
	}
	keys := rdb.Keys(ctx, "*").Val()
	require.Equal(t, []string{"teamsuser:budget:{contoso.communication.azure.com}"}, keys)
	require.EqualValues(t, 2, rdb.ZCard(ctx, keys[0]).Val(), "nothing recorded for the refused one")
	ttl := rdb.PTTL(ctx, keys[0]).Val()
	require.Positive(t, ttl, "the window has a TTL")
	require.LessOrEqual(t, ttl, 30*time.Second)

	var ae *redisstore.ArgumentError
	for _, tc := range []struct {
		key    string
		limit  int
		window time.Duration
	}{{"", 1, time.Second}, {"k", 0, time.Second}, {"k", 1, 0}} {
		_, _, err := s.Budget().Reserve(ctx, tc.key, tc.limit, tc.window, now, 0)
		require.ErrorAs(t, err, &ae)
	}

	srv.Stop()
	_, _, err := s.Budget().Reserve(ctx, "contoso.communication.azure.com", 2, 30*time.Second, now, 0)
	require.ErrorContains(t, err, "redisstore: reserve an exchange")
	srv.Restart()
	_, ok, err := s.Budget().Reserve(ctx, "contoso.communication.azure.com", 2, 30*time.Second, now, 0)
	require.NoError(t, err)
	require.True(t, ok, "a restarted Redis has forgotten the window")
}
