package redisstore_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/chattest"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/redistest"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/redisstore"
)

func TestChatSubscriptionsConformance(t *testing.T) {
	srv := redistest.Start(t)
	rdb := srv.Client()
	s, err := redisstore.New(rdb, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	n := 0
	chattest.TestSubscriptionStore(t, func(t *testing.T) chat.SubscriptionStore {
		n++
		cs, err := s.ChatSubscriptions("conformance-" + strings.Repeat("x", n))
		require.NoError(t, err)
		return cs
	})
}

func TestChatSubscriptionsArguments(t *testing.T) {
	s, _, _ := newStore(t, nil)
	var ae *redisstore.ArgumentError
	for _, name := range []string{"", "a{b", "a}b", strings.Repeat("n", 201)} {
		_, err := s.ChatSubscriptions(name)
		require.ErrorAs(t, err, &ae, name)
		require.Equal(t, "name", ae.Arg)
	}
	cs, err := s.ChatSubscriptions("alice")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, _, err = cs.Lease(context.Background(), "leader", "h", time.Second)
	require.ErrorIs(t, err, redisstore.ErrClosed)
}

// TestChatSubscriptionsAtRest: what a manager writes to Redis for its
// subscription holds the digest of the client state, never the state in
// any form; every key it leaves has a TTL, under the store's prefix.
func TestChatSubscriptionsAtRest(t *testing.T) {
	ctx := context.Background()
	s, _, rdb := newStore(t, &redisstore.Options{Prefix: "contoso:"})
	cs, err := s.ChatSubscriptions("alice")
	require.NoError(t, err)

	graph, seeded := chatfake.NewSeeded(nil)
	t.Cleanup(func() { _ = graph.Close() })
	gsrv := httptest.NewServer(graph.Handler())
	t.Cleanup(gsrv.Close)
	client, err := chat.NewClient(graph.CredentialFor(seeded.Alice.ID), &chat.ClientOptions{BaseURL: gsrv.URL + "/v1.0", UserID: seeded.Alice.ID})
	require.NoError(t, err)
	var hook http.Handler = http.NotFoundHandler()
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hook.ServeHTTP(w, r) }))
	t.Cleanup(hooks.Close)
	mgr, err := chat.NewSubscriptionManager(client, hooks.URL+"/hook", &chat.SubscriptionManagerOptions{Store: cs})
	require.NoError(t, err)
	h, err := chat.NewNotificationHandler(mgr, nil)
	require.NoError(t, err)
	hook = h

	sub, err := mgr.Subscribe(ctx, chat.ChatMessagesResource(seeded.Meeting.ChatID))
	require.NoError(t, err)
	state := graph.Subscriptions()[0].ClientState
	ok, err := mgr.CheckClientState(ctx, sub.ID, state)
	require.NoError(t, err)
	require.True(t, ok)

	raw, _ := base64.RawURLEncoding.DecodeString(state)
	forms := []string{state, base64.StdEncoding.EncodeToString(raw), hex.EncodeToString(raw), string(raw)}
	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	for _, k := range keys {
		require.True(t, strings.HasPrefix(k, "contoso:chat:{alice}:"), k)
		ttl, err := rdb.PTTL(ctx, k).Result()
		require.NoError(t, err)
		require.Positive(t, ttl, "key %s has no TTL", k)
		var vals []string
		switch typ := rdb.Type(ctx, k).Val(); typ {
		case "string":
			vals = append(vals, rdb.Get(ctx, k).Val())
		case "hash":
			for f, v := range rdb.HGetAll(ctx, k).Val() {
				vals = append(vals, f, v)
			}
		case "zset":
			vals = rdb.ZRange(ctx, k, 0, -1).Val()
		default:
			t.Fatalf("key %s of type %s", k, typ)
		}
		for _, v := range vals {
			for _, f := range forms {
				require.NotContains(t, v, f, "key %s holds the client state", k)
			}
		}
	}
}

// TestChatSubscriptionsTokensGrowAcrossAnEmptyRestart: a Redis that comes
// back empty starts the fencing counter from its clock, above the tokens it
// handed out before, so a holder from before cannot pass for a later one.
func TestChatSubscriptionsTokensGrowAcrossAnEmptyRestart(t *testing.T) {
	ctx := context.Background()
	s, srv, _ := newStore(t, nil)
	cs, err := s.ChatSubscriptions("alice")
	require.NoError(t, err)
	var last uint64
	for range 3 {
		l, ok, err := cs.Lease(ctx, "leader", "h1", time.Minute)
		require.NoError(t, err)
		require.True(t, ok)
		require.Greater(t, l.Token, last)
		require.NoError(t, cs.ReleaseLease(ctx, l))
		last = l.Token
	}
	srv.Restart()
	var l chat.Lease
	require.Eventually(t, func() bool {
		var ok bool
		l, ok, err = cs.Lease(ctx, "leader", "h2", time.Minute)
		return err == nil && ok
	}, 10*time.Second, 10*time.Millisecond, "the store works again after the restart")
	require.Greater(t, l.Token, last)
}

// TestChatSubscriptionsOutage: while Redis is down every call fails with
// the store's error (the manager then goes on as chat.SubscriptionStore
// says), never as if the record were missing; a Redis that comes back empty
// has lost the records (the leader finds them again at Graph) and hands out
// a lease again.
func TestChatSubscriptionsOutage(t *testing.T) {
	ctx := context.Background()
	s, srv, _ := newStore(t, nil)
	cs, err := s.ChatSubscriptions("alice")
	require.NoError(t, err)
	l, ok, err := cs.Lease(ctx, "leader", "h1", time.Minute)
	require.NoError(t, err)
	require.True(t, ok)
	rec := chat.SubscriptionRecord{Subscription: chat.Subscription{
		ID: "sub-1", Resource: "/chats/19:a@thread.v2/messages", ExpiresAt: time.Now().Add(time.Hour),
	}}
	ok, err = cs.Put(ctx, rec, "", l)
	require.NoError(t, err)
	require.True(t, ok)

	srv.Stop()
	calls := map[string]func() error{
		"Lease":         func() error { _, _, err := cs.Lease(ctx, "leader", "h1", time.Minute); return err },
		"ReleaseLease":  func() error { return cs.ReleaseLease(ctx, l) },
		"Subscription":  func() error { _, _, err := cs.Subscription(ctx, "sub-1"); return err },
		"Resource":      func() error { _, _, err := cs.Resource(ctx, rec.Subscription.Resource); return err },
		"Subscriptions": func() error { _, err := cs.Subscriptions(ctx); return err },
		"Put":           func() error { _, err := cs.Put(ctx, rec, "sub-1", l); return err },
		"Delete":        func() error { _, err := cs.Delete(ctx, rec.Subscription.Resource, "sub-1", l); return err },
	}
	for name, call := range calls {
		err := call()
		require.ErrorContains(t, err, "redisstore: chat subscriptions: ", name)
		require.NotErrorIs(t, err, redisstore.ErrClosed, name)
	}

	srv.Restart()
	require.Eventually(t, func() bool {
		_, found, err := cs.Subscription(ctx, "sub-1")
		return err == nil && !found
	}, 10*time.Second, 10*time.Millisecond, "Redis back, empty: the record is gone, and said so without an error")
	l2, ok, err := cs.Lease(ctx, "leader", "h2", time.Minute)
	require.NoError(t, err)
	require.True(t, ok, "the lease of before is gone with the rest")
	require.Greater(t, l2.Token, l.Token)
	ok, err = cs.Put(ctx, rec, "", l)
	require.NoError(t, err)
	require.False(t, ok, "a write under the lease of before is refused")
}
