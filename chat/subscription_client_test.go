package chat_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// hookServer serves a NotificationHandler on loopback at /hook and
// /lifecycle.
func hookServer(t *testing.T, h *chat.NotificationHandler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/hook", h)
	mux.Handle("/lifecycle", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// lateHandler lets a server start before its handler exists.
type lateHandler struct{ h http.Handler }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { l.h.ServeHTTP(w, r) }

func nextNotification(t *testing.T, h *chat.NotificationHandler) chat.Notification {
	t.Helper()
	select {
	case n := <-h.Notifications():
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no notification arrived")
		return chat.Notification{}
	}
}

func TestSubscriptionEndToEnd(t *testing.T) {
	g := newFakeGraph(t)
	alice := g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock })
	ctx := context.Background()
	chatID := g.seeded.Meeting.ChatID

	late := &lateHandler{}
	mux := http.NewServeMux()
	mux.Handle("/", late)
	hooks := httptest.NewServer(mux)
	t.Cleanup(hooks.Close)

	mgr, err := chat.NewSubscriptionManager(alice, hooks.URL+"/hook", &chat.SubscriptionManagerOptions{
		LifecycleNotificationURL: hooks.URL + "/lifecycle",
	})
	require.NoError(t, err)
	h, err := chat.NewNotificationHandler(mgr, nil)
	require.NoError(t, err)
	late.h = h

	sub, err := mgr.Subscribe(ctx, chat.ChatMessagesResource(chatID))
	require.NoError(t, err, "the fake validated both URLs through the handler")
	require.NotEmpty(t, sub.ID)
	require.Equal(t, g.clock.Now().Add(24*time.Hour), sub.ExpiresAt, "24 h with a lifecycle URL")
	subs := g.svc.Subscriptions()
	require.Len(t, subs, 1)
	state := subs[0].ClientState
	require.Len(t, state, 43, "a random 32-byte client state")
	ok, err := mgr.CheckClientState(ctx, sub.ID, state)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = mgr.CheckClientState(ctx, sub.ID, state[1:]+"x")
	require.NoError(t, err)
	require.False(t, ok)
	var listed []chat.Subscription
	for s, err := range alice.ListSubscriptions(ctx, nil) {
		require.NoError(t, err)
		listed = append(listed, s)
	}
	require.Len(t, listed, 1)
	require.Equal(t, sub.ID, listed[0].ID)
	require.Equal(t, hooks.URL+"/hook", listed[0].NotificationURL)
	require.Equal(t, chat.ChatMessagesResource(chatID), listed[0].Resource)
	again, err := mgr.Subscribe(ctx, chat.ChatMessagesResource(chatID))
	require.NoError(t, err)
	require.Equal(t, sub.ID, again.ID, "one subscription per resource")
	require.Len(t, g.svc.Subscriptions(), 1)

	// Bob writes: Alice's webhook hears of it.
	posted, err := g.svc.Post(g.seeded.Bob.ID, chatID, "are you there?")
	require.NoError(t, err)
	require.NoError(t, g.svc.Flush(ctx))
	n := nextNotification(t, h)
	require.Equal(t, chat.NotificationCreated, n.Kind)
	require.Equal(t, sub.ID, n.SubscriptionID)
	require.Equal(t, chatID, n.ChatID)
	require.Equal(t, posted.ID, n.MessageID)
	require.False(t, n.IsLifecycle())
	got, err := alice.GetMessage(ctx, n.ChatID, n.MessageID, nil)
	require.NoError(t, err)
	require.Equal(t, "are you there?", got.Message.Body.Content)

	// Lifecycle: reauthorization renews the subscription.
	updatesBefore, _ := g.svc.CountRequests(fake.OpUpdateSubscription)
	require.NoError(t, g.svc.SendLifecycleNotification(sub.ID, "reauthorizationRequired"))
	require.NoError(t, g.svc.Flush(ctx))
	n = nextNotification(t, h)
	require.Equal(t, chat.NotificationReauthorizationRequired, n.Kind)
	require.True(t, n.IsLifecycle())
	require.NoError(t, mgr.Handle(ctx, n))
	updates, _ := g.svc.CountRequests(fake.OpUpdateSubscription)
	require.Equal(t, updatesBefore+1, updates)

	// Lifecycle: a removed subscription is created again.
	require.NoError(t, g.svc.SendLifecycleNotification(sub.ID, "subscriptionRemoved"))
	require.NoError(t, g.svc.Flush(ctx))
	n = nextNotification(t, h)
	require.Equal(t, chat.NotificationSubscriptionRemoved, n.Kind)
	require.NoError(t, mgr.Handle(ctx, n))
	now, err := mgr.Subscriptions(ctx)
	require.NoError(t, err)
	require.Len(t, now, 1)
	require.NotEqual(t, sub.ID, now[0].ID)
	ok, err = mgr.CheckClientState(ctx, sub.ID, state)
	require.NoError(t, err)
	require.False(t, ok, "the old subscription's notifications are refused from now on")
	require.Len(t, g.svc.Subscriptions(), 1)

	// UnsubscribeAll deletes what is left.
	require.NoError(t, mgr.UnsubscribeAll(ctx))
	require.Empty(t, g.svc.Subscriptions())
	now, err = mgr.Subscriptions(ctx)
	require.NoError(t, err)
	require.Empty(t, now)
}

