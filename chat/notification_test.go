package chat_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

const (
	hookState = "hook-client-state-0123456789"
	oneChange = `{"value":[{"subscriptionId":"sub-1","subscriptionExpirationDateTime":"2026-03-02T10:00:00.000Z","changeType":"created","resource":"chats('19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2')/messages('1700000000001')","resourceData":{"@odata.type":"#Microsoft.Graph.chatMessage","@odata.id":"chats('19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2')/messages('1700000000001')","id":"1700000000001"},"clientState":"` + hookState + `","tenantId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}]}`
)

func post(h http.Handler, target, contentType, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func newHandler(t *testing.T, states chat.ClientStateChecker, o *chat.NotificationHandlerOptions) *chat.NotificationHandler {
	t.Helper()
	h, err := chat.NewNotificationHandler(states, o)
	require.NoError(t, err)
	return h
}

func TestNotificationHandlerValidation(t *testing.T) {
	h := newHandler(t, chat.OneClientState(hookState), nil)
	w := post(h, "/hook?validationToken=Validation%3A+Testing+client+application+reachability+for+subscription+Request-Id%3A+abc", "text/plain", "")
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "text/plain; charset=utf-8", w.Header().Get("Content-Type"))
	require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	require.Equal(t, "Validation: Testing client application reachability for subscription Request-Id: abc", w.Body.String())

	for name, q := range map[string]string{
		"empty":    "validationToken=",
		"twice":    "validationToken=a&validationToken=b",
		"too long": "validationToken=" + strings.Repeat("x", chat.MaxValidationTokenBytes+1),
		"bad utf8": "validationToken=%ff%fe",
		"bad enc":  "validationToken=%zz",
	} {
		w := post(h, "/hook?"+q, "", "")
		require.Equal(t, http.StatusBadRequest, w.Code, name)
	}
}

