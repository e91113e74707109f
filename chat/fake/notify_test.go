package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// webhook is a notification endpoint that answers validations and records
// notification collections.
type webhook struct {
	srv    *httptest.Server
	mu     sync.Mutex
	tokens []string
	got    []gw.NotificationCollection
	echo   func(token string) (int, string) // nil answers correctly
}

func newWebhook(t *testing.T) *webhook {
	w := &webhook{}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			w.mu.Lock()
			w.tokens = append(w.tokens, tok)
			echo := w.echo
			w.mu.Unlock()
			status, body := http.StatusOK, tok
			if echo != nil {
				status, body = echo(tok)
			}
			rw.Header().Set("Content-Type", "text/plain")
			rw.WriteHeader(status)
			_, _ = io.WriteString(rw, body)
			return
		}
		b, _ := io.ReadAll(r.Body)
		col, err := gw.DecodeNotifications(b)
		if err != nil {
			rw.WriteHeader(http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		w.got = append(w.got, col)
		w.mu.Unlock()
		rw.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhook) notifications() []gw.ChangeNotification {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []gw.ChangeNotification
	for _, c := range w.got {
		out = append(out, c.Value...)
	}
	return out
}

func subBody(resource, notifyURL, lifecycleURL string, exp time.Time) string {
	b, _ := json.Marshal(gw.Subscription{
		Resource: resource, ChangeType: "created,updated,deleted", NotificationURL: notifyURL,
		LifecycleNotificationURL: lifecycleURL, ExpirationDateTime: gw.TimeOf(exp), ClientState: "s3cret",
	})
	return string(b)
}

func TestSubscriptionLifecycle(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	ctx := context.Background()
	hook := newWebhook(t)
	tok := svc.TokenFor(sd.Bob.ID)
	now := svc.clock()
	res := "/chats/" + sd.Meeting.ChatID + "/messages"

	r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, subBody(res, hook.srv.URL+"/n", "", now.Add(2*time.Hour)))
	assert.Equal(t, 400, r.status, "more than 1 h needs a lifecycle URL")
	assert.Contains(t, graphError(t, r).Message, "lifecycleNotificationUrl")
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, subBody(res, hook.srv.URL+"/n", hook.srv.URL+"/l", now.Add(4321*time.Minute)))
	assert.Equal(t, 400, r.status, "at most 4320 minutes")
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, subBody(res, "https://example.com/n", "", now.Add(time.Minute)))
	assert.Equal(t, 400, r.status, "only loopback webhooks by default")
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, subBody("/chats/getAllMessages", hook.srv.URL+"/n", "", now.Add(time.Minute)))
	assert.Equal(t, 403, r.status, "tenant-wide chats need application permissions")
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Carol.ID), subBody(res, hook.srv.URL+"/n", "", now.Add(time.Minute)))
	assert.Equal(t, 403, r.status, "Carol is not in the meeting chat")

	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, subBody(res, hook.srv.URL+"/n", hook.srv.URL+"/l", now.Add(3*time.Hour)))
	require.Equal(t, 201, r.status, "%s", r.body)
	var sub gw.Subscription
	require.NoError(t, json.Unmarshal(r.body, &sub))
	assert.NotEmpty(t, sub.ID)
	assert.Equal(t, sd.Bob.ID, sub.CreatorID)
	hook.mu.Lock()
	require.Len(t, hook.tokens, 2, "both URLs are validated")
	assert.Contains(t, hook.tokens[0], " ", "validation tokens hold spaces: the endpoint must decode the query")
	hook.mu.Unlock()

	m, err := env.Alice.Service.SendMessage(ctx, sd.Meeting.ChatID, chat.TextMessage("ping"), nil)
	require.NoError(t, err)
	_, err = env.Bob.Service.SetReaction(ctx, sd.Meeting.ChatID, m.Message.ID, "👍", nil)
	require.NoError(t, err)
	_, err = env.Alice.Service.SoftDeleteMessage(ctx, sd.Meeting.ChatID, m.Message.ID, nil)
	require.NoError(t, err)
	require.NoError(t, svc.Flush(ctx))
	got := hook.notifications()
	require.Len(t, got, 3)
	for i, want := range []string{"created", "updated", "deleted"} {
		assert.Equal(t, want, got[i].ChangeType)
		assert.Equal(t, sub.ID, got[i].SubscriptionID)
		assert.Equal(t, "s3cret", got[i].ClientState)
		assert.Equal(t, sd.Tenant.ID, got[i].TenantID)
		require.NotNil(t, got[i].ResourceData)
		assert.Equal(t, m.Message.ID, got[i].ResourceData.ID)
		p, ok := gw.ParseResource(got[i].Resource)
		require.True(t, ok, got[i].Resource)
		chatID, _ := p.Key("chats")
		msgID, _ := p.Key("messages")
		assert.Equal(t, sd.Meeting.ChatID, chatID)
		assert.Equal(t, m.Message.ID, msgID)
	}
	ds := svc.Deliveries()
	require.NotEmpty(t, ds)
	assert.Equal(t, http.StatusAccepted, ds[0].Status)

	// Renew, list, lifecycle, delete.
	r = rawDo(t, "PATCH", srv.URL+"/v1.0/subscriptions/"+sub.ID, tok, `{"expirationDateTime":"`+gw.TimeOf(now.Add(48*time.Hour)).String()+`"}`)
	require.Equal(t, 200, r.status, "%s", r.body)
	r = rawDo(t, "PATCH", srv.URL+"/v1.0/subscriptions/"+sub.ID, svc.TokenFor(sd.Alice.ID), `{"expirationDateTime":"`+gw.TimeOf(now.Add(48*time.Hour)).String()+`"}`)
	assert.Equal(t, 403, r.status, "only the creator renews")
	r = rawDo(t, "GET", srv.URL+"/v1.0/subscriptions", tok, "")
	require.Equal(t, 200, r.status)
	assert.Contains(t, string(r.body), sub.ID)
	require.NoError(t, svc.SendLifecycleNotification(sub.ID, gw.LifecycleReauthorizationRequired))
	require.NoError(t, svc.Flush(ctx))
	got = hook.notifications()
	require.Len(t, got, 4)
	assert.Equal(t, gw.LifecycleReauthorizationRequired, got[3].LifecycleEvent)
	assert.Empty(t, got[3].ChangeType)
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions/"+sub.ID+"/reauthorize", tok, "")
	assert.Equal(t, 204, r.status)
	r = rawDo(t, "DELETE", srv.URL+"/v1.0/subscriptions/"+sub.ID, tok, "")
	assert.Equal(t, 204, r.status)
	_, err = env.Alice.Service.SendMessage(ctx, sd.Meeting.ChatID, chat.TextMessage("after delete"), nil)
	require.NoError(t, err)
	require.NoError(t, svc.Flush(ctx))
	assert.Len(t, hook.notifications(), 4, "no notification after delete")
}