func TestSubscriptionManagerRenewsBeforeExpiry(t *testing.T) {
	g := newFakeGraph(t)
	alice := g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock })
	ctx := context.Background()
	h, err := chat.NewNotificationHandler(chat.OneClientState("unused-by-this-test"), nil)
	require.NoError(t, err)
	hooks := hookServer(t, h)
	failures := make(chan error, 10)
	mgr, err := chat.NewSubscriptionManager(alice, hooks.URL+"/hook", &chat.SubscriptionManagerOptions{
		Clock:   g.clock,
		OnError: func(_ string, err error) { failures <- err },
	})
	require.NoError(t, err)
	sub, err := mgr.Subscribe(ctx, chat.ChatMessagesResource(g.seeded.Meeting.ChatID))
	require.NoError(t, err)
	require.Equal(t, g.clock.Now().Add(55*time.Minute), sub.ExpiresAt, "55 min without a lifecycle URL")

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Run(runCtx) }()
	wait, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	updates := func() int { n, _ := g.svc.CountRequests(fake.OpUpdateSubscription); return n }
	// set moves the clock and waits until Run has looked at the schedule
	// again and armed its next timer.
	set := func(at time.Time) {
		t.Helper()
		require.NoError(t, g.clock.BlockUntil(wait, 1))
		g.clock.Set(at)
		require.NoError(t, g.clock.BlockUntil(wait, 1))
	}

	for round := 1; round <= 3; round++ {
		due := g.svc.Subscriptions()[0].ExpiresAt.Add(-55 * time.Minute / 4)
		before := updates()
		set(due.Add(-time.Second))
		require.Equal(t, before, updates(), "round %d: not renewed before a quarter of the lifetime before expiry", round)
		set(due)
		require.Equal(t, before+1, updates(), "round %d", round)
		require.Equal(t, due.Add(55*time.Minute), g.svc.Subscriptions()[0].ExpiresAt, "round %d", round)
	}
	// A failing renewal is reported and tried again later.
	g.svc.InjectFault(fake.Fault{Op: fake.OpUpdateSubscription, Status: 503, RetryAfter: 30 * time.Second})
	set(g.svc.Subscriptions()[0].ExpiresAt.Add(-55 * time.Minute / 4))
	require.Len(t, failures, 1)
	require.Equal(t, 503, chat.StatusCode(<-failures))
	failedAt, before := g.clock.Now(), updates()
	set(failedAt.Add(29 * time.Second))
	require.Equal(t, before, updates(), "the next try honours Retry-After")
	set(failedAt.Add(30 * time.Second))
	require.Equal(t, before+1, updates())
	require.Equal(t, g.clock.Now().Add(55*time.Minute), g.svc.Subscriptions()[0].ExpiresAt)

	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}