func TestNotificationHandlerDelivers(t *testing.T) {
	h := newHandler(t, chat.OneClientState(hookState), nil)
	w := post(h, "/hook", "application/json; charset=utf-8", oneChange)
	require.Equal(t, http.StatusAccepted, w.Code)
	require.Empty(t, w.Body.String())
	n := <-h.Notifications()
	require.Equal(t, chat.Notification{
		Kind:                  chat.NotificationCreated,
		SubscriptionID:        "sub-1",
		SubscriptionExpiresAt: n.SubscriptionExpiresAt,
		TenantID:              "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
		Resource:              "chats('19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2')/messages('1700000000001')",
		ChatID:                "19:0f1e2d3c4b5a69788796a5b4c3d2e1f0@thread.v2",
		MessageID:             "1700000000001",
		Type:                  chat.ResourceChatMessage,
	}, n)
	require.Equal(t, "2026-03-02T10:00:00Z", n.SubscriptionExpiresAt.Format("2006-01-02T15:04:05Z07:00"))

	channel := `{"value":[{"subscriptionId":"sub-2","changeType":"updated","resource":"teams('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0')/channels('19:abc@thread.tacv2')/messages('17')/replies('18')","clientState":"` + hookState + `"},` +
		`{"subscriptionId":"sub-2","lifecycleEvent":"missed","clientState":"` + hookState + `"}]}`
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", channel).Code)
	n = <-h.Notifications()
	require.Equal(t, chat.NotificationUpdated, n.Kind)
	require.Equal(t, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", n.TeamID)
	require.Equal(t, "19:abc@thread.tacv2", n.ChannelID)
	require.Equal(t, "17", n.MessageID)
	require.Equal(t, "18", n.ReplyID)
	require.Equal(t, chat.ResourceChannelMessage, n.Type)
	n = <-h.Notifications()
	require.Equal(t, chat.NotificationMissed, n.Kind)
	require.True(t, n.IsLifecycle())
	require.Empty(t, n.Type)
}

// TestPresenceNotification: a presence change notification as
// changenotifications-for-presence shows it ("Example: Basic presence
// notifications") is a ResourcePresence notification of the user.
func TestPresenceNotification(t *testing.T) {
	h := newHandler(t, chat.OneClientState(hookState), nil)
	const user = "fa8bf3dc-eca7-46b7-bad1-db199b62afc3"
	body := `{"value":[{"subscriptionId":"sub-3","clientState":"` + hookState + `","changeType":"updated",` +
		`"tenantId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee","resource":"communications/presences/` + user + `",` +
		`"subscriptionExpirationDateTime":"2023-09-14T10:00:00.0000000Z",` +
		`"resourceData":{"@odata.id":"users/` + user + `/presence","@odata.type":"#microsoft.graph.presence","id":"` + user + `"},` +
		`"organizationId":"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"}]}`
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", body).Code)
	n := <-h.Notifications()
	require.Equal(t, chat.NotificationUpdated, n.Kind)
	require.Equal(t, chat.ResourcePresence, n.Type)
	require.Equal(t, user, n.UserID)
	require.Empty(t, n.ChatID+n.MessageID+n.TeamID)
}

func TestNotificationHandlerRefuses(t *testing.T) {
	h := newHandler(t, chat.OneClientState(hookState), &chat.NotificationHandlerOptions{MaxBodyBytes: 4096, Buffer: 2, MaxWait: -1})
	forged := strings.ReplaceAll(oneChange, hookState, "hook-client-state-0123456788")
	cases := []struct {
		name, method, ctype, body string
		status                    int
	}{
		{"wrong client state", http.MethodPost, "application/json", forged, http.StatusForbidden},
		{"no client state", http.MethodPost, "application/json", strings.ReplaceAll(oneChange, `"clientState":"`+hookState+`",`, ""), http.StatusForbidden},
		{"not json", http.MethodPost, "application/json", "value=1", http.StatusBadRequest},
		{"no value", http.MethodPost, "application/json", `{"values":[]}`, http.StatusBadRequest},
		{"text body", http.MethodPost, "text/plain", oneChange, http.StatusUnsupportedMediaType},
		{"too large", http.MethodPost, "application/json", `{"value":[],"x":"` + strings.Repeat("a", 5000) + `"}`, http.StatusRequestEntityTooLarge},
		{"get", http.MethodGet, "", "", http.StatusMethodNotAllowed},
		{"both kinds", http.MethodPost, "application/json", strings.Replace(oneChange, `"changeType":"created"`, `"changeType":"created","lifecycleEvent":"missed"`, 1), http.StatusForbidden},
		{"unknown change", http.MethodPost, "application/json", strings.Replace(oneChange, `"created"`, `"moved"`, 1), http.StatusForbidden},
	}
	for _, tc := range cases {
		r := httptest.NewRequest(tc.method, "/hook", strings.NewReader(tc.body))
		if tc.ctype != "" {
			r.Header.Set("Content-Type", tc.ctype)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		require.Equal(t, tc.status, w.Code, tc.name)
		require.NotContains(t, w.Body.String(), hookState, tc.name)
	}
	require.Empty(t, h.Notifications(), "nothing was delivered")

	// A batch with one good and one forged notification delivers the good one.
	mixed := `{"value":[` + oneChange[len(`{"value":[`):len(oneChange)-2] + `,` + forged[len(`{"value":[`):len(forged)-2] + `]}`
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", mixed).Code)
	require.Len(t, h.Notifications(), 1)

	// A delivery that does not fit now (but can later) is refused whole,
	// so Graph sends it again.
	two := `{"value":[` + oneChange[len(`{"value":[`):len(oneChange)-2] + `,` + oneChange[len(`{"value":[`):len(oneChange)-2] + `]}`
	w := post(h, "/hook", "application/json", two)
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Len(t, h.Notifications(), 1)
	<-h.Notifications()
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", two).Code)

	h.Close()
	h.Close()
	require.Equal(t, http.StatusServiceUnavailable, post(h, "/hook", "application/json", oneChange).Code)
	got := 0
	for range h.Notifications() {
		got++
	}
	require.Equal(t, 2, got, "what was queued is still read after Close")
}

type states map[string]string

func (s states) CheckClientState(_ context.Context, id, state string) (bool, error) {
	v, ok := s[id]
	return ok && v == state, nil
}

// flakyStates is a checker whose store is out of reach while down is set;
// it counts the checks.
type flakyStates struct {
	down   bool
	checks int
}

func (f *flakyStates) CheckClientState(_ context.Context, _, state string) (bool, error) {
	f.checks++
	if f.down {
		return false, errors.New("store unreachable")
	}
	return state == hookState, nil
}

// TestNotificationHandlerCheckerFails: a delivery whose client states
// cannot be checked (the store is out of reach) is refused with 503 —
// which Graph delivers again — not with 403, and nothing of it is queued;
// each subscription and state of a delivery is checked once.
func TestNotificationHandlerCheckerFails(t *testing.T) {
	f := &flakyStates{down: true}
	h := newHandler(t, f, nil)
	w := post(h, "/hook", "application/json", batch(1, 3))
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Equal(t, "5", w.Header().Get("Retry-After"))
	require.NotContains(t, w.Body.String(), "store unreachable")
	require.Empty(t, h.Notifications())
	f.down, f.checks = false, 0
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", batch(1, 3)).Code)
	require.Equal(t, []string{"1", "2", "3"}, read(t, h, 3))
	require.Equal(t, 1, f.checks, "three notifications of one subscription and state: one check")
}

// hangingStates is a ClientStateChecker whose store never answers: it
// returns when its context ends, reporting the deadline it had.
type hangingStates struct{ deadline chan time.Duration }

func (s hangingStates) CheckClientState(ctx context.Context, _, _ string) (bool, error) {
	d, ok := ctx.Deadline()
	if !ok {
		s.deadline <- -1
		return false, errors.New("no deadline")
	}
	s.deadline <- time.Until(d)
	<-ctx.Done()
	return false, ctx.Err()
}

// TestNotificationHandlerBoundsTheCheck: a store that does not answer
// holds a delivery for CheckTimeout at most, then it is refused with 503
// (Graph sends it again), not held for as long as the store's client
// retries; without the bound the check has no deadline (the checker says
// so and the test fails).
func TestNotificationHandlerBoundsTheCheck(t *testing.T) {
	for _, c := range []struct {
		name    string
		timeout time.Duration
		want    time.Duration
	}{{"default", 0, chat.DefaultClientStateCheckTimeout}, {"set", 50 * time.Millisecond, 50 * time.Millisecond}} {
		t.Run(c.name, func(t *testing.T) {
			s := hangingStates{deadline: make(chan time.Duration, 1)}
			h := newHandler(t, s, &chat.NotificationHandlerOptions{CheckTimeout: c.timeout})
			if c.timeout == 0 {
				// The default is not waited out: the deadline is read,
				// then the request's own context ends the check.
				ctx, cancel := context.WithCancel(context.Background())
				r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(oneChange)).WithContext(ctx)
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				done := make(chan struct{})
				go func() { defer close(done); h.ServeHTTP(w, r) }()
				d := <-s.deadline
				cancel()
				<-done
				require.Greater(t, d, time.Duration(0))
				require.LessOrEqual(t, d, c.want)
				require.Equal(t, http.StatusServiceUnavailable, w.Code)
				return
			}
			w := post(h, "/hook", "application/json", oneChange)
			d := <-s.deadline
			require.Greater(t, d, time.Duration(0))
			require.LessOrEqual(t, d, c.want)
			require.Equal(t, http.StatusServiceUnavailable, w.Code)
			require.Equal(t, "5", w.Header().Get("Retry-After"))
			require.Empty(t, h.Notifications())
		})
	}
	_, err := chat.NewNotificationHandler(chat.OneClientState(hookState), &chat.NotificationHandlerOptions{CheckTimeout: -time.Second})
	var ae *chat.ArgumentError
	require.ErrorAs(t, err, &ae)
}

func TestNotificationHandlerPerSubscriptionStates(t *testing.T) {
	h := newHandler(t, states{"sub-1": hookState, "sub-2": "other"}, nil)
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", oneChange).Code)
	require.Equal(t, http.StatusForbidden, post(h, "/hook", "application/json", strings.ReplaceAll(oneChange, "sub-1", "sub-2")).Code)
	require.Equal(t, http.StatusForbidden, post(h, "/hook", "application/json", strings.ReplaceAll(oneChange, "sub-1", "sub-3")).Code, "unknown subscription")

	var ae *chat.ArgumentError
	_, err := chat.NewNotificationHandler(nil, nil)
	require.True(t, errors.As(err, &ae))
	require.Equal(t, "clientStates", ae.Arg)
	_, err = chat.NewNotificationHandler(chat.OneClientState("has space"), nil)
	require.True(t, errors.As(err, &ae))
	require.Equal(t, "clientStates", ae.Arg)
	require.NotContains(t, err.Error(), "has space")
}

// batch is a delivery of n created-message notifications, numbered from
// first.
func batch(first, n int) string {
	var b strings.Builder
	b.WriteString(`{"value":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"subscriptionId":"sub-1","changeType":"created","resource":"chats('19:a@thread.v2')/messages('%d')","clientState":"%s"}`, first+i, hookState)
	}
	b.WriteString(`]}`)
	return b.String()
}