// TestSubscriptionExpiryRaisedTo45Minutes: "any request with
// expirationDateTime set to under 45 minutes after the time of the request
// is automatically set to 45 minutes after the request time"
// (https://learn.microsoft.com/graph/api/resources/subscription), in the
// past included; a missing one is refused, the property being required.
func TestSubscriptionExpiryRaisedTo45Minutes(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	hook := newWebhook(t)
	tok := svc.TokenFor(sd.Bob.ID)
	res := "/chats/" + sd.Meeting.ChatID + "/messages"
	for _, ask := range []time.Duration{time.Minute, 44 * time.Minute, -time.Hour} {
		now := svc.clock()
		r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, subBody(res, hook.srv.URL+"/n", "", now.Add(ask)))
		require.Equal(t, 201, r.status, "asked %v: %s", ask, r.body)
		var sub gw.Subscription
		require.NoError(t, json.Unmarshal(r.body, &sub))
		assert.Equal(t, now.Add(45*time.Minute), sub.ExpirationDateTime.Time, "asked %v", ask)
		env.Advance(10 * time.Minute)
		now = svc.clock()
		r = rawDo(t, "PATCH", srv.URL+"/v1.0/subscriptions/"+sub.ID, tok, `{"expirationDateTime":"`+gw.TimeOf(now.Add(ask)).String()+`"}`)
		require.Equal(t, 200, r.status, "%s", r.body)
		require.NoError(t, json.Unmarshal(r.body, &sub))
		assert.Equal(t, now.Add(45*time.Minute), sub.ExpirationDateTime.Time, "renewal asked %v", ask)
	}
	now := svc.clock()
	r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, subBody(res, hook.srv.URL+"/n", "", now.Add(46*time.Minute)))
	require.Equal(t, 201, r.status, "%s", r.body)
	assert.Contains(t, string(r.body), gw.TimeOf(now.Add(46*time.Minute)).String(), "46 minutes is kept")
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, `{"resource":"`+res+`","changeType":"created","notificationUrl":"`+hook.srv.URL+`/n","clientState":"x"}`)
	assert.Equal(t, 400, r.status, "expirationDateTime is required: %s", r.body)
}

