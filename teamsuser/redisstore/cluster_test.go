package redisstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling/callingtest"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/chattest"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice/tokenservicetest"
)

// TestOnACluster runs every store's conformance suite through a
// redis.ClusterClient on a Redis in cluster mode, where a script whose keys
// fall in two hash slots fails with CROSSSLOT (Azure Cache for Redis
// clustered, Azure Managed Redis with the OSS policy, any Redis Cluster);
// the ends of token leases are published from a script and heard through
// the cluster client's subscription; and credentials on three stores share
// one exchange per user.
func TestOnACluster(t *testing.T) {
	srv := redistest.StartCluster(t)
	newClusterStore := func(t *testing.T) *redisstore.Store {
		s, err := redisstore.New(srv.ClusterClient(), &redisstore.Options{Prefix: "contoso:"})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, s.Close()) })
		return s
	}
	s := newClusterStore(t)
	t.Run("Tokens", func(t *testing.T) { identitytest.TestTokenCacheStore(t, s.Tokens(), time.Sleep) })
	t.Run("Budget", func(t *testing.T) { identitytest.TestExchangeBudgetStore(t, s.Budget()) })
	t.Run("RateLimits", func(t *testing.T) { tokenservicetest.TestRateLimitStore(t, s.RateLimits()) })
	t.Run("Calls", func(t *testing.T) { callingtest.TestVersionedStore(t, s.Calls()) })
	t.Run("ChatSubscriptions", func(t *testing.T) {
		n := 0
		chattest.TestSubscriptionStore(t, func(t *testing.T) chat.SubscriptionStore {
			n++
			cs, err := s.ChatSubscriptions("cluster-" + strings.Repeat("x", n))
			require.NoError(t, err)
			return cs
		})
	})
	t.Run("SharedTokens", func(t *testing.T) {
		ctx := context.Background()
		ex := &exchanger{}
		var creds []*identity.TeamsUserCredential
		for r := range 3 {
			cache, err := identity.NewSharedTokenCache(newClusterStore(t).Tokens(), []identity.TokenKey{tokenKey})
			require.NoError(t, err)
			for u := range 5 {
				c, err := identity.NewTeamsUserCredential(ex, entra(fmt.Sprintf("user-%d-on-replica-%d", u, r)), "app", fmt.Sprintf("user-%d", u),
					&identity.TeamsUserCredentialOptions{SharedCache: cache, SharedCacheID: fmt.Sprintf("res/app/user-%d", u)})
				require.NoError(t, err)
				t.Cleanup(func() { _ = c.Close() })
				creds = append(creds, c)
			}
		}
		errs := make(chan error, len(creds))
		for _, c := range creds {
			go func() { _, err := c.Token(ctx); errs <- err }()
		}
		for range creds {
			require.NoError(t, <-errs)
		}
		require.Equal(t, 5, ex.count(), "one exchange per user for the three replicas")
	})
}