// read takes n notifications and returns their message ids.
func read(t *testing.T, h *chat.NotificationHandler, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		select {
		case m, ok := <-h.Notifications():
			if !ok {
				t.Fatalf("closed after %d of %d", len(ids), n)
			}
			ids = append(ids, m.MessageID)
		case <-time.After(time.Minute):
			t.Fatalf("only %d of %d notifications arrived", len(ids), n)
		}
	}
	return ids
}

func seq(first, n int) []string {
	var out []string
	for i := range n {
		out = append(out, strconv.Itoa(first+i))
	}
	return out
}

// TestNotificationHandlerOversizedBatch: a delivery with more notifications
// than Buffer is accepted whole once nothing else waits (it was refused with
// 503 forever, so Graph would have sent it again for hours), handed over in
// order as the channel is read; meanwhile other deliveries are refused (they
// fit later), and none is lost or repeated.
func TestNotificationHandlerOversizedBatch(t *testing.T) {
	h := newHandler(t, chat.OneClientState(hookState), &chat.NotificationHandlerOptions{Buffer: 2, MaxWait: -1})
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", batch(0, 5)).Code, "a batch of 5 with a buffer of 2")
	require.Equal(t, http.StatusServiceUnavailable, post(h, "/hook", "application/json", batch(100, 1)).Code, "the oversized batch is not read yet")
	require.Equal(t, seq(0, 5), read(t, h, 5))
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", batch(5, 1)).Code)
	require.Equal(t, seq(5, 1), read(t, h, 1))

	// Accepted, then shut down before it is read: Shutdown waits while it
	// is read whole, then the channel closes.
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", batch(10, 7)).Code)
	readAll := make(chan []string)
	go func() {
		var ids []string
		for n := range h.Notifications() {
			ids = append(ids, n.MessageID)
		}
		readAll <- ids
	}()
	require.NoError(t, h.Shutdown(context.Background()))
	require.Equal(t, http.StatusServiceUnavailable, post(h, "/hook", "application/json", batch(20, 1)).Code)
	require.Equal(t, seq(10, 7), <-readAll)
	require.NoError(t, h.Close())
}