func TestSubscriptionArgumentsCheckedBeforeSending(t *testing.T) {
	g := newFakeGraph(t)
	alice := g.client(t, g.seeded.Alice, nil)
	ctx := context.Background()
	res := chat.ChatMessagesResource(g.seeded.Meeting.ChatID)
	hook := "https://hooks.contoso.example/graph"
	cases := map[string]struct {
		resource, url, state string
		opts                 *chat.CreateSubscriptionOptions
		arg                  string
	}{
		"over 1h without lifecycle url": {res, hook, "s3cret", &chat.CreateSubscriptionOptions{Lifetime: 2 * time.Hour}, "opts.Lifetime"},
		"over the maximum":              {res, hook, "s3cret", &chat.CreateSubscriptionOptions{Lifetime: 4 * 24 * time.Hour, LifecycleNotificationURL: hook}, "opts.Lifetime"},
		"too short":                     {res, hook, "s3cret", &chat.CreateSubscriptionOptions{Lifetime: time.Second}, "opts.Lifetime"},
		"no client state":               {res, hook, "", nil, "clientState"},
		"long client state":             {res, hook, strings.Repeat("x", 129), nil, "clientState"},
		"http url":                      {res, "http://hooks.contoso.example/graph", "s3cret", nil, "notificationURL"},
		"relative url":                  {res, "/graph", "s3cret", nil, "notificationURL"},
		"bad resource":                  {"/me/events", hook, "s3cret", nil, "resource"},
		"channel id as chat":            {"/chats/19:abc@thread.tacv2/messages", hook, "s3cret", nil, "resource"},
		"bad change type":               {res, hook, "s3cret", &chat.CreateSubscriptionOptions{ChangeTypes: []chat.ChangeType{"moved"}}, "opts.ChangeTypes"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := alice.CreateSubscription(ctx, tc.resource, tc.url, tc.state, tc.opts)
			var ae *chat.ArgumentError
			require.True(t, errors.As(err, &ae), "%v", err)
			require.Equal(t, tc.arg, ae.Arg)
			require.NotContains(t, err.Error(), "s3cret")
		})
	}
	total, _ := g.svc.CountRequests(fake.OpCreateSubscription)
	require.Zero(t, total, "nothing was sent")

	// The same rules apply to renewals.
	_, err := alice.RenewSubscription(ctx, "sub-1", 2*time.Hour, nil)
	var ae *chat.ArgumentError
	require.True(t, errors.As(err, &ae))
	_, err = chat.NewSubscriptionManager(alice, hook, &chat.SubscriptionManagerOptions{Lifetime: 3 * time.Hour})
	require.True(t, errors.As(err, &ae))
}

// TestSubscriptionShortLifetimeRaised: Graph raises an expiry under 45
// minutes from the request to 45 minutes
// (https://learn.microsoft.com/graph/api/resources/subscription,
// "Subscription lifetime"), on creation and on renewal; the client reports
// the expiry Graph granted, not the one it asked for.
func TestSubscriptionShortLifetimeRaised(t *testing.T) {
	g := newFakeGraph(t)
	alice := g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock })
	ctx := context.Background()
	h, err := chat.NewNotificationHandler(chat.OneClientState("s3cret"), nil)
	require.NoError(t, err)
	hooks := hookServer(t, h)
	resp, err := alice.CreateSubscription(ctx, chat.ChatMessagesResource(g.seeded.Meeting.ChatID), hooks.URL+"/hook", "s3cret",
		&chat.CreateSubscriptionOptions{Lifetime: 10 * time.Minute})
	require.NoError(t, err)
	require.Equal(t, g.clock.Now().Add(45*time.Minute), resp.Subscription.ExpiresAt, "10 min is raised to 45")
	g.clock.Advance(20 * time.Minute)
	renewed, err := alice.RenewSubscription(ctx, resp.Subscription.ID, 5*time.Minute, nil)
	require.NoError(t, err)
	require.Equal(t, g.clock.Now().Add(45*time.Minute), renewed.Subscription.ExpiresAt, "a renewal of 5 min is raised to 45")
}