func TestSubscriptionValidationFailures(t *testing.T) {
	svc, sd, _, srv := newHTTPEnv(t)
	hook := newWebhook(t)
	tok := svc.TokenFor(sd.Alice.ID)
	res := "/chats/" + sd.Meeting.ChatID + "/messages"
	exp := svc.clock().Add(30 * time.Minute)
	for name, echo := range map[string]func(string) (int, string){
		"wrong token": func(string) (int, string) { return 200, "nope" },
		"500":         func(tok string) (int, string) { return 500, tok },
		"url-encoded": func(tok string) (int, string) { return 200, url.QueryEscape(tok) },
	} {
		hook.mu.Lock()
		hook.echo = echo
		hook.mu.Unlock()
		r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", tok, subBody(res, hook.srv.URL, "", exp))
		assert.Equal(t, 400, r.status, name)
		assert.True(t, strings.Contains(graphError(t, r).Message, "validation"), name)
	}
	assert.Empty(t, svc.Subscriptions())
}

func TestSubscriptionAllMyChatsAndChannels(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	ctx := context.Background()
	hook := newWebhook(t)
	exp := svc.clock().Add(30 * time.Minute)
	r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Carol.ID), subBody("/me/chats/getAllMessages", hook.srv.URL+"/carol", "", exp))
	require.Equal(t, 201, r.status, "%s", r.body)
	r = rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Bob.ID), subBody("teams('"+sd.Team.ID+"')/channels('"+sd.Channel.ID+"')/messages", hook.srv.URL+"/bob", "", exp))
	require.Equal(t, 201, r.status, "%s", r.body)

	_, err := env.Alice.Service.SendMessage(ctx, sd.Meeting.ChatID, chat.TextMessage("Carol is not here"), nil)
	require.NoError(t, err)
	g, err := env.Alice.Service.CreateGroupChat(ctx, "with Carol", []string{sd.Bob.ID, sd.Carol.ID}, nil)
	require.NoError(t, err)
	_, err = env.Bob.Service.SendMessage(ctx, g.Chat.ID, chat.TextMessage("hi Carol"), nil)
	require.NoError(t, err)
	root, err := env.Alice.Service.SendChannelMessage(ctx, sd.Team.ID, sd.Channel.ID, chat.TextMessage("ship it"), nil)
	require.NoError(t, err)
	_, err = env.Bob.Service.ReplyToChannelMessage(ctx, sd.Team.ID, sd.Channel.ID, root.Message.ID, chat.TextMessage("shipped"), nil)
	require.NoError(t, err)
	require.NoError(t, svc.Flush(ctx))

	var carol, bob []Notification
	for _, d := range svc.Deliveries() {
		switch {
		case strings.HasSuffix(d.URL, "/carol"):
			carol = append(carol, d.Notifications...)
		case strings.HasSuffix(d.URL, "/bob"):
			bob = append(bob, d.Notifications...)
		}
	}
	require.Len(t, carol, 1, "Carol hears only of chats she is in")
	assert.Contains(t, carol[0].Resource, g.Chat.ID)
	require.Len(t, bob, 2, "created root and reply")
	assert.Contains(t, bob[1].Resource, "/replies('")
}