// TestNotificationHandlerWaitsForRoom: a delivery that does not fit waits
// (up to MaxWait) while the reader makes room, and is then accepted whole.
func TestNotificationHandlerWaitsForRoom(t *testing.T) {
	h := newHandler(t, chat.OneClientState(hookState), &chat.NotificationHandlerOptions{Buffer: 3, MaxWait: time.Minute})
	waiting := make(chan struct{}, 1)
	chat.SetTestHookWaiting(func() { waiting <- struct{}{} })
	defer chat.SetTestHookWaiting(nil)
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", batch(0, 2)).Code)
	answered := make(chan int, 1)
	go func() { answered <- post(h, "/hook", "application/json", batch(2, 3)).Code }()
	select {
	case <-waiting:
	case code := <-answered:
		t.Fatalf("a delivery that does not fit was answered %d at once, without waiting for room", code)
	}
	// Reading makes room for the waiting delivery of three.
	require.Equal(t, seq(0, 2), read(t, h, 2))
	require.Equal(t, http.StatusAccepted, <-answered)
	require.Equal(t, seq(2, 3), read(t, h, 3))

	// The request's context ends the wait: refused.
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", batch(5, 3)).Code)
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/hook", strings.NewReader(batch(8, 1)))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { h.ServeHTTP(w, r); close(done) }()
	<-waiting
	cancel()
	<-done
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
	require.Equal(t, "5", w.Header().Get("Retry-After"))
	require.Equal(t, seq(5, 3), read(t, h, 3))
	h.Close()
}

