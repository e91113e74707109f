package chat_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/chat/fake"
)

// TestWatchPresence: a subscription to the presence of a list of users
// (changenotifications-for-presence) through the SubscriptionManager and
// NotificationHandler: each change of a watched user's availability or
// activity — set through the HTTP face, the Go face or the fake's own
// control, or made by the clock (a session expiring) — arrives as a typed
// presence notification; a change that leaves the aggregated presence as it
// was, and users not watched, notify nothing. The subscription reports
// "updated" only and lasts at most an hour.
func TestWatchPresence(t *testing.T) {
	g := newFakeGraph(t)
	sd := g.seeded
	ctx := context.Background()
	alice := g.client(t, sd.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock })
	bob := g.client(t, sd.Bob, nil)               // the HTTP face
	carol := g.svc.As(sd.Carol.ID)                // the Go face
	g.svc.SetPresence(sd.Bob.ID, chat.Presence{}) // nobody signed in to Teams
	g.svc.SetPresence(sd.Carol.ID, chat.Presence{})

	late := &lateHandler{}
	hooks := httptest.NewServer(late)
	t.Cleanup(hooks.Close)
	mgr, err := chat.NewSubscriptionManager(alice, hooks.URL+"/hook", &chat.SubscriptionManagerOptions{
		LifecycleNotificationURL: hooks.URL + "/lifecycle", // messages would last 24 h; presence an hour at most
	})
	require.NoError(t, err)
	h, err := chat.NewNotificationHandler(mgr, nil)
	require.NoError(t, err)
	late.h = h

	res := chat.PresencesResource(sd.Bob.ID, sd.Carol.ID)
	require.Equal(t, "/communications/presences?$filter=id in ('"+sd.Bob.ID+"','"+sd.Carol.ID+"')", res)
	sub, err := mgr.Subscribe(ctx, res)
	require.NoError(t, err)
	require.Equal(t, g.clock.Now().Add(55*time.Minute), sub.ExpiresAt, "a presence subscription lasts at most an hour")
	subs := g.svc.Subscriptions()
	require.Len(t, subs, 1)
	require.Equal(t, []string{"updated"}, subs[0].ChangeTypes)

	next := func(what string, user string) chat.Notification {
		t.Helper()
		require.NoError(t, g.svc.Flush(ctx))
		n := nextNotification(t, h)
		require.Equal(t, chat.ResourcePresence, n.Type, what)
		require.Equal(t, chat.NotificationUpdated, n.Kind, what)
		require.Equal(t, sub.ID, n.SubscriptionID, what)
		require.True(t, strings.EqualFold(user, n.UserID), "%s: notified of %s", what, n.UserID)
		return n
	}
	none := func(what string) {
		t.Helper()
		require.NoError(t, g.svc.Flush(ctx))
		select {
		case n := <-h.Notifications():
			t.Fatalf("%s: notified %+v", what, n)
		default:
		}
	}

	_, err = bob.SetPresence(ctx, "", chat.AvailabilityBusy, chat.ActivityInACall, &chat.SetPresenceOptions{Expiration: time.Hour})
	require.NoError(t, err)
	n := next("Bob in a call (HTTP face)", sd.Bob.ID)
	p, err := alice.GetPresence(ctx, n.UserID, nil)
	require.NoError(t, err)
	require.Equal(t, chat.AvailabilityBusy, p.Presence.Availability)
	require.Equal(t, chat.ActivityInACall, p.Presence.Activity)

	_, err = carol.SetPresence(ctx, "", chat.AvailabilityAway, chat.ActivityAway, nil) // the default 5 minutes
	require.NoError(t, err)
	next("Carol away (Go face)", sd.Carol.ID)

	g.svc.SetPresence(sd.Dave.ID, chat.Presence{Availability: chat.AvailabilityBusy, Activity: chat.ActivityBusy})
	none("Dave is not watched")
	g.svc.SetPresence(sd.Bob.ID, chat.Presence{Availability: chat.AvailabilityAvailable, Activity: chat.ActivityAvailable})
	none("Bob's Teams client is Available, his call session ranks above it")
	_, err = bob.ClearPresence(ctx, "", nil)
	require.NoError(t, err)
	next("Bob's call session cleared: his Teams client's Available", sd.Bob.ID)
	g.svc.SetPresence(sd.Bob.ID, chat.Presence{Availability: chat.AvailabilityDoNotDisturb, Activity: chat.ActivityPresenting})
	next("Bob presenting (the fake's control)", sd.Bob.ID)

	g.clock.Advance(6 * time.Minute)
	next("Carol's session expired", sd.Carol.ID)
	p, err = alice.GetPresence(ctx, sd.Carol.ID, nil)
	require.NoError(t, err)
	require.Equal(t, chat.AvailabilityOffline, p.Presence.Availability)
	none("nothing else changed")

	// Limits, before anything is sent.
	var argErr *chat.ArgumentError
	_, err = alice.CreateSubscription(ctx, res, hooks.URL+"/hook", "a-client-state-of-enough-length", &chat.CreateSubscriptionOptions{Lifetime: 2 * time.Hour, LifecycleNotificationURL: hooks.URL + "/lifecycle"})
	require.ErrorAs(t, err, &argErr, "a presence subscription of 2 h")
	_, err = alice.CreateSubscription(ctx, res, hooks.URL+"/hook", "a-client-state-of-enough-length", &chat.CreateSubscriptionOptions{ChangeTypes: []chat.ChangeType{chat.ChangeCreated}})
	require.ErrorAs(t, err, &argErr, "created on presence")
	many := make([]string, chat.MaxPresenceSubscriptionUsers+1)
	for i := range many {
		many[i] = fmt.Sprintf("00000000-0000-4000-8000-%012x", i)
	}
	_, err = mgr.Subscribe(ctx, chat.PresencesResource(many...))
	require.ErrorAs(t, err, &argErr, "651 users")
	_, err = mgr.Subscribe(ctx, chat.PresencesResource(sd.Bob.UPN))
	require.ErrorAs(t, err, &argErr, "a principal name")
	_, err = mgr.Subscribe(ctx, chat.PresencesResource())
	require.ErrorAs(t, err, &argErr, "nobody")

	// Graph's own limits on the wire: more than an hour is 400.
	_, err = alice.RenewSubscription(ctx, sub.ID, 2*time.Hour, &chat.RenewSubscriptionOptions{HasLifecycleURL: true})
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusBadRequest, re.StatusCode)
}