// TestNotifierCloseWithoutSubscriptions: a service closed before it ever
// delivered a notification (so its delivery never started) closes at once,
// twice; requests after that are refused (503), and a change after that (a
// message another user posts) is not sent, and not lost silently either:
// it is in Deliveries with an error, and Flush does not wait for it.
func TestNotifierCloseWithoutSubscriptions(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	hook := newWebhook(t)
	res := "/chats/" + sd.Meeting.ChatID + "/messages"
	r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Bob.ID), subBody(res, hook.srv.URL+"/n", "", svc.clock().Add(time.Minute)))
	require.Equal(t, 201, r.status, "%s", r.body)
	require.NoError(t, svc.Close())
	require.NoError(t, svc.Close())

	_, err := env.Alice.Service.SendMessage(context.Background(), sd.Meeting.ChatID, chat.TextMessage("refused"), nil)
	assert.Equal(t, http.StatusServiceUnavailable, chat.StatusCode(err), "%v", err)
	_, err = svc.As(sd.Alice.ID).SendMessage(context.Background(), sd.Meeting.ChatID, chat.TextMessage("refused"), nil)
	assert.Equal(t, http.StatusServiceUnavailable, chat.StatusCode(err), "%v", err)
	_, err = svc.Post(sd.Alice.ID, sd.Meeting.ChatID, "after close")
	require.NoError(t, err)

	require.NoError(t, svc.Flush(context.Background()))
	assert.Empty(t, hook.notifications(), "nothing is sent after Close")
	ds := svc.Deliveries()
	require.Len(t, ds, 1)
	assert.Equal(t, hook.srv.URL+"/n", ds[0].URL)
	assert.ErrorContains(t, ds[0].Err, "closed")
	require.Len(t, ds[0].Notifications, 1)
	assert.Equal(t, "created", ds[0].Notifications[0].ChangeType)
}

func TestFlushHonoursContext(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	_ = srv
	block := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			_, _ = io.WriteString(rw, tok)
			return
		}
		<-block
	}))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(block) })
	r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Bob.ID), subBody("/chats/"+sd.Meeting.ChatID+"/messages", slow.URL, "", svc.clock().Add(time.Minute)))
	require.Equal(t, 201, r.status, "%s", r.body)
	_, err := env.Alice.Service.SendMessage(context.Background(), sd.Meeting.ChatID, chat.TextMessage("x"), nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, svc.Flush(ctx), context.Canceled)
	svc.Close() // cancels the blocked delivery and waits for the goroutine
	ds := svc.Deliveries()
	require.Len(t, ds, 1)
	assert.Error(t, ds[0].Err)
}

// scriptedHook is a notification endpoint that validates subscriptions
// and answers notifications with the status answer gives (202 when nil),
// after moving the service's clock by delay (a slow answer, by the fake's
// clock).
type scriptedHook struct {
	srv     *httptest.Server
	mu      sync.Mutex
	got     int
	status  int
	delay   time.Duration
	advance func(time.Duration)
}

func newScriptedHook(t *testing.T, advance func(time.Duration)) *scriptedHook {
	h := &scriptedHook{status: http.StatusAccepted, advance: advance}
	h.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			_, _ = io.WriteString(rw, tok)
			return
		}
		h.mu.Lock()
		h.got++
		status, delay := h.status, h.delay
		h.mu.Unlock()
		if delay > 0 {
			h.advance(delay)
		}
		rw.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *scriptedHook) set(status int, delay time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.status, h.delay = status, delay
}

func (h *scriptedHook) posts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got
}

// subscribeHook subscribes Bob to the meeting chat's messages at the hook.
func subscribeHook(t *testing.T, svc *Service, sd Seeded, srv *httptest.Server, hookURL string) {
	t.Helper()
	r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Bob.ID),
		subBody("/chats/"+sd.Meeting.ChatID+"/messages", hookURL, hookURL, svc.clock().Add(72*time.Hour)))
	require.Equal(t, 201, r.status, "%s", r.body)
}