// TestChatAndMembershipNotifications: the notifications of
// teams-changenotifications-chat and -chatmembership, as their
// "Notifications without resource data" show them (changeType
// capitalized, resourceData with the chat's or the membership's id), are
// ResourceChat and ResourceChatMember notifications of the chat and the
// membership; a message's id is never taken from a chat's resourceData.
func TestChatAndMembershipNotifications(t *testing.T) {
	h := newHandler(t, chat.OneClientState(hookState), nil)
	const chatID = "19:1273a016-201d-4f95-8083-1b7f99b3edeb_976f4b31-fd01-4e0b-9178-29cc40c14438@unq.gbl.spaces"
	const member = "MCMjMjQzMmI1N2ItMGFiZC00M2RiLWFhN2ItMTZlYWRkMTE1ZDM0IyMxOToxMjczYTAxNi0yMDFkLTRmOTUtODA4My0xYjdmOTliM2VkZWJfOTc2ZjRiMzEtZmQwMS00ZTBiLTkxNzgtMjljYzQwYzE0NDM4QHVucS5nYmwuc3BhY2VzIyMyZmM2MDY2My0xOWEyLTRhYTQtODUyYy1mN2JhNGU5MGFkYTI="
	body := `{"value":[` +
		`{"subscriptionId":"sub-c","changeType":"Updated","clientState":"` + hookState + `","subscriptionExpirationDateTime":"2021-06-03T10:26:09.8959595+00:00",` +
		`"resource":"chats('` + chatID + `')","resourceData":{"id":"` + chatID + `","@odata.type":"#microsoft.graph.chat","@odata.id":"chats('` + chatID + `')"}},` +
		`{"subscriptionId":"sub-m","changeType":"Created","clientState":"` + hookState + `","subscriptionExpirationDateTime":"2021-06-03T10:58:54.7656077+00:00",` +
		`"resource":"chats('` + chatID + `')/members('` + member + `')","resourceData":{"id":"` + member + `","@odata.type":"#microsoft.graph.aadUserConversationMember","@odata.id":"chats('` + chatID + `')/members('` + member + `')"}},` +
		`{"subscriptionId":"sub-m","changeType":"deleted","clientState":"` + hookState + `","resource":"/chats/` + chatID + `/members/` + member + `"}` +
		`]}`
	require.Equal(t, http.StatusAccepted, post(h, "/hook", "application/json", body).Code)
	n := <-h.Notifications()
	require.Equal(t, chat.NotificationUpdated, n.Kind)
	require.Equal(t, chat.ResourceChat, n.Type)
	require.Equal(t, chatID, n.ChatID)
	require.Empty(t, n.MessageID+n.MembershipID)
	for _, kind := range []chat.NotificationKind{chat.NotificationCreated, chat.NotificationDeleted} {
		n = <-h.Notifications()
		require.Equal(t, kind, n.Kind)
		require.Equal(t, chat.ResourceChatMember, n.Type)
		require.Equal(t, chatID, n.ChatID)
		require.Equal(t, member, n.MembershipID)
		require.Empty(t, n.MessageID)
	}
}