// TestSubscriptionManagerRenewsPresenceHourly: one manager keeps a message
// subscription of 24 hours (it has a lifecycle URL) and a presence
// subscription, which lasts at most an hour: the presence one gets 55
// minutes and is renewed a quarter of that before it expires, for 55
// minutes again; the message subscription is left alone meanwhile.
func TestSubscriptionManagerRenewsPresenceHourly(t *testing.T) {
	g := newFakeGraph(t)
	alice := g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock })
	ctx := context.Background()
	h, err := chat.NewNotificationHandler(chat.OneClientState("unused-by-this-test"), nil)
	require.NoError(t, err)
	hooks := hookServer(t, h)
	mgr, err := chat.NewSubscriptionManager(alice, hooks.URL+"/hook", &chat.SubscriptionManagerOptions{
		Clock: g.clock, LifecycleNotificationURL: hooks.URL + "/lifecycle",
	})
	require.NoError(t, err)
	msgs, err := mgr.Subscribe(ctx, chat.ChatMessagesResource(g.seeded.Meeting.ChatID))
	require.NoError(t, err)
	require.Equal(t, g.clock.Now().Add(24*time.Hour), msgs.ExpiresAt)
	pres, err := mgr.Subscribe(ctx, chat.PresencesResource(g.seeded.Bob.ID))
	require.NoError(t, err)
	require.Equal(t, g.clock.Now().Add(55*time.Minute), pres.ExpiresAt)

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Run(runCtx) }()
	wait, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	updates := func() int { n, _ := g.svc.CountRequests(fake.OpUpdateSubscription); return n }
	set := func(at time.Time) {
		t.Helper()
		require.NoError(t, g.clock.BlockUntil(wait, 1))
		g.clock.Set(at)
		require.NoError(t, g.clock.BlockUntil(wait, 1))
	}
	expiry := func(id string) time.Time {
		for _, s := range g.svc.Subscriptions() {
			if s.ID == id {
				return s.ExpiresAt
			}
		}
		t.Fatalf("subscription %s is gone", id)
		return time.Time{}
	}
	for round := 1; round <= 2; round++ {
		due := expiry(pres.ID).Add(-55 * time.Minute / 4)
		before := updates()
		set(due.Add(-time.Second))
		require.Equal(t, before, updates(), "round %d: renewed early", round)
		set(due)
		require.Equal(t, before+1, updates(), "round %d", round)
		require.Equal(t, due.Add(55*time.Minute), expiry(pres.ID), "round %d", round)
		require.Equal(t, msgs.ExpiresAt, expiry(msgs.ID), "round %d: the message subscription is not renewed", round)
	}
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
}