// TestDeliveryRetriedFor4Hours: a webhook that answers non-2xx gets the
// notification again, with a back-off that doubles from a minute up to an
// hour, for up to 4 hours from the first try
// (change-notifications-delivery-webhooks: "the service will continue to
// try to deliver the notification for up to 4 hours"); a 2xx ends the
// tries. Everything runs on the service's clock.
func TestDeliveryRetriedFor4Hours(t *testing.T) {
	ctx := context.Background()
	svc, sd, env, srv := newHTTPEnv(t)
	hook := newScriptedHook(t, env.Advance)
	subscribeHook(t, svc, sd, srv, hook.srv.URL)
	hook.set(http.StatusInternalServerError, 0)
	first := svc.clock()
	_, err := svc.Post(sd.Alice.ID, sd.Meeting.ChatID, "are you there?")
	require.NoError(t, err)
	require.NoError(t, svc.Flush(ctx))
	var waits []time.Duration
	for {
		ds := svc.Deliveries()
		last := ds[len(ds)-1]
		require.Equal(t, len(ds), last.Attempt)
		require.Equal(t, http.StatusInternalServerError, last.Status)
		if last.RetryAt.IsZero() {
			break
		}
		waits = append(waits, last.RetryAt.Sub(svc.clock()))
		env.Advance(last.RetryAt.Sub(svc.clock()))
		require.NoError(t, svc.Flush(ctx))
	}
	assert.Equal(t, []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute,
		time.Hour, time.Hour}, waits)
	assert.LessOrEqual(t, svc.clock().Sub(first), RetryFor, "no try after 4 hours")
	assert.Greater(t, svc.clock().Add(time.Hour).Sub(first), RetryFor, "the next try would be past 4 hours")
	env.Advance(24 * time.Hour)
	require.NoError(t, svc.Flush(ctx))
	assert.Equal(t, len(waits)+1, hook.posts(), "given up")

	// A 2xx ends the tries.
	_, err = svc.Post(sd.Alice.ID, sd.Meeting.ChatID, "again")
	require.NoError(t, err)
	require.NoError(t, svc.Flush(ctx))
	hook.set(http.StatusOK, 0)
	env.Advance(time.Minute)
	require.NoError(t, svc.Flush(ctx))
	ds := svc.Deliveries()
	last := ds[len(ds)-1]
	assert.Equal(t, 2, last.Attempt)
	assert.Equal(t, http.StatusOK, last.Status)
	assert.True(t, last.RetryAt.IsZero())
	env.Advance(5 * time.Hour)
	require.NoError(t, svc.Flush(ctx))
	assert.Len(t, svc.Deliveries(), len(ds), "nothing after a 2xx")
}

