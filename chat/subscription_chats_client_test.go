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

// TestChatAndMemberSubscriptions: subscriptions to a chat itself
// (ChatResource) and to its members (ChatMembersResource), kept by the same
// SubscriptionManager as a message subscription and heard through the same
// NotificationHandler, report the chat renamed (ResourceChat, updated) and
// members added and removed (ResourceChatMember, created and deleted, with
// the membership's id) — whichever face of the fake made the change: the
// rename and the removal through the Go face, the addition through the
// HTTP face.
func TestChatAndMemberSubscriptions(t *testing.T) {
	g := newFakeGraph(t)
	alice := g.client(t, g.seeded.Alice, func(o *chat.ClientOptions) { o.Clock = g.clock })
	ctx := context.Background()
	late := &lateHandler{}
	hooks := httptest.NewServer(late)
	t.Cleanup(hooks.Close)
	mgr, err := chat.NewSubscriptionManager(alice, hooks.URL+"/hook", nil)
	require.NoError(t, err)
	h, err := chat.NewNotificationHandler(mgr, nil)
	require.NoError(t, err)
	late.h = h

	group, err := alice.CreateGroupChat(ctx, "Before", []string{g.seeded.Bob.ID}, nil)
	require.NoError(t, err)
	chatID := group.Chat.ID
	subChat, err := mgr.Subscribe(ctx, chat.ChatResource(chatID))
	require.NoError(t, err)
	subMembers, err := mgr.Subscribe(ctx, chat.ChatMembersResource(chatID))
	require.NoError(t, err)
	subMessages, err := mgr.Subscribe(ctx, chat.ChatMessagesResource(chatID))
	require.NoError(t, err)
	require.Len(t, g.svc.Subscriptions(), 3)

	bob := g.svc.As(g.seeded.Bob.ID) // the Go face
	_, err = bob.RenameChat(ctx, chatID, "After", nil)
	require.NoError(t, err)
	added, err := alice.AddMember(ctx, chatID, g.seeded.Carol.ID, nil) // the HTTP face
	require.NoError(t, err)
	_, err = bob.RemoveMember(ctx, chatID, added.Member.ID, nil)
	require.NoError(t, err)
	posted, err := g.svc.Post(g.seeded.Bob.ID, chatID, "welcome and goodbye, Carol")
	require.NoError(t, err)
	require.NoError(t, g.svc.Flush(ctx))

	got := map[chat.ResourceType][]chat.Notification{}
	for range 4 {
		n := nextNotification(t, h)
		require.Equal(t, chatID, n.ChatID, "%+v", n)
		got[n.Type] = append(got[n.Type], n)
	}
	require.Len(t, got[chat.ResourceChat], 1)
	renamed := got[chat.ResourceChat][0]
	require.Equal(t, chat.NotificationUpdated, renamed.Kind)
	require.Equal(t, subChat.ID, renamed.SubscriptionID)
	require.Empty(t, renamed.MessageID+renamed.MembershipID)
	read, err := alice.GetChat(ctx, renamed.ChatID, nil)
	require.NoError(t, err)
	require.Equal(t, "After", read.Chat.Topic, "the notification leads to the renamed chat")

	members := got[chat.ResourceChatMember]
	require.Len(t, members, 2)
	for i, kind := range []chat.NotificationKind{chat.NotificationCreated, chat.NotificationDeleted} {
		require.Equal(t, kind, members[i].Kind)
		require.Equal(t, subMembers.ID, members[i].SubscriptionID)
		require.Equal(t, added.Member.ID, members[i].MembershipID)
	}
	require.Len(t, got[chat.ResourceChatMessage], 1)
	require.Equal(t, subMessages.ID, got[chat.ResourceChatMessage][0].SubscriptionID)
	require.Equal(t, posted.ID, got[chat.ResourceChatMessage][0].MessageID)
}

// TestChatSubscriptionsRefused: the tenant-wide /chats and
// /chats/getAllMembers take application permissions only
// (teams-changenotifications-chat, -chatmembership: "Delegated: Not
// supported"), so the client refuses them before sending, and the fake
// answers 403 to a request that sends them anyway; a chat's subscription
// needs the permissions its page lists (ChatMember.Read subscribes to the
// members, not to the chat), and a chat the user is not in is not
// subscribed to.
func TestChatSubscriptionsRefused(t *testing.T) {
	g := newFakeGraph(t)
	ctx := context.Background()
	h, err := chat.NewNotificationHandler(chat.OneClientState("s3cret-state"), nil)
	require.NoError(t, err)
	hooks := hookServer(t, h)
	alice := g.client(t, g.seeded.Alice, nil)
	chatID := g.seeded.Meeting.ChatID
	for _, res := range []string{"/chats", "/chats/getAllMembers", "/chats/getAllMessages", "/chats/not-a-chat", "/chats/" + chatID + "/members/x"} {
		_, err := alice.CreateSubscription(ctx, res, hooks.URL+"/hook", "s3cret-state", nil)
		var ae *chat.ArgumentError
		require.True(t, errors.As(err, &ae), "%s: %v", res, err)
		require.Equal(t, "resource", ae.Arg)
	}
	require.Zero(t, len(g.svc.Requests()), "nothing was sent")

	for _, res := range []string{"/chats", "/chats/getAllMembers"} {
		status := rawSubscribe(t, g, g.svc.TokenFor(g.seeded.Alice.ID), res, hooks.URL+"/hook")
		require.Equal(t, http.StatusForbidden, status, res)
	}

	members := g.clientWithScopes(t, g.seeded.Alice, "ChatMember.Read")
	_, err = members.CreateSubscription(ctx, chat.ChatMembersResource(chatID), hooks.URL+"/hook", "s3cret-state", nil)
	require.NoError(t, err)
	_, err = members.CreateSubscription(ctx, chat.ChatResource(chatID), hooks.URL+"/hook", "s3cret-state", nil)
	require.True(t, chat.IsForbidden(err), "%v", err)

	carol := g.client(t, g.seeded.Carol, func(o *chat.ClientOptions) { o.Clock = g.clock })
	_, err = carol.CreateSubscription(ctx, chat.ChatResource(chatID), hooks.URL+"/hook", "s3cret-state", nil)
	require.True(t, chat.IsForbidden(err) || chat.IsNotFound(err), "%v", err)
}

// clientWithScopes is the real client of u on the fake's HTTP face with a
// token granted only scopes.
func (g *fakeGraph) clientWithScopes(t *testing.T, u fake.User, scopes ...string) *chat.Client {
	t.Helper()
	c, err := chat.NewClient(staticCred{g.svc.TokenFor(u.ID, scopes...)}, &chat.ClientOptions{BaseURL: g.srv.URL + "/v1.0", UserID: u.ID, Clock: g.clock})
	require.NoError(t, err)
	return c
}

// rawSubscribe posts a subscription of resource as the client would, but
// past its checks, and returns the status.
func rawSubscribe(t *testing.T, g *fakeGraph, token, resource, hook string) int {
	t.Helper()
	body := `{"changeType":"created,updated,deleted","notificationUrl":"` + hook + `","resource":"` + resource +
		`","expirationDateTime":"` + g.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `","clientState":"s3cret-state"}`
	req, err := http.NewRequest(http.MethodPost, g.srv.URL+"/v1.0/subscriptions", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	return resp.StatusCode
}