// TestSlowEndpointDelayedThenDropped: answers slower than 3 s mark an
// endpoint "slow" above 10% of its answers in 10 minutes (new notifications
// wait 10 s) and "drop" above 15% (new notifications are lost), and it
// recovers once the window has passed (change-notifications-delivery-webhooks,
// "Throttling and Retry"). A slow 2xx does not count as received "within 3
// seconds": it is tried again.
func TestSlowEndpointDelayedThenDropped(t *testing.T) {
	ctx := context.Background()
	svc, sd, env, srv := newHTTPEnv(t)
	hook := newScriptedHook(t, env.Advance)
	subscribeHook(t, svc, sd, srv, hook.srv.URL)
	post := func(text string) Delivery {
		t.Helper()
		_, err := svc.Post(sd.Alice.ID, sd.Meeting.ChatID, text)
		require.NoError(t, err)
		require.NoError(t, svc.Flush(ctx))
		ds := svc.Deliveries()
		return ds[len(ds)-1]
	}
	for i := range 13 {
		d := post(fmt.Sprint("fast ", i))
		require.False(t, d.Slow)
	}
	hook.set(http.StatusAccepted, 4*time.Second)
	for i := range 2 {
		d := post(fmt.Sprint("slow ", i))
		require.True(t, d.Slow, "answered in %v", d.Elapsed)
		require.Equal(t, 4*time.Second, d.Elapsed)
		require.False(t, d.RetryAt.IsZero(), "a 2xx after 3 s is tried again")
	}
	// 2 slow of 15: slow (13%), not dropped: a new notification waits 10 s.
	hook.set(http.StatusAccepted, 0)
	before := hook.posts()
	_, err := svc.Post(sd.Alice.ID, sd.Meeting.ChatID, "delayed")
	require.NoError(t, err)
	require.NoError(t, svc.Flush(ctx))
	require.Equal(t, before, hook.posts(), "not posted before the delay")
	env.Advance(SlowDelay)
	require.NoError(t, svc.Flush(ctx))
	require.Equal(t, before+1, hook.posts(), "posted after the delay")

	// One more slow answer (the endpoint being slow, it comes 10 s late):
	// 3 of 17 (18%) drops what comes next.
	hook.set(http.StatusAccepted, 4*time.Second)
	post("slow again")
	env.Advance(SlowDelay)
	require.NoError(t, svc.Flush(ctx))
	ds := svc.Deliveries()
	require.True(t, ds[len(ds)-1].Slow)
	hook.set(http.StatusAccepted, 0)
	before = hook.posts()
	d := post("lost")
	assert.True(t, d.Dropped)
	assert.Equal(t, before, hook.posts(), "a dropped notification is not posted")
	assert.Equal(t, "created", d.Notifications[0].ChangeType)

	// Ten minutes on (the retries of the slow answers go through fast), the
	// endpoint is well again.
	env.Advance(SlowWindow)
	require.NoError(t, svc.Flush(ctx))
	d = post("back")
	assert.False(t, d.Dropped)
	assert.Equal(t, http.StatusAccepted, d.Status)
}

// TestChannelMessageChangesNotify: an edit, a soft delete and its undo and
// a reaction in a channel, on a top-level message or a reply, notify the
// channel's subscriptions as the same changes of a chat message notify a
// chat's (updated, deleted, updated; the reply's resource under its
// top-level message).
func TestChannelMessageChangesNotify(t *testing.T) {
	svc, sd, env, srv := newHTTPEnv(t)
	ctx := context.Background()
	hook := newWebhook(t)
	team, channel := sd.Team.ID, sd.Channel.ID
	root, err := env.Alice.Service.SendChannelMessage(ctx, team, channel, chat.TextMessage("ship it"), nil)
	require.NoError(t, err)
	reply, err := env.Bob.Service.ReplyToChannelMessage(ctx, team, channel, root.Message.ID, chat.TextMessage("shipped"), nil)
	require.NoError(t, err)
	exp := svc.clock().Add(30 * time.Minute)
	r := rawDo(t, "POST", srv.URL+"/v1.0/subscriptions", svc.TokenFor(sd.Bob.ID), subBody("teams('"+team+"')/channels('"+channel+"')/messages", hook.srv.URL+"/bob", "", exp))
	require.Equal(t, 201, r.status, "%s", r.body)

	inThread := &chat.EditChannelMessageOptions{ReplyToID: root.Message.ID}
	_, err = env.Bob.Service.EditChannelMessage(ctx, team, channel, reply.Message.ID, chat.TextMessage("shipped at 5"), inThread)
	require.NoError(t, err)
	_, err = env.Alice.Service.SoftDeleteChannelMessage(ctx, team, channel, root.Message.ID, nil)
	require.NoError(t, err)
	_, err = env.Alice.Service.UndoSoftDeleteChannelMessage(ctx, team, channel, root.Message.ID, nil)
	require.NoError(t, err)
	_, err = env.Alice.Service.SetChannelMessageReaction(ctx, team, channel, root.Message.ID, "like", nil)
	require.NoError(t, err)
	require.NoError(t, svc.Flush(ctx))

	var got []string
	for _, n := range hook.notifications() {
		got = append(got, n.ChangeType+" "+n.Resource)
	}
	rootRes := gw.ChannelMessageResource(team, channel, root.Message.ID, "")
	assert.Equal(t, []string{
		"updated " + gw.ChannelMessageResource(team, channel, root.Message.ID, reply.Message.ID),
		"deleted " + rootRes,
		"updated " + rootRes,
		"updated " + rootRes,
	}, got)
}
